import { z } from 'zod';
import { OPERATOR_RELEASES, PLUGIN_RELEASES, newestOperator, newestPlugin } from '../src/versions.js';
import type { AnswerSchema, Field } from './fields.js';
import { overlaps } from '../src/repo-path.js';
import { refineProfile } from './profile-rules.js';
import { operatorFields, operatorShape, refineOperator } from './operator.js';
import { dns1123Label, kubeName, labelValue, repoPath, varName } from './rules.js';

/** Answers that hold once per GitOps repository: the operator, Flux wiring and shared conventions. */
export interface RepoCtx {
  recorded?: RepoAnswers;
}

const recordedOr =
  <K extends keyof RepoAnswers>(key: K, fallback: RepoAnswers[K]) =>
  (_a: unknown, ctx: RepoCtx): RepoAnswers[K] =>
    ctx.recorded ? ctx.recorded[key] : fallback;

/** The GitOps engine that applies the tree (src/delivery/) and where clusters live (src/plan/topology.ts). */
export const DELIVERIES = ['flux'] as const;
export const TOPOLOGIES = ['shared'] as const;

export const repoFields: readonly Field<RepoCtx>[] = [
  { name: 'delivery', kind: 'enum', message: 'GitOps engine that applies the tree', choices: DELIVERIES, default: recordedOr('delivery', 'flux') },
  {
    name: 'topology',
    kind: 'enum',
    message: 'Where clusters live: shared (apps connect to a shared cluster)',
    choices: TOPOLOGIES,
    default: recordedOr('topology', 'shared'),
  },
  { name: 'namespace', kind: 'string', message: 'Namespace of the operator and the shared clusters', default: recordedOr('namespace', 'databases') },
  { name: 'appsRoot', kind: 'string', message: 'Directory of the Flux apps tree (one folder per namespace)', default: recordedOr('appsRoot', 'kubernetes/apps') },
  {
    name: 'operatorPath',
    kind: 'string',
    message: 'Directory of the operator (ks.yaml, app/, cluster/)',
    default: (a, ctx) => ctx.recorded?.operatorPath ?? `${a.appsRoot}/${a.namespace}/cloudnative-pg`,
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
    name: 'appLayout',
    kind: 'enum',
    message: 'Where app-side files go: a shared Kustomize Component, or explicit files per app',
    choices: ['component', 'explicit'],
    default: recordedOr('appLayout', 'component'),
  },
  { name: 'componentsPath', kind: 'string', message: 'Directory of the shared Kustomize Components', default: recordedOr('componentsPath', 'kubernetes/components') },
  { name: 'monitoringNamespace', kind: 'string', message: 'Namespace of Prometheus (scrapes metrics on 9187)', default: recordedOr('monitoringNamespace', 'monitoring') },
  { name: 'networkPolicies', kind: 'bool', message: 'Emit CiliumNetworkPolicies', default: recordedOr('networkPolicies', true) },
  {
    name: 'ciWorkflow',
    kind: 'enum',
    message: 'CI job that fails a pull request on drift or invalid manifests (written once, then yours)',
    choices: ['github', 'none'],
    default: (_a, ctx) => ctx.recorded?.ciWorkflow ?? 'github',
  },
  ...operatorFields,
];

const fluxRef = z.union([z.literal(''), kubeName]);

export const repoSchema = z
  .object({
    // Records written before these answers existed are Flux repositories with shared clusters.
    delivery: z.enum(DELIVERIES, { message: `must be one of ${DELIVERIES.join(', ')}` }).default('flux'),
    topology: z.enum(TOPOLOGIES, { message: `must be one of ${TOPOLOGIES.join(', ')}` }).default('shared'),
    namespace: dns1123Label(),
    appsRoot: repoPath,
    operatorPath: repoPath,
    chartVersion: z.enum(OPERATOR_RELEASES.map((r) => r.chart) as [string, ...string[]], { message: `must be a known chart version (${OPERATOR_RELEASES.map((r) => r.chart).join(', ')})` }),
    pluginChartVersion: z.enum(PLUGIN_RELEASES.map((r) => r.chart) as [string, ...string[]], { message: `must be a known chart version (${PLUGIN_RELEASES.map((r) => r.chart).join(', ')})` }),
    fluxNamespace: dns1123Label(),
    gitRepository: kubeName,
    partOf: labelValue.min(1, 'must not be empty'),
    secretStoreKustomization: kubeName,
    storageKustomization: fluxRef,
    certManagerKustomization: kubeName,
    clusterVarsConfigMap: kubeName,
    clusterVars: z.array(varName),
    secretStore: kubeName,
    appLayout: z.enum(['component', 'explicit'], { message: 'must be "component" or "explicit"' }),
    componentsPath: repoPath,
    monitoringNamespace: dns1123Label(),
    networkPolicies: z.boolean({ message: 'must be true or false' }),
    // Added after schema 1 shipped: a record written before it did not ask for a CI job, so it gets none
    // (new answers default to github); regen --check then shows the record gaining `ciWorkflow: none`.
    ciWorkflow: z.enum(['github', 'none'], { message: 'must be "github" or "none"' }).default('none'),
    ...operatorShape,
  })
  .strict()
  .superRefine((r, issue) => {
    refineProfile(r, issue);
    refineOperator(r, issue);
    if (overlaps(r.operatorPath, r.componentsPath))
      issue.addIssue({ code: 'custom', path: ['componentsPath'], message: `must not overlap operatorPath (${r.operatorPath}): their files would mix`, input: r.componentsPath });
  });

export type RepoAnswers = z.infer<typeof repoSchema>;

export const repoAnswers: AnswerSchema<RepoCtx, RepoAnswers> = { unit: 'repo', fields: repoFields, schema: () => repoSchema };
