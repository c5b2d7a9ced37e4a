import type { ErrorObject } from "ajv";
import { keyLineOf, lineOf } from "./parse.js";
import { getPath, isMap, metaName, type Problem, type RenderedDoc } from "./types.js";
import type { CompiledSchema } from "./ajv-setup.js";

type Path = (string | number)[];

export function toPath(instancePath: string): Path {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function dotted(path: Path): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out || "(root)";
}

/** True when the original (unsubstituted) value at `path` mentions a variable whose value is unknown. */
export function holdsPlaceholder(rendered: RenderedDoc, path: Path): boolean {
  if (rendered.placeholderVars.size === 0) return false;
  const text = JSON.stringify(getPath(rendered.raw.obj, path) ?? null);
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (m[1] && rendered.placeholderVars.has(m[1])) return true;
  }
  return false;
}

/** The name to show: the substituted one, unless it was built from unknown variables (then as written). */
export function displayName(rendered: RenderedDoc): string {
  return holdsPlaceholder(rendered, ["metadata", "name"]) ? metaName(rendered.raw.obj) : metaName(rendered.obj);
}

/** What the API server would not get: SOPS metadata is stripped by Flux before apply. */
function applied(obj: Record<string, unknown>): Record<string, unknown> {
  if (!("sops" in obj)) return obj;
  const { sops: _sops, ...rest } = obj;
  return rest;
}

export function checkSchema(rendered: RenderedDoc, compiled: CompiledSchema): Problem[] {
  const ok = compiled.validate(applied(rendered.obj));
  if (ok) return [];
  const groups = new Map<string, ErrorObject[]>();
  for (const err of compiled.validate.errors ?? []) {
    const list = groups.get(err.instancePath) ?? [];
    list.push(err);
    groups.set(err.instancePath, list);
  }
  const problems: Problem[] = [];
  for (const [instancePath, errors] of groups) {
    const path = toPath(instancePath);
    for (const { message, line } of describe(rendered, path, errors)) {
      problems.push({ path: rendered.raw.file, line, kind: rendered.obj.kind, name: displayName(rendered), message });
    }
  }
  return problems;
}

interface Described {
  message: string;
  line: number;
}

function describe(rendered: RenderedDoc, path: Path, errors: ErrorObject[]): Described[] {
  const raw = rendered.raw;
  const out: Described[] = [];
  const at = dotted(path);
  // Value-level errors on a field that held an unknown variable are placeholder noise.
  const valueErrors = errors.filter((e) => !["required", "additionalProperties"].includes(e.keyword));
  const suppressed = valueErrors.length > 0 && holdsPlaceholder(rendered, path);
  const types = new Set<string>();
  for (const e of errors) {
    if (e.keyword === "additionalProperties") {
      const prop = String(e.params.additionalProperty);
      if (holdsPlaceholder(rendered, [...path, prop])) continue;
      out.push({ message: `${dotted([...path, prop])}: unknown field (not in the schema)`, line: keyLineOf(raw, path, prop) });
    } else if (e.keyword === "required") {
      out.push({ message: `${at}: missing required field "${String(e.params.missingProperty)}"`, line: lineOf(raw, path) });
    } else if (suppressed) {
      continue;
    } else if (e.keyword === "type") {
      for (const t of String(e.params.type).split(",")) types.add(t);
    } else if (e.keyword === "oneOf" || e.keyword === "anyOf") {
      if (!errors.some((x) => x.keyword === "type")) out.push({ message: `${at}: ${e.message ?? "is invalid"}`, line: lineOf(raw, path) });
    } else if (e.keyword === "enum") {
      const allowed = (e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      out.push({ message: `${at}: ${JSON.stringify(getPath(rendered.obj, path))} is not one of ${allowed}`, line: lineOf(raw, path) });
    } else {
      out.push({ message: `${at}: ${e.message ?? e.keyword}`, line: lineOf(raw, path) });
    }
  }
  if (types.size > 0) {
    const value = getPath(rendered.obj, path);
    const actual = value === null ? "null" : Array.isArray(value) ? "array" : isMap(value) ? "object" : typeof value;
    out.unshift({ message: `${at}: must be ${[...types].join(" or ")} (got ${actual})`, line: lineOf(raw, path) });
  }
  return out;
}
