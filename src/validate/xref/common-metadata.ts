import type { Scope } from "../scope.js";
import { getPath, isMap, type Problem, type RenderedDoc } from "../types.js";
import { problemAt, unresolved } from "./common.js";

const FIELDS = [
  ["labels", "label"],
  ["annotations", "annotation"],
] as const;

/**
 * Rule f: a Flux Kustomization's `commonMetadata` overwrites the labels and annotations of the same
 * key on every object it applies (fluxcd/pkg ssa/utils/meta.go SetCommonMetadata, called by
 * kustomize-controller before the apply), so a different value written in the object never
 * reaches the cluster. Only the object's own metadata: pod templates keep theirs.
 */
export function checkCommonMetadata(rendered: readonly RenderedDoc[], scopes: readonly Scope[]): Problem[] {
  const common = new Map(scopes.filter((s) => s.engine === "flux").map((s) => [s.id, getPath(s.raw.obj, ["spec", "commonMetadata"])]));
  const problems: Problem[] = [];
  for (const r of rendered) {
    const set = r.flux === undefined ? undefined : common.get(r.flux);
    if (!isMap(set)) continue;
    for (const [field, noun] of FIELDS) {
      const theirs = set[field];
      const ours = getPath(r.obj, ["metadata", field]);
      if (!isMap(theirs) || !isMap(ours)) continue;
      for (const [key, value] of Object.entries(theirs)) {
        const own = ours[key];
        const wins = String(value);
        if (typeof own !== "string" || own === wins || wins.includes("${")) continue;
        const at = ["metadata", field, key];
        if (unresolved(r, at, own)) continue;
        problems.push(problemAt(r, at, `${noun} ${key} "${own}" is replaced with "${wins}" by commonMetadata of Kustomization ${r.flux}`));
      }
    }
  }
  return problems;
}
