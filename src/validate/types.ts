import type { Document, LineCounter } from "yaml";

/** One finding; `path` is relative to the validated root, `line` is 1-based. */
export interface Problem {
  path: string;
  line: number;
  kind: string;
  name: string;
  message: string;
}

/**
 * Variable names that substituteFrom sources outside the tree provide: one list for every such
 * source, or lists by source (`ConfigMap/cluster-vars`); a source not listed can provide anything.
 */
export type ExternalVariables = readonly string[] | Readonly<Record<string, readonly string[]>>;

export interface ValidateOptions {
  root: string;
  /** kubeconform-style: directories or URL templates; `default` = the shipped schemas. */
  schemaLocations?: string[];
  kubectl?: "auto" | "off";
  /** Limit reported problems to these files/dirs (relative to root); the whole tree is still read for context. */
  paths?: string[];
  /** Variables provided by substituteFrom sources that are not in the tree (e.g. `cluster-vars`). */
  externalVariables?: ExternalVariables;
  /** Flux Kustomizations that exist outside the tree, as `namespace/name`. */
  externalKustomizations?: string[];
  /** Secrets that exist outside the tree, as `namespace/name`. */
  externalSecrets?: string[];
  /** kubeconform's -ignore-missing-schemas: a kind with no schema is a note, not a problem. */
  ignoreMissingSchemas?: boolean;
  /**
   * A program that renders a Helm chart directory as `helm template` prints it (test/e2e/helm-render),
   * for the charts Argo CD Applications sync; without one those charts' objects are not checked (noted).
   */
  helmRenderer?: string;
  /** Called as each phase starts, for a status line on long runs. */
  onProgress?: (status: string) => void;
}

export interface ValidateResult {
  problems: Problem[];
  checkedDocuments: number;
  checkedKustomizations: number;
  notes: string[];
}

/** A parsed YAML document that looks like a Kubernetes object. */
export interface RawDoc {
  file: string; // relative to root, forward slashes
  index: number; // position in its file
  line: number; // first line of the document
  text: string; // source text of this document only
  doc: Document.Parsed;
  lineCounter: LineCounter;
  offset: number; // where `text` starts in the file
  obj: KubeObject;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonMap = { [k: string]: Json };

export interface KubeObject extends JsonMap {
  apiVersion: string;
  kind: string;
}

/** A document as some Flux Kustomization (or none) would apply it. */
export interface RenderedDoc {
  raw: RawDoc;
  obj: KubeObject; // after substitution
  namespace: string; // effective namespace ("" for cluster-scoped kinds)
  /** Variables whose value is unknown here: fields holding them must not be reported. */
  placeholderVars: Set<string>;
  /** The Flux Kustomization that applies it, as `namespace/name`, if any. */
  flux?: string;
}

/** Shared helpers over JSON-ish values. */
export function isMap(v: unknown): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function getPath(v: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = v;
  for (const key of path) {
    if (typeof key === "number") cur = Array.isArray(cur) ? cur[key] : undefined;
    else cur = isMap(cur) ? cur[key] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function metaName(obj: JsonMap): string {
  return str(getPath(obj, ["metadata", "name"])) ?? "";
}
