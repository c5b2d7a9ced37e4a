import type { Reached } from "./kustomize-model.js";
import type { RawDoc } from "./types.js";

/**
 * One object a GitOps engine applies, and what it reaches: a Flux Kustomization (flux-model.ts) or
 * an Argo CD Application. Rendering, schemas, cross-references and builds run on every scope the
 * same way; only how a scope is read from its object differs per engine.
 */
export interface Scope {
  engine: "flux" | "argocd";
  raw: RawDoc;
  /** `Kustomization` or `Application`, for messages. */
  kind: string;
  id: string; // namespace/name
  namespace: string;
  name: string;
  /** The repository directory it applies (normal form, "" for the root) and the field naming it. */
  dir: string;
  dirField: (string | number)[];
  /**
   * The namespace its namespaced objects get. Flux's targetNamespace overrides theirs; an Argo CD
   * destination namespace only fills it where a document has none.
   */
  targetNamespace?: string;
  namespaceMode: "override" | "default";
  /** Post-build substitution (Flux only): whether it runs, its values, and sources not in the tree. */
  hasPostBuild: boolean;
  values: Map<string, string>;
  externalSources: string[];
  reached: Reached[];
  /** Set when it applies a source outside this tree (a pinned upstream release): it reaches nothing here. */
  upstream?: string;
}
