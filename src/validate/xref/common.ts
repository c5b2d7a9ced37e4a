import { lineOf } from "../parse.js";
import { displayName, holdsPlaceholder } from "../schema-check.js";
import { asArray, isMap, type JsonMap, type Problem, type RenderedDoc } from "../types.js";

export type Path = (string | number)[];

export function problemAt(r: RenderedDoc, path: Path, message: string): Problem {
  return { path: r.raw.file, line: lineOf(r.raw, path), kind: r.obj.kind, name: displayName(r), message };
}

/** A reference we cannot judge: its value came from an unknown variable or was never substituted. */
export function unresolved(r: RenderedDoc, path: Path, value: string): boolean {
  return value.includes("${") || holdsPlaceholder(r, path);
}

export function isKind(r: RenderedDoc, groupPrefix: string, kind: string): boolean {
  return r.obj.kind === kind && (groupPrefix === "" ? !r.obj.apiVersion.includes("/") : r.obj.apiVersion.startsWith(groupPrefix));
}

/** The API group prefix of Cilium's policy kinds. */
export const CILIUM = "cilium.io/";

/** A Cilium policy's `spec` and every entry of its `specs`, with their paths. */
export function specsOf(obj: JsonMap): { spec: JsonMap; path: Path }[] {
  const out: { spec: JsonMap; path: Path }[] = [];
  if (isMap(obj.spec)) out.push({ spec: obj.spec, path: ["spec"] });
  asArray(obj.specs).forEach((s, i) => isMap(s) && out.push({ spec: s, path: ["specs", i] }));
  return out;
}
