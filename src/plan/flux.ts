import type { ClusterAnswers } from '../../schema/cluster.js';
import { type RepoModel, OPERATOR_KS, PLUGIN_DIR, PLUGIN_KS, clusterPath, databaseRoleCr, usesPlugin } from './model.js';

/**
 * CEL for Flux health: a missing status or condition is not healthy (`exists`, never `all`).
 * kustomize-controller stops waiting at the first `failed`, so only final states are failures: a
 * Database whose owner role is not there yet, a DatabaseRole whose password Secret External
 * Secrets has not synced yet, a plugin not registered yet are normal for seconds while an app is
 * onboarded, and CNPG retries them; the Kustomization's timeout judges those.
 */
const CLUSTER_FAILED_PHASES = ['Invalid cluster definition', 'Cluster is unrecoverable and needs manual intervention'];

export const clusterHealthExprs = (m: RepoModel) => [
  {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    current: "has(status.conditions) && status.conditions.exists(e, e.type == 'Ready' && e.status == 'True')",
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
