import type { AppAnswers } from './app.js';
import type { ClusterAnswers } from './cluster.js';
import { OPERATOR_KS, PLUGIN_KS, appNames, clusterPolicyName } from '../src/plan/model.js';
import { perAppClusterName } from '../src/plan/topology.js';
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

/** A per-app cluster's own objects, in its app's namespace (src/plan/topology.ts placePerApp). */
function perAppClusterObjects(repo: RepoAnswers, clusters: readonly ClusterAnswers[], a: AppAnswers): Named[] {
  const unit = `app ${a.name}`;
  const name = perAppClusterName(a.name);
  const template = clusters.find((c) => c.clusterName === a.cluster);
  const secret = (s: string, field: string): Named => ({ key: `Secret ${a.namespace}/${s}`, unit, field });
  return [
    // The ks layout applies it by a Kustomization of its own (src/plan/topology.ts placePerApp).
    ...(repo.fluxLayout === 'ks' ? [{ key: `Kustomization ${repo.fluxNamespace}/${name}`, unit, field: 'name' }] : []),
    secret(appNames(a.name).credentials, 'name'),
    secret(`${name}-superuser-secret`, 'name'),
    ...(template?.backups ? [secret(template.backupCredentialsSecret, 'namespace')] : []),
    ...['ca', 'server', 'replication', 'app', 'superuser'].map((s) => secret(`${name}-${s}`, 'name')),
    ...(repo.networkPolicies ? [{ key: `CiliumNetworkPolicy ${a.namespace}/${name}`, unit, field: 'name' }] : []),
  ];
}

function appObjects(repo: RepoAnswers, a: AppAnswers): Named[] {
  const unit = `app ${a.name}`;
  const n = appNames(a.name);
  if (repo.topology === 'per-app')
    return [
      { key: `Kustomization ${repo.fluxNamespace}/${a.name}`, unit, field: 'name' },
      { key: `Secret ${a.namespace}/${n.pguser}`, unit, field: 'name' },
      ...(a.backups && a.backupVolume === 'pvc' ? [{ key: `PersistentVolumeClaim ${a.namespace}/${a.backupPvc}`, unit, field: 'backupPvc' }] : []),
      ...(repo.networkPolicies
        ? [
            { key: `CiliumNetworkPolicy ${a.namespace}/${clusterPolicyName(perAppClusterName(a.name), a.name)}`, unit, field: 'name' },
            { key: `CiliumNetworkPolicy ${a.namespace}/${n.appPolicy}`, unit, field: 'name' },
          ]
        : []),
    ];
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
  // Per-app: a recorded cluster is a template, placed once per app in the app's namespace.
  const placed = repo.topology === 'per-app' ? apps.flatMap((a) => perAppClusterObjects(repo, clusters, a)) : clusters.flatMap((c) => clusterObjects(repo, c));
  const all = [...repoObjects(repo), ...placed, ...apps.flatMap((a) => appObjects(repo, a))];
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

/**
 * The objects of every unit but the one being answered, by key: which units make each. nameClash
 * compares the whole list for one unit; validating each of 1,000 recorded apps that way is
 * quadratic. A clash exists exactly when one of the unit's keys is also another unit's, so this
 * index answers "none" at once, and nameClash (the one rule) is asked only when one may exist.
 */
export class HeldNames {
  /** key -> the first unit that makes it, and a second, different one if any. */
  private readonly held = new Map<string, { first: string; second?: string }>();

  constructor(
    private readonly repo: RepoAnswers,
    private readonly clusters: readonly ClusterAnswers[],
  ) {
    if (repo.topology !== 'per-app') for (const c of clusters) this.hold(clusterObjects(repo, c));
    this.hold(repoObjects(repo));
  }

  /** An app recorded beside the one being answered. */
  addApp(a: AppAnswers): void {
    this.hold(this.appObjects(a));
  }

  /** True when `a` makes an object some other unit held here makes too. */
  sharedWith(a: AppAnswers): boolean {
    const unit = `app ${a.name}`;
    return this.appObjects(a).some((n) => {
      const h = this.held.get(n.key);
      return h !== undefined && (h.first !== unit || (h.second !== undefined && h.second !== unit));
    });
  }

  private appObjects(a: AppAnswers): Named[] {
    return [...(this.repo.topology === 'per-app' ? perAppClusterObjects(this.repo, this.clusters, a) : []), ...appObjects(this.repo, a)];
  }

  private hold(objects: Named[]): void {
    for (const n of objects) {
      const h = this.held.get(n.key);
      if (!h) this.held.set(n.key, { first: n.unit });
      else if (h.second === undefined && h.first !== n.unit) h.second = n.unit;
    }
  }
}

/**
 * Whether a file of the user's declares `namespace` somewhere other than its namespace folder's own
 * `namespace.yaml` (`<appsRoot>/<namespace>/namespace.yaml`). That one file is the tool's slot too:
 * it lists it and keeps its pod-security labels in it (src/delivery/flux/namespace.ts), so the
 * Namespace still has one owner; a declaration anywhere else means the tool must declare none
 * (createNamespace false).
 */
export const declaredElsewhere = (declared: ReadonlyMap<string, string> | undefined, appsRoot: string, namespace: string): boolean => {
  const at = declared?.get(namespace);
  return at !== undefined && at !== `${appsRoot}/${namespace}/namespace.yaml`;
};
