import type { Problem, RenderedDoc } from "../types.js";
import { problemAt, unresolved } from "./common.js";
import { producedSecrets, secretRefs } from "./secret-refs.js";

/**
 * Rule b: every referenced Secret is produced in the same namespace (ExternalSecret, Secret,
 * SealedSecret, cert-manager Certificate, CNPG's own). A kustomize secretGenerator's Secret is
 * accepted by name in any namespace: which namespaces reach that kustomization is not modelled.
 */
export function checkSecrets(rendered: readonly RenderedDoc[], externalSecrets: readonly string[] = [], generatedNames: ReadonlySet<string> = new Set()): Problem[] {
  const produced = new Set(externalSecrets);
  for (const r of rendered) for (const name of producedSecrets(r.obj)) produced.add(`${r.namespace}/${name}`);
  const problems: Problem[] = [];
  for (const r of rendered) {
    const reported = new Set<string>(); // one problem per Secret per document
    for (const ref of secretRefs(r.obj)) {
      if (unresolved(r, ref.path, ref.name) || produced.has(`${r.namespace}/${ref.name}`) || generatedNames.has(ref.name) || reported.has(ref.name)) continue;
      reported.add(ref.name);
      problems.push(
        problemAt(r, ref.path, `Secret ${ref.name} is not produced in namespace ${r.namespace} (no ExternalSecret target or Secret of that name)`),
      );
    }
  }
  return problems;
}
