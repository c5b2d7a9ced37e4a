import { formatYaml } from '../../format.js';
import { ensureMapEntries, mapEntriesSlots } from '../../patch.js';
import { renderTemplate } from '../../render.js';
import { TOOL } from '../../paths.js';
import { resourcesPatch, scaffold } from '../../plan/emit.js';
import { type RepoModel, posixRelative } from '../../plan/model.js';
import { type PlannedFile, unpatchFor } from '../../plan/types.js';

/** Where registerInNamespace lists `ksPath` from, or undefined when it lies outside `<appsRoot>/<namespace>/`. */
export function namespaceEntry(m: RepoModel, namespace: string, ksPath: string): string | undefined {
  const entry = posixRelative(`${m.repo.appsRoot}/${namespace}`, ksPath);
  return entry.startsWith('..') ? undefined : entry;
}

/** The operator's ks.yaml as the ks layout writes it, and whether its namespace folder lists it. */
export const operatorKsPath = (m: RepoModel): string => `${m.repo.operatorPath}/ks.yaml`;
export const operatorKsRegistered = (m: RepoModel): boolean => namespaceEntry(m, m.repo.namespace, operatorKsPath(m)) !== undefined;

/**
 * Lists `ksPath` (a ks.yaml) in its namespace folder's kustomization.yaml, when it lives under
 * `<appsRoot>/<namespace>/`. When the folder is new, the tool creates it with a Namespace object
 * too (Flux's targetNamespace needs the namespace to exist), unless Kubernetes makes the namespace
 * itself (`default`). An existing folder already has its own way to make the namespace (a
 * namespace.yaml, a component).
 */
export async function registerInNamespace(m: RepoModel, namespace: string, ksPath: string, unit: string, labels: Record<string, string> = {}): Promise<PlannedFile[]> {
  const nsDir = `${m.repo.appsRoot}/${namespace}`;
  const entry = namespaceEntry(m, namespace, ksPath);
  if (entry === undefined) return [];
  const kustomization = `${nsDir}/kustomization.yaml`;
  // A namespace whose labels the tool keeps needs its Namespace listed, in a folder of the user's too.
  const kept = Object.keys(labels).length > 0;
  const creates = kept || ownsNamespace(m, namespace);
  // The Namespace stays listed on remove-app: other apps' folders may share it, and it is never pruned.
  const registered = resourcesPatch(kustomization, unit, { created: creates ? ['./namespace.yaml', entry] : [entry], existing: kept ? ['./namespace.yaml', entry] : [entry] }, [entry]);
  return creates ? [registered, await namespaceFile(`${nsDir}/namespace.yaml`, namespace, unit, labels, kustomization)] : [registered];
}

/**
 * Whether a new folder of the tool's declares `namespace`: not one Kubernetes makes, nor one a file of
 * the user's declares (the repository, for the operator's, or an app in it answered createNamespace
 * false, found when it was onboarded): two owners of one Namespace take it from each other, and
 * kustomize refuses the id twice in one build.
 */
export const ownsNamespace = (m: RepoModel, namespace: string): boolean =>
  !KUBERNETES_NAMESPACES.has(namespace) && !(namespace === m.repo.namespace && m.repo.createNamespace === false) && !usersNamespaces(m).has(namespace);

/**
 * The namespaces apps answered createNamespace false for, once per model: every app asks, and a
 * scan of every app for each made a plan of n apps quadratic. A model is never changed once built.
 */
const declaredByUser = new WeakMap<RepoModel, ReadonlySet<string>>();
function usersNamespaces(m: RepoModel): ReadonlySet<string> {
  let s = declaredByUser.get(m);
  if (!s) declaredByUser.set(m, (s = new Set(m.apps.flatMap((a) => (a.createNamespace === false ? [a.namespace] : [])))));
  return s;
}

/**
 * The namespaces Kubernetes itself creates (kubernetes.io, Namespaces, "Initial namespaces"): a new
 * folder for one of them gets no Namespace object, which would only claim an object the cluster owns.
 */
export const KUBERNETES_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-node-lease', 'kube-public', 'kube-system']);

const CREATED = `Written once by ${TOOL} with this folder's kustomization.yaml; yours now.`;

/**
 * The Namespace file: written once and then the user's; with `labels` (Pod Security Admission) the
 * tool keeps those labels in it as its entries, in a file of the user's as well, and the rest stays theirs.
 */
export async function namespaceFile(path: string, name: string, unit: string, labels: Record<string, string>, onlyWith?: string): Promise<PlannedFile> {
  if (!Object.keys(labels).length) return scaffold(path, unit, [CREATED], ['kustomize/namespace.yaml.hbs', { name }], onlyWith);
  const created = `# ${TOOL} keeps the pod-security labels; the rest is yours.\n${await formatYaml(renderTemplate('kustomize/namespace.yaml.hbs', { name }))}`;
  const want = { kind: 'Namespace', name, path: ['metadata', 'labels'], entries: labels };
  return { mode: 'patched', path, unit, apply: (cur) => ensureMapEntries(cur, want, created), slots: (t) => mapEntriesSlots(t, want), templates: ['kustomize/namespace.yaml.hbs'] };
}
