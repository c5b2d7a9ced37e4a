import type { AppAnswers } from './app.js';
import type { ClusterAnswers } from './cluster.js';
import { OPERATOR_KS, PLUGIN_KS, appNames, clusterPolicyName } from '../src/plan/model.js';
import type { RepoAnswers } from './repo.js';

/**
 * Objects whose names come from answers, by kind and namespace: two units that make (or need)
 * the same object would overwrite each other once Flux applies both. Derived names follow
 * src/plan/model.ts `appNames` and CNPG's own Secrets of a Cluster (`<cluster>-ca`, `-server`,
 * `-replication`, `-app`, `-superuser`: docs "Certificates" / "Connecting from an application").
 */
interface Named {
  key: string;
  unit: string;
  field: string;
}

/** Flux Kustomizations the repository unit makes or names (src/plan/operator.ts, repo answers). */
function repoObjects(repo: RepoAnswers): Named[] {
  const unit = 'the repository';
  const ks = (name: string, field: string): Named => ({ key: `Kustomization ${repo.fluxNamespace}/${name}`, unit, field });
  return [
    ks(OPERATOR_KS, 'operator'),
    ks(PLUGIN_KS, 'operator'),
    ks(repo.secretStoreKustomization, 'secretStoreKustomization'),
    ks(repo.certManagerKustomization, 'certManagerKustomization'),
    ...(repo.storageKustomization ? [ks(repo.storageKustomization, 'storageKustomization')] : []),
  ];
}

function clusterObjects(repo: RepoAnswers, c: ClusterAnswers): Named[] {
  const unit = `cluster ${c.clusterName}`;
  const secret = (name: string, field: string): Named => ({ key: `Secret ${repo.namespace}/${name}`, unit, field });
  return [
    { key: `Kustomization ${repo.fluxNamespace}/${c.kustomizationName}`, unit, field: 'kustomizationName' },
    secret(c.superuserSecret, 'superuserSecret'),
    ...(c.backups ? [secret(c.backupCredentialsSecret, 'backupCredentialsSecret')] : []),
    ...['ca', 'server', 'replication', 'app', 'superuser'].map((s) => secret(`${c.clusterName}-${s}`, 'clusterName')),
    ...(repo.networkPolicies ? [{ key: `CiliumNetworkPolicy ${repo.namespace}/${c.clusterName}`, unit, field: 'clusterName' }] : []),
  ];
}

function appObjects(repo: RepoAnswers, a: AppAnswers): Named[] {
  const unit = `app ${a.name}`;
  const n = appNames(a.name);
  return [
    { key: `Kustomization ${repo.fluxNamespace}/${a.name}`, unit, field: 'name' },
    { key: `Secret ${a.namespace}/${n.pguser}`, unit, field: 'name' },
    ...(a.provisioning === 'init-container' ? [{ key: `Secret ${a.namespace}/${n.initdb}`, unit, field: 'provisioning' }] : []),
    ...(a.provisioning === 'declarative' ? [{ key: `Secret ${repo.namespace}/${n.rolePassword}`, unit, field: 'name' }] : []),
    ...(a.backups && a.backupVolume === 'pvc' ? [{ key: `PersistentVolumeClaim ${a.namespace}/${a.backupPvc}`, unit, field: 'backupPvc' }] : []),
    // The cluster side's ingress rule for the app (src/plan/app.ts).
    ...(repo.networkPolicies
      ? [
          { key: `CiliumNetworkPolicy ${repo.namespace}/${clusterPolicyName(a.cluster, a.name)}`, unit, field: 'name' },
          { key: `CiliumNetworkPolicy ${a.namespace}/${n.appPolicy}`, unit, field: 'name' },
        ]
      : []),
  ];
}

/**
 * The first object `unit` shares with another unit, as a message for `field`; undefined when
 * every name is its own. Only clashes that involve `unit` are reported: the unit being answered.
 */
export function nameClash(repo: RepoAnswers, clusters: readonly ClusterAnswers[], apps: readonly AppAnswers[], unit: string): { field: string; message: string } | undefined {
  const all = [...repoObjects(repo), ...clusters.flatMap((c) => clusterObjects(repo, c)), ...apps.flatMap((a) => appObjects(repo, a))];
  const seen = new Map<string, Named>();
  for (const n of all) {
    const first = seen.get(n.key);
    if (first && first.unit !== n.unit && (first.unit === unit || n.unit === unit)) {
      const [mine, theirs] = n.unit === unit ? [n, first] : [first, n];
      return { field: mine.field, message: `makes ${n.key}, which ${theirs.unit} already has (its ${theirs.field}): pick another name` };
    }
    if (!first) seen.set(n.key, n);
  }
  return undefined;
}
