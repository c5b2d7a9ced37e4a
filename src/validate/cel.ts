import { celEnv, isCelError, parse, plan, type CelInput } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { isMap } from "./types.js";

type Path = (string | number)[];
type Program = (ctx: { self: CelInput }) => unknown;

export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
}

export interface CelFailure {
  path: Path; // where the rule applies in the object
  message: string;
}

const env = celEnv({ funcs: strings });
// Plans per rule text: `null` = cannot compile (noted once).
const programs = new Map<string, Program | null>();

export class CelNotes {
  readonly notes = new Set<string>();
  add(note: string): void {
    this.notes.add(note);
  }
}

function program(expr: string, notes: CelNotes): Program | null {
  if (programs.has(expr)) {
    const p = programs.get(expr) ?? null;
    if (!p) notes.add(`CEL rule skipped (cannot compile): ${expr}`);
    return p;
  }
  let p: Program | null = null;
  try {
    p = plan(env, parse(expr)) as unknown as Program;
  } catch (err) {
    notes.add(`CEL rule skipped (cannot compile: ${(err as Error).message.split("\n")[0]}): ${expr}`);
  }
  programs.set(expr, p);
  return p;
}

/** Kubernetes CEL sees JSON integers as `int`; objects as maps. */
export function toCel(v: unknown): CelInput {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (isMap(v)) return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v as CelInput;
}

/** The API server applies schema defaults before running validation rules. */
function withDefaults(schema: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> {
  const props = schema.properties;
  if (!isMap(props)) return data;
  let out = data;
  for (const [key, sub] of Object.entries(props)) {
    if (isMap(sub) && "default" in sub && !(key in data)) {
      if (out === data) out = { ...data };
      out[key] = structuredClone(sub.default);
    }
  }
  return out;
}

function rulesOf(schema: Record<string, unknown>): CelRule[] {
  const list = schema["x-kubernetes-validations"];
  return Array.isArray(list) ? (list.filter(isMap) as unknown as CelRule[]) : [];
}

function evaluate(rule: CelRule, self: unknown, path: Path, notes: CelNotes): CelFailure | undefined {
  if (/\boldSelf\b/.test(rule.rule)) return undefined; // transition rules need the stored object
  const p = program(rule.rule, notes);
  if (!p) return undefined;
  const result = p({ self: toCel(self) });
  if (isCelError(result) || typeof result !== "boolean") {
    const why = isCelError(result) ? result.message : "not a boolean";
    notes.add(`CEL rule skipped (evaluation failed: ${why}): ${rule.rule}`);
    return undefined;
  }
  if (result) return undefined;
  const target = rule.fieldPath ? [...path, ...rule.fieldPath.replace(/^\./, "").split(".")] : path;
  return { path: target, message: failureMessage(rule, self, notes) };
}

function failureMessage(rule: CelRule, self: unknown, notes: CelNotes): string {
  if (rule.message) return rule.message;
  if (rule.messageExpression) {
    const p = program(rule.messageExpression, notes);
    const msg = p?.({ self: toCel(self) });
    if (typeof msg === "string" && msg) return msg;
  }
  return `failed rule: ${rule.rule}`;
}

/** Evaluates every x-kubernetes-validations rule of `schema` against the matching parts of `data`. */
export function checkCel(schema: Record<string, unknown>, data: unknown, notes: CelNotes): CelFailure[] {
  const failures: CelFailure[] = [];
  const walk = (s: Record<string, unknown>, value: unknown, path: Path): void => {
    if (value === undefined || value === null) return;
    const v = isMap(value) ? withDefaults(s, value) : value;
    for (const rule of rulesOf(s)) {
      const f = evaluate(rule, v, path, notes);
      if (f) failures.push(f);
    }
    if (isMap(v)) {
      const props = isMap(s.properties) ? s.properties : undefined;
      for (const [key, child] of Object.entries(v)) {
        const sub = props?.[key] ?? (isMap(s.additionalProperties) ? s.additionalProperties : undefined);
        if (isMap(sub)) walk(sub, child, [...path, key]);
      }
    } else if (Array.isArray(v) && isMap(s.items)) {
      const items = s.items;
      v.forEach((item, i) => walk(items, item, [...path, i]));
    }
  };
  walk(schema, data, []);
  return failures;
}
