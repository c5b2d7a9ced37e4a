import * as z from 'zod';
import { OPERATOR_RELEASES, PLUGIN_RELEASES, newestOperator, newestPlugin, pluginMismatch, pluginOf, releaseOf } from '../src/versions.js';
import type { AnswerSchema, Field } from './fields.js';
import { overlaps } from '../src/repo-path.js';
import { declaredElsewhere } from './names.js';
import { refineProfile } from './profile-rules.js';
import { operatorFields, operatorShape, refineOperator } from './operator.js';
import { fillRelease, refineRelease, releaseFields, releaseShape } from './release.js';
import { dns1123Label, gitUrl, httpUrl, imageRef, kubeName, labelValue, quantity, repoPath, toolPackageSpec, varName } from './rules.js';

/** Answers that hold once per GitOps repository: the operator, Flux wiring and shared conventions. */
export interface RepoCtx {
  recorded?: RepoAnswers;
  /**
   * Namespaces a file of the user's declares (src/repo-choices.ts), given only while the repository has
   * no record yet: the answer is decided once, at onboarding, so regen renders the same tree every time.
   */
  declaredNamespaces?: ReadonlyMap<string, string>;
}

/** Argo CD's answers have a default only under delivery argocd; a Flux record never holds them. */
const argocdOr =
  <K extends keyof RepoAnswers>(key: K, fallback: (a: Record<string, unknown>) => RepoAnswers[K]) =>
  (a: Record<string, unknown>, ctx: RepoCtx): RepoAnswers[K] | undefined =>
    a.delivery !== 'argocd' ? undefined : ctx.recorded?.[key] !== undefined ? ctx.recorded[key] : fallback(a);

/**
 * Delivery argocd (src/delivery/argocd/): Applications in `argocdNamespace`, and a wrapper chart
 * in `operatorPath` holding the operator, the plugin and the clusters (seed 000). The chart's
 * version and a digest of its files are recorded: the tool bumps the version when the files change.
 */
const ARGOCD_FIELDS: readonly Field<RepoCtx>[] = [
  { name: 'argocdNamespace', kind: 'string', message: 'Namespace of the Argo CD Application objects', default: argocdOr('argocdNamespace', () => 'argocd') },
  { name: 'argocdProject', kind: 'string', message: 'Argo CD project of the Applications', default: argocdOr('argocdProject', () => 'default') },
  { name: 'argocdRepoURL', kind: 'string', message: 'Git repository URL Argo CD reads this tree from', default: argocdOr('argocdRepoURL', () => undefined) },
  { name: 'argocdTargetRevision', kind: 'string', message: 'Revision (branch, tag, HEAD) Argo CD syncs', default: argocdOr('argocdTargetRevision', () => 'HEAD') },
  { name: 'argocdServer', kind: 'string', message: 'Destination cluster API server of the Applications', default: argocdOr('argocdServer', () => 'https://kubernetes.default.svc') },
  { name: 'argocdSyncWave', kind: 'int', message: 'Sync wave of the first Application (the operator\'s); later ones follow their needs', default: argocdOr('argocdSyncWave', () => 0) },
  { name: 'argocdPrune', kind: 'bool', message: 'Automated sync prunes what left the tree', default: argocdOr('argocdPrune', () => true) },
  { name: 'argocdSelfHeal', kind: 'bool', message: 'Automated sync reverts changes made in the cluster', default: argocdOr('argocdSelfHeal', () => true) },
  { name: 'argocdAppsPath', kind: 'string', message: 'Directory of the Argo CD Application manifests', default: argocdOr('argocdAppsPath', () => 'argocd/apps') },
  { name: 'clusterNamespace', kind: 'string', message: 'Namespace of the shared clusters (the operator stays in namespace)', default: argocdOr('clusterNamespace', (a) => a.namespace as string) },
  { name: 'operatorImage', kind: 'string', message: 'Operator image ("" for the chart\'s own)', default: argocdOr('operatorImage', () => '') },
  { name: 'pluginImage', kind: 'string', message: 'Barman Cloud plugin image ("" for the chart\'s own)', default: argocdOr('pluginImage', () => '') },
  { name: 'pluginSidecarImage', kind: 'string', message: 'Barman Cloud sidecar image ("" for the chart\'s own)', default: argocdOr('pluginSidecarImage', () => '') },
  { name: 'wrapperChartVersion', kind: 'string', message: 'Version of the wrapper chart (the tool bumps its patch when the chart changes)', default: argocdOr('wrapperChartVersion', () => '0.1.0') },
  { name: 'wrapperChartDigest', kind: 'string', message: 'Digest of the wrapper chart\'s files at that version (kept by the tool)', default: argocdOr('wrapperChartDigest', () => '') },
];

const recordedOr =
  <K extends keyof RepoAnswers>(key: K, fallback: RepoAnswers[K]) =>
  (_a: unknown, ctx: RepoCtx): RepoAnswers[K] =>
    ctx.recorded ? ctx.recorded[key] : fallback;

/** The GitOps engine that applies the tree (src/delivery/) and where clusters live (src/plan/topology.ts). */
export const DELIVERIES = ['flux', 'argocd'] as const;
export const TOPOLOGIES = ['shared', 'per-app'] as const;
/** Flux only: `ks` a ks.yaml per unit (seeds 001, 004); `flat` one directory per unit under the k8s cluster's root (seed 002). */
export const FLUX_LAYOUTS = ['ks', 'flat'] as const;
/** src/plan/secret-source.ts. */
export const SECRET_SOURCES = ['external-secrets', 'sops'] as const;
/** src/renovate.ts: a file at the repository root Renovate reads as its config, or none. */
export const RENOVATE_CONFIGS = ['renovate.json5', ''] as const;

export const repoFields: readonly Field<RepoCtx>[] = [
  { name: 'delivery', kind: 'enum', message: 'GitOps engine that applies the tree', choices: DELIVERIES, default: recordedOr('delivery', 'flux') },
  {
    name: 'topology',
    kind: 'enum',
    message: 'Where clusters live: shared (apps connect to a shared cluster) or per-app (each app gets its own cluster beside it)',
    choices: TOPOLOGIES,
    default: recordedOr('topology', 'shared'),
  },
  {
    name: 'fluxLayout',
    kind: 'enum',
    message: 'Flux layout: ks (a ks.yaml per unit) or flat (clusters/<k8s-cluster>/{cnpg,<app>}/, one Kustomizations file)',
    choices: FLUX_LAYOUTS,
    default: (a, ctx) => ctx.recorded?.fluxLayout ?? (a.topology === 'per-app' ? 'flat' : 'ks'),
  },
  { name: 'namespace', kind: 'string', message: 'Namespace of the operator and the shared clusters', default: recordedOr('namespace', 'databases') },
  { name: 'appsRoot', kind: 'string', message: 'Directory of the Flux apps tree (one folder per namespace)', default: recordedOr('appsRoot', 'kubernetes/apps') },
  {
    name: 'createNamespace',
    kind: 'bool',
    message: 'Declare the operator\'s namespace (a Namespace object) in a file of the tool\'s',
    shownDefault: 'true; false, and asked, when a YAML file of yours other than <appsRoot>/<namespace>/namespace.yaml declares that Namespace already',
    // The same rule as an app's (schema/app.ts): two owners of one Namespace take it from each other.
    default: (a, ctx) => (ctx.recorded ? ctx.recorded.createNamespace : declaredElsewhere(ctx.declaredNamespaces, String(a.appsRoot), String(a.namespace)) ? false : undefined),
  },
  {
    name: 'operatorPath',
    kind: 'string',
    message: 'Directory of the operator (ks.yaml, app/, cluster/)',
    default: (a, ctx) => ctx.recorded?.operatorPath ?? `${a.appsRoot}/${a.namespace}/cloudnative-pg`,
  },
  {
    name: 'helmRepositoryPath',
    kind: 'string',
    message: 'File of the HelmRepository the operator chart comes from (flat layout)',
    default: recordedOr('helmRepositoryPath', 'infrastructure/helm-repositories/cnpg.yaml'),
    when: (a) => a.fluxLayout === 'flat',
  },
  {
    name: 'chartVersion',
    kind: 'enum',
    message: 'cloudnative-pg chart version (pins the operator version)',
    choices: OPERATOR_RELEASES.map((r) => r.chart),
    default: recordedOr('chartVersion', newestOperator().chart),
  },
  {
    name: 'pluginChartVersion',
    kind: 'enum',
    message: 'plugin-barman-cloud chart version (installed when a cluster backs up through the plugin)',
    choices: PLUGIN_RELEASES.map((r) => r.chart),
    default: recordedOr('pluginChartVersion', newestPlugin().chart),
  },
  ...releaseFields,
  {
    name: 'operatorTimeout',
    kind: 'string',
    message: 'How long the operator\'s Flux Kustomization waits for its objects (the HelmRelease) to be ready',
    default: (_a, ctx) => ctx.recorded?.operatorTimeout ?? '5m',
  },
  {
    name: 'operatorRetryInterval',
    kind: 'string',
    message: 'How soon the operator\'s Flux Kustomization retries after a failure',
    default: (_a, ctx) => ctx.recorded?.operatorRetryInterval ?? '1m',
  },
  {
    name: 'operatorInstallRetries',
    kind: 'int',
    message: 'HelmRelease install remediation retries (-1: retry forever)',
    default: (_a, ctx) => ctx.recorded?.operatorInstallRetries ?? -1,
  },
  { name: 'fluxNamespace', kind: 'string', message: 'Namespace of the Flux Kustomization objects', default: recordedOr('fluxNamespace', 'flux-system') },
  { name: 'gitRepository', kind: 'string', message: 'GitRepository the Kustomizations use as sourceRef', default: recordedOr('gitRepository', 'flux-system') },
  { name: 'partOf', kind: 'string', message: 'Value of the app.kubernetes.io/part-of label', default: (a, ctx) => ctx.recorded?.partOf ?? a.gitRepository },
  {
    name: 'secretStoreKustomization',
    kind: 'string',
    message: 'Flux Kustomization that provides the secret store (external to this tree)',
    default: recordedOr('secretStoreKustomization', 'external-secrets-stores'),
  },
  {
    name: 'storageKustomization',
    kind: 'string',
    message: 'Flux Kustomization that provides the storage class ("" for none)',
    default: recordedOr('storageKustomization', ''),
  },
  {
    name: 'certManagerKustomization',
    kind: 'string',
    message: 'Flux Kustomization that provides cert-manager (the Barman Cloud plugin needs it)',
    default: recordedOr('certManagerKustomization', 'cert-manager'),
  },
  { name: 'clusterVarsConfigMap', kind: 'string', message: 'ConfigMap in the Flux namespace with cluster-wide variables', default: recordedOr('clusterVarsConfigMap', 'cluster-vars') },
  { name: 'clusterVars', kind: 'list', message: 'Variables that ConfigMap provides (comma-separated)', default: recordedOr('clusterVars', ['CLUSTER_NAME']) },
  { name: 'secretStore', kind: 'string', message: 'ClusterSecretStore the ExternalSecrets read from', default: recordedOr('secretStore', 'onepassword') },
  {
    name: 'secretSource',
    kind: 'enum',
    message: 'Where Secrets come from: external-secrets (ExternalSecrets from the store) or sops (stubs you fill and encrypt; Flux decrypts)',
    choices: SECRET_SOURCES,
    default: (_a, ctx) => (ctx.recorded ? ctx.recorded.secretSource : 'external-secrets'),
  },
  {
    name: 'sopsAgeRecipient',
    kind: 'string',
    message: 'age public key (age1...) the .sops.yaml creation rule encrypts to',
    default: (_a, ctx) => ctx.recorded?.sopsAgeRecipient ?? '',
    when: (a) => a.secretSource === 'sops',
  },
  {
    name: 'sopsSecretRef',
    kind: 'string',
    message: 'Secret in the Flux namespace with the age private key (Kustomization spec.decryption.secretRef)',
    default: (_a, ctx) => ctx.recorded?.sopsSecretRef ?? 'sops-age',
    when: (a) => a.secretSource === 'sops',
  },
  {
    name: 'appLayout',
    kind: 'enum',
    message: 'Where app-side files go: a shared Kustomize Component, or explicit files per app',
    choices: ['component', 'explicit'],
    // The component layout rests on Flux's postBuild substitution and a shared cluster: Argo CD repositories
    // and per-app clusters get explicit files.
    default: (a, ctx) => ctx.recorded?.appLayout ?? (a.delivery === 'argocd' || a.topology === 'per-app' ? 'explicit' : 'component'),
  },
  { name: 'componentsPath', kind: 'string', message: 'Directory of the shared Kustomize Components', default: recordedOr('componentsPath', 'kubernetes/components') },
  { name: 'monitoringNamespace', kind: 'string', message: 'Namespace of Prometheus (scrapes metrics on 9187)', default: recordedOr('monitoringNamespace', 'monitoring') },
  // The operator pod's resources (chart value `resources`, empty by default); "" leaves the chart's default.
  { name: 'operatorCpuRequest', kind: 'string', message: 'CPU request of the operator ("" for none)', default: recordedOr('operatorCpuRequest', '') },
  { name: 'operatorMemoryRequest', kind: 'string', message: 'Memory request of the operator ("" for none)', default: recordedOr('operatorMemoryRequest', '') },
  { name: 'operatorMemoryLimit', kind: 'string', message: 'Memory limit of the operator ("" for none)', default: recordedOr('operatorMemoryLimit', '') },
  {
    name: 'grafanaDashboard',
    kind: 'bool',
    message: 'Have the operator chart create its Grafana dashboard ConfigMap (in the monitoring namespace, label grafana_dashboard: "1")',
    default: recordedOr('grafanaDashboard', false),
  },
  { name: 'networkPolicies', kind: 'bool', message: 'Emit CiliumNetworkPolicies', default: recordedOr('networkPolicies', true) },
  ...ARGOCD_FIELDS,
  {
    name: 'ciWorkflow',
    kind: 'enum',
    message: 'CI job that fails a pull request on drift or invalid manifests (written once, then yours)',
    choices: ['github', 'none'],
    default: (_a, ctx) => ctx.recorded?.ciWorkflow ?? 'github',
  },
  {
    name: 'toolPackage',
    kind: 'string',
    message: 'How the CI job gets cnpg-scaffold: "" for the npm release that last wrote the tree, or a pinned git URL (#<commit>) or .tgz',
    default: recordedOr('toolPackage', ''),
    when: (a) => a.ciWorkflow === 'github',
  },
  {
    name: 'renovateConfig',
    kind: 'enum',
    message: 'Renovate config to write once (the pins in the answers, the regen after a bump; then yours), or "" for none',
    choices: RENOVATE_CONFIGS,
    default: (_a, ctx) => ctx.recorded?.renovateConfig ?? 'renovate.json5',
  },
  ...operatorFields,
];

const fluxRef = z.union([z.literal(''), kubeName]);
/** A Go duration as Flux's CRDs take it (`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`). */
const fluxDuration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, 'must be a duration such as 30s, 15m or 1h');

const repoObject = z
  .object({
    // Records written before these answers existed are Flux repositories with shared clusters.
    delivery: z.enum(DELIVERIES, { message: `must be one of ${DELIVERIES.join(', ')}` }).default('flux'),
    topology: z.enum(TOPOLOGIES, { message: `must be one of ${TOPOLOGIES.join(', ')}` }).default('shared'),
    fluxLayout: z.enum(FLUX_LAYOUTS, { message: `must be one of ${FLUX_LAYOUTS.join(', ')}` }).default('ks'),
    // A file: the HelmRepository of the flat layout (src/delivery/flux/flat.ts).
    helmRepositoryPath: repoPath.refine((p) => /\.ya?ml$/.test(p), 'must be a .yaml file').default('infrastructure/helm-repositories/cnpg.yaml'),
    namespace: dns1123Label(),
    // Optional: absent (every record written before it existed, and a namespace no file of the user's declares) is true.
    createNamespace: z.boolean({ message: 'must be true or false' }).optional(),
    appsRoot: repoPath,
    operatorPath: repoPath,
    ...releaseShape,
    // Optional: records written before they existed keep 5m, 1m and -1.
    operatorTimeout: fluxDuration.optional(),
    operatorRetryInterval: fluxDuration.optional(),
    operatorInstallRetries: z.number({ message: 'must be a whole number' }).int('must be a whole number').min(-1, 'must be -1 (forever) or more').optional(),
    fluxNamespace: dns1123Label(),
    gitRepository: kubeName,
    partOf: labelValue.min(1, 'must not be empty'),
    secretStoreKustomization: kubeName,
    storageKustomization: fluxRef,
    certManagerKustomization: kubeName,
    clusterVarsConfigMap: kubeName,
    clusterVars: z.array(varName),
    secretStore: kubeName,
    // Optional: records written before they existed use External Secrets.
    secretSource: z.enum(SECRET_SOURCES, { message: `must be one of ${SECRET_SOURCES.join(', ')}` }).optional(),
    // An age recipient is a public key (bech32, "age1" and 58 characters), safe to record.
    sopsAgeRecipient: z.union([z.literal(''), z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/, 'must be an age public key (age1 and 58 bech32 characters)')]).optional(),
    sopsSecretRef: kubeName.optional(),
    appLayout: z.enum(['component', 'explicit'], { message: 'must be "component" or "explicit"' }),
    componentsPath: repoPath,
    monitoringNamespace: dns1123Label(),
    operatorCpuRequest: z.union([z.literal(''), quantity]).default(''),
    operatorMemoryRequest: z.union([z.literal(''), quantity]).default(''),
    operatorMemoryLimit: z.union([z.literal(''), quantity]).default(''),
    grafanaDashboard: z.boolean({ message: 'must be true or false' }).default(false),
    networkPolicies: z.boolean({ message: 'must be true or false' }),
    // Added after schema 1 shipped: a record written before it did not ask for a CI job, so it gets none
    // (new answers default to github); regen --check then shows the record gaining `ciWorkflow: none`.
    ciWorkflow: z.enum(['github', 'none'], { message: 'must be "github" or "none"' }).default('none'),
    // Optional: records written before it existed run the npm release, as their CI job does.
    toolPackage: z.union([z.literal(''), toolPackageSpec]).optional(),
    // Optional: records written before it existed get no Renovate config (new answers default to renovate.json5).
    renovateConfig: z.enum(RENOVATE_CONFIGS, { message: `must be ${RENOVATE_CONFIGS.map((c) => JSON.stringify(c)).join(' or ')}` }).optional(),
    // Delivery argocd only (schema/profile-rules.ts): absent from every Flux record.
    argocdNamespace: dns1123Label().optional(),
    argocdProject: kubeName.optional(),
    argocdRepoURL: gitUrl.optional(),
    argocdTargetRevision: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be a branch, tag, commit or HEAD').optional(),
    argocdServer: httpUrl.optional(),
    argocdSyncWave: z.number({ message: 'must be an integer' }).int('must be an integer').min(-1000).max(1000).optional(),
    argocdPrune: z.boolean({ message: 'must be true or false' }).optional(),
    argocdSelfHeal: z.boolean({ message: 'must be true or false' }).optional(),
    argocdAppsPath: repoPath.optional(),
    clusterNamespace: dns1123Label().optional(),
    operatorImage: z.union([z.literal(''), imageRef]).optional(),
    pluginImage: z.union([z.literal(''), imageRef]).optional(),
    pluginSidecarImage: z.union([z.literal(''), imageRef]).optional(),
    wrapperChartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version such as 0.1.0').optional(),
    wrapperChartDigest: z.union([z.literal(''), z.string().regex(/^sha256:[a-f0-9]{64}$/, 'must be sha256:<64 lowercase hex digits> (the tool writes it)')]).optional(),
    ...operatorShape,
  })
  .strict();

/** The answers as given or recorded: what the table fills in (schema/release.ts) may be absent. */
export type GivenRepoAnswers = z.infer<typeof repoObject>;
/** The answers after validation: the release's versions are always there. */
export type RepoAnswers = GivenRepoAnswers & Required<Pick<GivenRepoAnswers, 'operatorVersion' | 'operatorDefaultImage' | 'pluginVersion'>>;

export const repoSchema: z.ZodType<RepoAnswers> = repoObject
  .superRefine((r, issue) => {
    refineProfile(r, issue);
    refineOperator(r, issue);
    // A release beyond the table without what the table would have said is one issue there; the rest reads the answers' release.
    if (!refineRelease(r, issue)) return;
    const mismatch = pluginMismatch(releaseOf(r), pluginOf(r));
    if (mismatch) issue.addIssue({ code: 'custom', path: ['pluginChartVersion'], message: mismatch, input: r.pluginChartVersion });
    if (overlaps(r.operatorPath, r.componentsPath))
      issue.addIssue({ code: 'custom', path: ['componentsPath'], message: `must not overlap operatorPath (${r.operatorPath}): their files would mix`, input: r.componentsPath });
  })
  .transform(fillRelease);


export const repoAnswers: AnswerSchema<RepoCtx, RepoAnswers> = { unit: 'repo', fields: repoFields, schema: () => repoSchema };
