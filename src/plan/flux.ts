import type { ClusterAnswers } from '../../schema/cluster.js';
import { type RepoModel, OPERATOR_KS, PLUGIN_DIR, PLUGIN_KS, clusterPath, databaseRoleCr, usesPlugin } from './model.js';

/**
 * CEL for Flux health (fluxcd/pkg runtime/cel status_evaluator.go): the variables are the
 * object's top-level fields. A status the operator has not written yet cannot be guarded (naming a
 * missing top-level field is an evaluation error, even in `has()`); Flux reports that as Unknown
 * and keeps waiting, so it is not healthy. Below `status`, `has()` guards each field, and `exists`
 * (not `all`, which is true on an empty list) needs the condition to be there.
 *
 * Stale statuses: Flux itself holds an object InProgress while an integer `status.observedGeneration`
 * differs from `metadata.generation`; Database and DatabaseRole write it (CNPG v1.30.0
 * api/v1/database_funcs.go, databaserole_funcs.go SetAsReady). A Cluster writes none, neither on
 * the status nor on its Ready condition (pkg/resources/status/transactions.go); a condition that
 * does carry one must be of this generation.
 *
 * kustomize-controller stops waiting at the first `failed`, so only final states are failures: a
 * Database whose owner role is not there yet, a DatabaseRole whose password Secret External
 * Secrets has not synced yet, a plugin not registered yet are normal for seconds while an app is
 * onboarded, and CNPG retries them; the Kustomization's timeout judges those. The final Cluster
 * phases are the ones CNPG leaves for a person to fix (api/v1/cluster_types.go; the architecture
 * one stops the reconcile loop: internal/controller/cluster_upgrade.go).
 */
const CLUSTER_FAILED_PHASES = [
  'Invalid cluster definition',
  'Cluster is unrecoverable and needs manual intervention',
  'Cluster cannot execute instance online upgrade due to missing architecture binary',
];

const CLUSTER_READY =
  "e.type == 'Ready' && e.status == 'True' && (!has(e.observedGeneration) || e.observedGeneration == metadata.generation)";

export const clusterHealthExprs = (m: RepoModel) => [
  {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    current: `has(status.conditions) && status.conditions.exists(e, ${CLUSTER_READY})`,
    failed: `has(status.phase) && status.phase in [${CLUSTER_FAILED_PHASES.map((p) => `'${p}'`).join(', ')}]`,
  },
  {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Database',
    current: 'has(status.applied) && status.applied == true',
  },
  ...(databaseRoleCr(m)
    ? [
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'DatabaseRole',
          current: 'has(status.applied) && status.applied == true',
        },
      ]
    : []),
];

const base = (m: RepoModel) => ({ namespace: m.repo.fluxNamespace, targetNamespace: m.repo.namespace, gitRepository: m.repo.gitRepository });
const dep = (m: RepoModel, name: string) => ({ name, namespace: m.repo.fluxNamespace });

export const operatorKs = (m: RepoModel) => ({
  ...base(m),
  name: OPERATOR_KS,
  path: `./${m.repo.operatorPath}/app`,
  components: [],
  dependsOn: [],
  wait: true,
  interval: '1h',
  retryInterval: '1m',
  timeout: '5m',
  healthCheckExprs: [],
  postBuild: null,
});

export const pluginKs = (m: RepoModel) => ({
  ...operatorKs(m),
  name: PLUGIN_KS,
  path: `./${m.repo.operatorPath}/${PLUGIN_DIR}`,
  dependsOn: [dep(m, OPERATOR_KS), dep(m, m.repo.certManagerKustomization)],
});

export const clusterKs = (m: RepoModel, c: ClusterAnswers) => ({
  ...base(m),
  name: c.kustomizationName,
  path: `./${clusterPath(m, c)}`,
  components: [],
  dependsOn: [
    dep(m, OPERATOR_KS),
    ...(usesPlugin(c) ? [dep(m, PLUGIN_KS)] : []),
    dep(m, m.repo.secretStoreKustomization),
    ...(m.repo.storageKustomization ? [dep(m, m.repo.storageKustomization)] : []),
  ],
  wait: true,
  interval: '30m',
  retryInterval: '1m',
  timeout: '10m',
  healthCheckExprs: clusterHealthExprs(m),
  postBuild: { substitute: null, substituteFrom: [m.repo.clusterVarsConfigMap] },
});
