import type { AppAnswers } from '../../schema/app.js';
import type { ClusterAnswers } from '../../schema/cluster.js';
import type { RepoAnswers } from '../../schema/repo.js';
import { BARMAN_PLUGIN_NAME, releaseOf } from '../versions.js';
import type { PlacedCluster } from './topology.js';

/** Every recorded unit of a repository: what a plan is computed from. */
export interface RepoModel {
  repo: RepoAnswers;
  clusters: ClusterAnswers[];
  apps: AppAnswers[];
}

export const OPERATOR_KS = 'cloudnative-pg';
export const PLUGIN_KS = 'cloudnative-pg-barman-cloud';
export const PLUGIN_DIR = 'barman-cloud';

export const usesPlugin = (c: ClusterAnswers): boolean => c.backups && c.backupMethod === 'plugin';
export const anyPlugin = (m: RepoModel): boolean => m.clusters.some(usesPlugin);
export const databaseRoleCr = (m: RepoModel): boolean => releaseOf(m.repo).databaseRole;

/** `auto`: on exactly when an app logs in as the superuser (init-container mode). */
export const superuserEnabled = (c: PlacedCluster): boolean =>
  c.answers.superuserAccess === 'auto' ? c.apps.some((a) => a.provisioning === 'init-container') : c.answers.superuserAccess === 'true';

export const objectStoreName = (c: ClusterAnswers): string => `${c.clusterName}-backup`;
export const pluginName = BARMAN_PLUGIN_NAME;

/**
 * remove-app --drop-data, between its two runs: the app's Database is dropped (`ensure: absent`, and
 * `databaseReclaimPolicy: delete` for when its object goes) and its role marked in the form its kind
 * allows: a DatabaseRole only by deletion with `databaseRoleReclaimPolicy: delete`, a managed role by
 * `ensure: absent` (CNPG 1.30 api/v1 databaserole_types.go, docs/src/declarative_role_management.md).
 */
export const dropsData = (a: AppAnswers): boolean => a.removal === 'drop-data';
export const reclaimPolicy = (a: AppAnswers) => (dropsData(a) ? 'delete' : 'retain') as 'retain' | 'delete';
export const ensureOf = (a: AppAnswers) => (dropsData(a) ? 'absent' : 'present') as 'present' | 'absent';

/** Names derived from an app; Kubernetes names keep `-`, PostgreSQL names are the answers'. */
export const appNames = (app: string) => ({
  pguser: `${app}-pguser-secret`,
  initdb: `${app}-initdb-secret`,
  backups: `${app}-pg-backups`,
  rolePassword: `${app}-pg-role`,
  appPolicy: `${app}-to-postgres`,
  /** A per-app cluster's initdb Secret (basic-auth: the owner and its password). */
  credentials: `${app}-postgres-credentials`,
});

/** The cluster side's ingress policy for one app (in the cluster's namespace). */
export const clusterPolicyName = (cluster: string, app: string) => `${cluster}-allow-${app}`;

export const posixRelative = (from: string, to: string): string => {
  const f = from.split('/').filter(Boolean);
  const t = to.split('/').filter(Boolean);
  let i = 0;
  while (i < f.length && i < t.length && f[i] === t[i]) i++;
  const rel = [...f.slice(i).map(() => '..'), ...t.slice(i)].join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
};
