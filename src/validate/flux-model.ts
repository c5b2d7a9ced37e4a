import path from "node:path";
import type { KustomizeModel } from "./kustomize-model.js";
import type { Scope } from "./scope.js";
import { asArray, getPath, isMap, metaName, str, type JsonMap, type RawDoc } from "./types.js";

export const FLUX_KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io/";

export function isFluxKustomization(obj: JsonMap): boolean {
  return typeof obj.apiVersion === "string" && obj.apiVersion.startsWith(FLUX_KUSTOMIZE_GROUP) && obj.kind === "Kustomization";
}

export function isKustomizeInput(obj: JsonMap): boolean {
  return typeof obj.apiVersion === "string" && obj.apiVersion.startsWith("kustomize.config.k8s.io/");
}

const CLUSTER_SCOPED = new Set([
  "Namespace", "ClusterSecretStore", "ClusterExternalSecret", "ClusterGenerator", "ClusterImageCatalog",
  "CiliumClusterwideNetworkPolicy", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
  "StorageClass", "PersistentVolume", "PriorityClass", "ClusterIssuer", "IngressClass",
  "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "VolumeSnapshotClass",
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** The namespace kustomize alone gives a document (no Flux), for documents outside any Flux scope. */
export function staticNamespace(raw: RawDoc, kustomizeNs: ReadonlyMap<string, string>): string {
  if (isClusterScoped(raw.obj.kind)) return "";
  return kustomizeNs.get(raw.file) ?? str(getPath(raw.obj, ["metadata", "namespace"])) ?? "default";
}

function decodeSecretData(obj: JsonMap): Map<string, string> {
  const out = new Map<string, string>();
  const data = obj.data;
  if (isMap(data)) for (const [k, v] of Object.entries(data)) if (typeof v === "string") out.set(k, Buffer.from(v, "base64").toString("utf8"));
  const stringData = obj.stringData;
  if (isMap(stringData)) for (const [k, v] of Object.entries(stringData)) out.set(k, String(v));
  return out;
}

function configData(obj: JsonMap): Map<string, string> {
  if (obj.kind === "Secret") return decodeSecretData(obj);
  const out = new Map<string, string>();
  if (isMap(obj.data)) for (const [k, v] of Object.entries(obj.data)) out.set(k, String(v));
  return out;
}

/**
 * What a Kustomization applies when it is not this repository: an OCIRepository artifact, or a
 * GitRepository defined in the tree and pinned to a tag, semver range or commit (an upstream
 * release such as a CRD bundle; the team's own repository follows a branch).
 */
function upstreamSource(obj: JsonMap, byKindName: ReadonlyMap<string, RawDoc[]>): string | undefined {
  const kind = str(getPath(obj, ["spec", "sourceRef", "kind"]));
  const name = str(getPath(obj, ["spec", "sourceRef", "name"]));
  if (kind === "OCIRepository" || kind === "Bucket") return `${kind} ${name}`;
  if (kind !== "GitRepository") return undefined;
  const source = byKindName.get(`GitRepository/${name}`)?.[0];
  const ref = source ? getPath(source.obj, ["spec", "ref"]) : undefined;
  if (!isMap(ref) || ref.branch !== undefined) return undefined;
  const pin = str(ref.tag) ?? str(ref.semver) ?? str(ref.commit);
  return pin ? `GitRepository ${name} (${str(getPath(source!.obj, ["spec", "url"])) ?? "?"} at ${pin})` : undefined;
}

export function buildFluxScopes(docs: readonly RawDoc[], kustomize: KustomizeModel, kustomizeNs: ReadonlyMap<string, string>, notes: Set<string>): Scope[] {
  const scopes: Scope[] = [];
  // Sources by kind and name, in tree order: one look-up per reference instead of a scan of every document.
  const byKindName = new Map<string, RawDoc[]>();
  for (const d of docs) {
    const k = `${d.obj.kind}/${metaName(d.obj)}`;
    const list = byKindName.get(k);
    if (list) list.push(d);
    else byKindName.set(k, [d]);
  }
  for (const raw of docs) {
    if (!isFluxKustomization(raw.obj)) continue;
    const namespace = staticNamespace(raw, kustomizeNs);
    const name = metaName(raw.obj);
    const specPath = str(getPath(raw.obj, ["spec", "path"])) ?? "./";
    if (specPath.includes("${")) {
      notes.add(`${raw.file}: Kustomization ${name}: spec.path uses a variable; its output is not modelled`);
      continue;
    }
    const upstream = upstreamSource(raw.obj, byKindName);
    if (upstream) notes.add(`${raw.file}: Kustomization ${name}: applies ${upstream}, not this tree: its output is not modelled`);
    const dir = path.posix.normalize(specPath.replace(/^\.?\/?/, "")).replace(/^\.$/, "").replace(/\/$/, "");
    const components = asArray(getPath(raw.obj, ["spec", "components"]))
      .map(str)
      .filter((c): c is string => !!c)
      .map((c) => path.posix.normalize(path.posix.join(dir, c)).replace(/\/$/, ""));
    const postBuild = getPath(raw.obj, ["spec", "postBuild"]);
    const values = new Map<string, string>();
    const externalSources: string[] = [];
    for (const ref of asArray(getPath(postBuild, ["substituteFrom"]))) {
      if (!isMap(ref)) continue;
      const kind = str(ref.kind) ?? "ConfigMap";
      const refName = str(ref.name) ?? "";
      const candidates = (byKindName.get(`${kind}/${refName}`) ?? []).filter((d) => d.obj.apiVersion === "v1");
      const source = candidates.find((d) => staticNamespace(d, kustomizeNs) === namespace) ?? candidates[0];
      if (source) for (const [k, v] of configData(source.obj)) values.set(k, v);
      else if (ref.optional !== true) externalSources.push(`${kind}/${refName}`);
    }
    const substitute = getPath(postBuild, ["substitute"]);
    if (isMap(substitute)) for (const [k, v] of Object.entries(substitute)) values.set(k, String(v));
    scopes.push({
      engine: "flux",
      raw,
      kind: "Kustomization",
      id: `${namespace}/${name}`,
      namespace,
      name,
      dir,
      dirField: ["spec", "path"],
      targetNamespace: str(getPath(raw.obj, ["spec", "targetNamespace"])),
      namespaceMode: "override",
      hasPostBuild: isMap(postBuild),
      values,
      externalSources,
      reached: upstream ? [] : kustomize.reach(dir, components),
      ...(upstream ? { upstream } : {}),
    });
  }
  return scopes;
}
