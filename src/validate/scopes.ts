import { buildArgoScopes } from "./argocd-model.js";
import { buildFluxScopes } from "./flux-model.js";
import type { KustomizeModel } from "./kustomize-model.js";
import type { Scope } from "./scope.js";
import type { RawDoc } from "./types.js";

/** Every engine's scopes in the tree; a new engine adds its reader here and nothing else changes. */
export function buildScopes(root: string, docs: readonly RawDoc[], kustomize: KustomizeModel, kustomizeNs: ReadonlyMap<string, string>, notes: Set<string>): Scope[] {
  return [...buildFluxScopes(docs, kustomize, kustomizeNs, notes), ...buildArgoScopes(root, docs, kustomize)];
}
