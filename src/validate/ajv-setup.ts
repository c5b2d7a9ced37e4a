import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { readSchemaFile } from "./schema-store.js";

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface RegExpLike {
  test(s: string): boolean;
}

/** Notes produced while compiling the current schema (regex translations). */
let compileNotes: string[] = [];

/**
 * Go (RE2) patterns that JS rejects: `\PC` (Cilium) becomes `\P{C}` under the `u` flag,
 * a leading `(?i)` (prometheus-operator) becomes the `i` flag. Anything else that still
 * fails is skipped (always matches) and noted.
 */
export function compilePattern(pattern: string, flags = "u"): { re: RegExpLike; note?: string } {
  try {
    return { re: new RegExp(pattern, flags) };
  } catch {
    // fall through to translation
  }
  let translated = pattern.replace(/\\P([A-Z])(?![{a-z])/g, "\\P{$1}").replace(/\\p([A-Z])(?![{a-z])/g, "\\p{$1}");
  let f = flags.includes("u") ? flags : `${flags}u`;
  if (/\(\?i\)/.test(translated)) {
    translated = translated.replace(/\(\?i\)/g, "");
    f += "i";
  }
  // A faithful translation (Go's \PC is JavaScript's \P{C}) checks what the schema means: nothing
  // to tell the user. Only a pattern left unchecked is worth a note.
  try {
    return { re: new RegExp(translated, f) };
  } catch {
    return { re: { test: () => true }, note: `schema pattern ${JSON.stringify(pattern)} is not valid in JavaScript: not checked` };
  }
}

function regExpEngine(pattern: string, flags: string): RegExpLike {
  const { re, note } = compilePattern(pattern, flags);
  if (note && !compileNotes.includes(note)) compileNotes.push(note);
  return re;
}
regExpEngine.code = "compilePattern"; // only used by ajv's standalone code generation

// Kubernetes OpenAPI formats that ajv-formats does not know; accepted as-is, like kubeconform.
const K8S_FORMATS = ["int32", "int64", "float", "double", "byte", "cidr", "idn-hostname", "int-or-string", "password", "quantity", "duration", "binary"];

function createAjv(): Ajv {
  // optimize: false compiles the 400-800 KB CRD schemas ~2.5x faster; validating small manifests does not notice.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false, code: { regExp: regExpEngine, optimize: false } });
  addFormats(ajv);
  for (const f of K8S_FORMATS) ajv.addFormat(f, true);
  return ajv;
}

let ajv: Ajv | undefined;

export interface CompiledSchema {
  schema: Record<string, unknown>;
  validate: ValidateFunction;
  notes: string[];
  hasCelRules: boolean;
}

// Compiling the big CRD schemas costs 100-300 ms each: compile once per process.
const compiled = new Map<string, CompiledSchema>();

export function compileSchemaFile(file: string): CompiledSchema {
  const hit = compiled.get(file);
  if (hit) return hit;
  const schema = readSchemaFile(file) as Record<string, unknown>;
  delete schema.$schema; // core files say "http://json-schema.org/schema#": validate as draft-07
  delete schema.$id;
  ajv ??= createAjv();
  compileNotes = [];
  const validate = ajv.compile(schema);
  const notes = compileNotes.map((n) => `${file.split("/").slice(-2).join("/")}: ${n}`);
  const hasCelRules = JSON.stringify(schema).includes('"x-kubernetes-validations"');
  const entry: CompiledSchema = { schema, validate, notes, hasCelRules };
  compiled.set(file, entry);
  return entry;
}
