import * as z from 'zod';
import type { Field } from './fields.js';
import { kubeName, labelValue, repoPath } from './rules.js';
import type { RepoCtx } from './repo.js';
import { compareVersions, operatorRelease } from '../src/versions.js';

/**
 * The operator's hardening, CRD and monitoring answers (seed 003, and seed 004's values). Each
 * maps to a value of the `cloudnative-pg` chart (checked against its values.schema.json at every
 * pinned version: test/engine/chart-values.test.ts) or to a document the tool writes beside it.
 * Every answer defaults to what the tool wrote before it existed, so old records read unchanged.
 * (The operator's resources and the Grafana dashboard are answers of schema/repo.ts.)
 */
const recordedOr =
  (key: string, fallback: unknown) =>
  (_a: unknown, ctx: RepoCtx): unknown =>
    ctx.recorded ? (ctx.recorded as Record<string, unknown>)[key] : fallback;

export const ANTI_AFFINITY = ['none', 'preferred', 'required'] as const;
export const POD_SECURITY = ['none', 'baseline', 'restricted'] as const;
export const OPERATOR_CRDS = ['chart', 'bundle'] as const;
export const OPERATOR_INSTALL = ['operator', 'crds-only'] as const;

export const operatorFields: readonly Field<RepoCtx>[] = [
  {
    name: 'operatorInstall',
    kind: 'enum',
    message: "What this Kubernetes cluster gets: the operator, or only its CRDs (an apps cluster whose databases run elsewhere; no Cluster is recorded)",
    choices: OPERATOR_INSTALL,
    default: recordedOr('operatorInstall', 'operator'),
  },
  {
    name: 'operatorCrds',
    kind: 'enum',
    message: "Where the CRDs come from: the chart, or a CRD bundle pinned at the operator's version (chart crds.create: false)",
    choices: OPERATOR_CRDS,
    default: (a, ctx) => (ctx.recorded ? ctx.recorded.operatorCrds : a.operatorInstall === 'crds-only' ? 'bundle' : 'chart'),
  },
  { name: 'operatorReplicas', kind: 'int', message: 'Operator replicas (2 or more for HA)', default: recordedOr('operatorReplicas', 1) },
  {
    name: 'operatorPdb',
    kind: 'bool',
    message: 'PodDisruptionBudget minAvailable: 1 for the operator (needs 2 or more replicas)',
    default: (a, ctx) => (ctx.recorded as Record<string, unknown> | undefined)?.operatorPdb ?? (typeof a.operatorReplicas === 'number' && a.operatorReplicas > 1),
  },
  {
    name: 'operatorAntiAffinity',
    kind: 'enum',
    message: 'Spread operator replicas across hosts (pod anti-affinity on kubernetes.io/hostname)',
    choices: ANTI_AFFINITY,
    default: (a, ctx) =>
      (ctx.recorded as Record<string, unknown> | undefined)?.operatorAntiAffinity ?? (typeof a.operatorReplicas === 'number' && a.operatorReplicas > 1 ? 'preferred' : 'none'),
  },
  { name: 'operatorPriorityClass', kind: 'string', message: 'priorityClassName of the operator pods ("" for none)', default: recordedOr('operatorPriorityClass', '') },
  { name: 'operatorNodeSelector', kind: 'map', message: 'nodeSelector of the operator pods (key=value,...)', default: recordedOr('operatorNodeSelector', {}) },
  {
    name: 'operatorTolerations',
    kind: 'objects',
    message: 'Tolerations of the operator pods (a YAML/JSON list, e.g. [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}])',
    default: recordedOr('operatorTolerations', []),
  },
  { name: 'operatorPodAnnotations', kind: 'map', message: 'Annotations of the operator pods (key=value,...)', default: recordedOr('operatorPodAnnotations', {}) },
  {
    name: 'operatorSecurityContext',
    kind: 'enum',
    message: "Operator security contexts: the chart's defaults, or the restricted ones written out in the values",
    choices: ['chart', 'restricted'],
    default: recordedOr('operatorSecurityContext', 'chart'),
  },
  { name: 'operatorConfig', kind: 'map', message: "Operator configuration (the chart's config.data: INHERITED_LABELS=..., ...)", default: recordedOr('operatorConfig', {}) },
  { name: 'operatorClusterWide', kind: 'bool', message: 'The operator watches every namespace (false: only its own)', default: recordedOr('operatorClusterWide', true) },
  {
    name: 'podSecurity',
    kind: 'enum',
    message: "Pod Security Admission level of the operator's namespace (enforce, audit, warn)",
    choices: POD_SECURITY,
    default: recordedOr('podSecurity', 'none'),
  },
  {
    name: 'clusterSettingsFile',
    kind: 'string',
    message: 'File of the cluster-settings ConfigMap (clusterVarsConfigMap) that records CNPG_OPERATOR_VERSION ("" for none)',
    default: recordedOr('clusterSettingsFile', ''),
  },
  { name: 'podMonitors', kind: 'bool', message: 'PodMonitors for the operator (chart value) and each Cluster', default: recordedOr('podMonitors', false) },
  { name: 'prometheusRule', kind: 'bool', message: 'A PrometheusRule with the usual CloudNativePG alerts', default: recordedOr('prometheusRule', false) },
  { name: 'monitoringLabels', kind: 'map', message: 'Labels of the PodMonitors and the PrometheusRule (for the Prometheus/VictoriaMetrics selectors)', default: recordedOr('monitoringLabels', {}) },
];

/** A label or annotation key: an optional DNS-subdomain prefix and a name (apimachinery IsQualifiedName). */
const qualifiedName = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'keys must be qualified names (an optional DNS prefix and "/", then up to 63 letters, digits, "-", "_", ".")',
  );
const labels = z.record(qualifiedName, labelValue, { message: 'must be a map of label keys to values' });

/** core/v1 Toleration, item by item (the rules apiserver validation applies: ValidateTolerations). */
const toleration = z
  .object({
    key: qualifiedName.optional(),
    operator: z.enum(['Exists', 'Equal'], { message: 'operator must be Exists or Equal' }).optional(),
    value: labelValue.optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], { message: 'effect must be NoSchedule, PreferNoSchedule or NoExecute' }).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.operator === 'Exists' && t.value) ctx.addIssue({ code: 'custom', message: 'value must be empty when operator is Exists' });
    if (!t.key && t.operator !== 'Exists') ctx.addIssue({ code: 'custom', message: 'operator must be Exists when key is empty' });
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') ctx.addIssue({ code: 'custom', message: 'tolerationSeconds needs effect NoExecute' });
  });

/** The zod shape spread into repoSchema; defaults keep records from before these answers valid. */
export const operatorShape = {
  operatorInstall: z.enum(OPERATOR_INSTALL, { message: `must be one of ${OPERATOR_INSTALL.join(', ')}` }).default('operator'),
  operatorCrds: z.enum(OPERATOR_CRDS, { message: `must be one of ${OPERATOR_CRDS.join(', ')}` }).default('chart'),
  operatorReplicas: z.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(10, 'must be at most 10').default(1),
  operatorPdb: z.boolean({ message: 'must be true or false' }).default(false),
  operatorAntiAffinity: z.enum(ANTI_AFFINITY, { message: `must be one of ${ANTI_AFFINITY.join(', ')}` }).default('none'),
  operatorPriorityClass: z.union([z.literal(''), kubeName]).default(''),
  operatorNodeSelector: labels.default({}),
  operatorTolerations: z.array(toleration, { message: 'must be a list of tolerations' }).default([]),
  operatorPodAnnotations: z.record(qualifiedName, z.string(), { message: 'must be a map of annotation keys to values' }).default({}),
  operatorSecurityContext: z.enum(['chart', 'restricted'], { message: 'must be "chart" or "restricted"' }).default('chart'),
  // Keys of the operator's ConfigMap are environment-style names (operator_conf.md "Available options").
  operatorConfig: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'keys must be upper-case option names such as INHERITED_LABELS'), z.string()).default({}),
  operatorClusterWide: z.boolean({ message: 'must be true or false' }).default(true),
  podSecurity: z.enum(POD_SECURITY, { message: `must be one of ${POD_SECURITY.join(', ')}` }).default('none'),
  clusterSettingsFile: z.union([z.literal(''), repoPath.refine((p) => /\.ya?ml$/.test(p), 'must be a .yaml file')]).default(''),
  podMonitors: z.boolean({ message: 'must be true or false' }).default(false),
  prometheusRule: z.boolean({ message: 'must be true or false' }).default(false),
  monitoringLabels: labels.default({}),
};

/**
 * The operator's configuration options (`env:` tags of internal/configuration/configuration.go in
 * cloudnative-pg at v1.27.1, v1.28.0 and v1.30.0): an unknown key in config.data is ignored by the
 * operator, so it is refused here. The keys the chart sets itself on the Deployment, and the watch
 * scope (answered by operatorClusterWide), are refused with the answer to use instead.
 */
const CONFIG_OPTIONS: readonly { since: string; keys: readonly string[] }[] = [
  {
    since: '1.27.0',
    keys: [
      'CERTIFICATE_DURATION', 'CLUSTERS_ROLLOUT_DELAY', 'CREATE_ANY_SERVICE', 'DRAIN_TAINTS', 'ENABLE_INSTANCE_MANAGER_INPLACE_UPDATES',
      'EXPIRING_CHECK_THRESHOLD', 'INCLUDE_PLUGINS', 'INHERITED_ANNOTATIONS', 'INHERITED_LABELS', 'INSTANCES_ROLLOUT_DELAY',
      'KUBERNETES_CLUSTER_DOMAIN', 'MONITORING_QUERIES_SECRET', 'PLUGIN_SOCKET_DIR', 'POSTGRES_IMAGE_NAME', 'PULL_SECRET_NAME',
      'STANDBY_TCP_USER_TIMEOUT', 'WEBHOOK_CERT_DIR',
    ],
  },
  { since: '1.28.0', keys: ['METRICS_CERT_DIR', 'PGBOUNCER_IMAGE_NAME'] },
  { since: '1.30.0', keys: ['ENABLE_WEBHOOK_NAMESPACE_SUFFIX', 'MANAGE_WEBHOOK_CONFIGURATIONS'] },
];
const CONFIG_ELSEWHERE: Record<string, string> = {
  WATCH_NAMESPACE: 'the watch scope is operatorClusterWide (the chart sets WATCH_NAMESPACE from it)',
  OPERATOR_NAMESPACE: 'the chart sets it from the pod namespace',
  OPERATOR_IMAGE_NAME: 'the chart sets it from its image',
  MONITORING_QUERIES_CONFIGMAP: "the chart sets it to its monitoringQueriesConfigMap",
};

function configProblem(key: string, operator: string): string | undefined {
  if (CONFIG_ELSEWHERE[key]) return `${key} is not set here: ${CONFIG_ELSEWHERE[key]}`;
  const known = CONFIG_OPTIONS.filter((o) => compareVersions(operator, o.since) >= 0).flatMap((o) => o.keys);
  if (known.includes(key)) return undefined;
  const later = CONFIG_OPTIONS.find((o) => o.keys.includes(key));
  return later ? `${key} needs operator ${later.since} or later (chartVersion pins ${operator})` : `${key} is not an option of operator ${operator} (operator_conf.md, "Available options")`;
}

export type OperatorAnswers = { [K in keyof typeof operatorShape]: z.infer<(typeof operatorShape)[K]> };

/** Rules across the operator's answers; each names both answers. */
export function refineOperator(r: OperatorAnswers & { chartVersion: string; operatorVersion?: string | undefined }, issue: z.RefinementCtx): void {
  const add = (field: keyof OperatorAnswers, message: string) => issue.addIssue({ code: 'custom', path: [field], message, input: r[field] });
  // The given operatorVersion of a chart beyond the table (schema/release.ts checks it against the table's).
  const operator = operatorRelease(r.chartVersion)?.operator ?? r.operatorVersion;
  for (const key of operator ? Object.keys(r.operatorConfig) : []) {
    const problem = configProblem(key, operator!);
    if (problem) issue.addIssue({ code: 'custom', path: ['operatorConfig', key], message: problem, input: r.operatorConfig[key] });
  }
  // minAvailable 1 of 1 replica blocks every voluntary eviction: a node drain would never finish.
  if (r.operatorPdb && r.operatorReplicas < 2) add('operatorPdb', `minAvailable 1 needs operatorReplicas 2 or more (operatorReplicas is ${r.operatorReplicas}), or no node drain can finish`);
  if (r.operatorInstall === 'crds-only') {
    if (r.operatorCrds !== 'bundle') add('operatorCrds', 'operatorInstall crds-only installs the CRD bundle: it needs operatorCrds bundle');
    for (const f of ['podMonitors', 'prometheusRule', 'operatorPdb'] as const) if (r[f]) add(f, 'operatorInstall crds-only runs no operator and no Cluster');
  }
  if (r.operatorAntiAffinity === 'required' && r.operatorReplicas < 2) add('operatorAntiAffinity', `required anti-affinity needs operatorReplicas 2 or more (operatorReplicas is ${r.operatorReplicas})`);
}
