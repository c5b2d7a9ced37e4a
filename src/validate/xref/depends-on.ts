import { isFluxKustomization } from "../flux-model.js";
import { asArray, isMap, metaName, str, type Problem, type RenderedDoc } from "../types.js";
import { problemAt, unresolved } from "./common.js";

/** Rule a: each Flux Kustomization `dependsOn` entry names a Kustomization in the tree (or a declared external one). */
export function checkDependsOn(rendered: readonly RenderedDoc[], external: readonly string[] = []): Problem[] {
  const fluxDocs = rendered.filter((r) => isFluxKustomization(r.obj));
  const known = new Set([...external, ...fluxDocs.map((r) => `${r.namespace}/${metaName(r.obj)}`)]);
  const problems: Problem[] = [];
  for (const r of fluxDocs) {
    const spec = r.obj.spec;
    if (!isMap(spec)) continue;
    asArray(spec.dependsOn).forEach((dep, i) => {
      const name = isMap(dep) ? str(dep.name) : undefined;
      if (!name || !isMap(dep) || unresolved(r, ["spec", "dependsOn", i, "name"], name)) return;
      const id = `${str(dep.namespace) ?? r.namespace}/${name}`;
      if (!known.has(id)) problems.push(problemAt(r, ["spec", "dependsOn", i, "name"], `dependsOn ${id}: no Flux Kustomization of that name in the tree`));
    });
  }
  return problems;
}
