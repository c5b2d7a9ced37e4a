import type { AppAnswers } from '../../schema/app.js';
import type { ClusterAnswers } from '../../schema/cluster.js';
import { owned } from './emit.js';
import { type RepoModel, appNames, databaseRoleCr, objectStoreName, pluginName, posixRelative, superuserEnabled, usesPlugin } from './model.js';
import { objectStoreEgress, regionEnv } from './object-store-egress.js';
import type { PlacedCluster } from './topology.js';
import type { PlannedFile } from './types.js';
import type { Need, Unit } from './units.js';
import type { StoreConfig } from '../views.js';

/** The object store block shared by the plugin's ObjectStore and the in-tree barmanObjectStore. */
function storeConfig(c: ClusterAnswers): StoreConfig {
  // The schema holds it to "<secret>/<key>".
  const [caSecret = '', caKey = ''] = c.backupEndpointCA ? c.backupEndpointCA.split('/') : [];
  return {
    destinationPath: c.backupDestinationPath,
    ...(c.backupEndpoint ? { endpointURL: c.backupEndpoint } : {}),
    ...(caSecret ? { endpointCA: { name: caSecret, key: caKey } } : {}),
    s3Credentials: {
      accessKeyId: { name: c.backupCredentialsSecret, key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: c.backupCredentialsSecret, key: 'SECRET_ACCESS_KEY' },
    },
    wal: { compression: c.backupCompression, maxParallel: 2 },
    data: { compression: c.backupCompression },
  };
}

/**
 * boto3's default data-integrity checksums break S3-compatible stores (R2, MinIO, RustFS);
 * `when_required` turns them off. The plugin takes them on its ObjectStore, the in-tree
 * barmanObjectStore through Cluster.spec.env (cloudnative-pg issue 8427, docs
 * appendixes/object_stores.md since #11008).
 */
export const checksumEnv = (c: ClusterAnswers) =>
  c.backupProvider === 's3'
    ? []
    : [
        { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
        { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
      ];

/** Roles in `Cluster.spec.managed.roles`: only for operators without the DatabaseRole CR. */
const managedRoles = (m: RepoModel, apps: AppAnswers[]) =>
  databaseRoleCr(m) ? [] : apps.filter((a) => a.provisioning === 'declarative').map((a) => ({ name: a.role, passwordSecret: appNames(a.name).rolePassword }));

/**
 * One PostgreSQL cluster as placed by the topology, with its credentials, backups and policy. The
 * apps' database units delivered within it (`children`) become resources of its directory.
 */
export async function clusterUnit(m: RepoModel, p: PlacedCluster, children: Unit[]): Promise<Unit> {
  const c = p.answers;
  const dir = p.dir;
  const owner = p.unitId;
  const plugin = usesPlugin(c);
  const inTree = c.backups && !plugin;
  // Colocated (per-app): beside the app's own files, so named as the cluster's.
  const file = (name: string) => `${p.colocated ? 'postgres-' : ''}${name}`;
  const app = p.colocated ? p.apps[0] : undefined;
  const files: PlannedFile[] = [
    await owned(`${dir}/${file('cluster.yaml')}`, owner, [
      [
        'cluster/cluster.yaml.hbs',
        {
          ...c,
          name: p.name,
          partOf: m.repo.partOf,
          superuserAccess: superuserEnabled(p),
          parameters: Object.keys(c.parameters).length ? c.parameters : null,
          // Colocated: bootstrap initdb makes the app's owner; no managed role beside it.
          roles: p.colocated ? [] : managedRoles(m, p.apps),
          plugin: plugin ? { name: pluginName, objectStore: objectStoreName(c) } : null,
          inTree: inTree ? { retention: c.backupRetention, store: storeConfig(c) } : null,
          env: inTree ? checksumEnv(c) : [],
          preloadLibraries: c.preloadLibraries.length ? c.preloadLibraries : null,
          // A per-app cluster's database and owner are its app's, the owner's password from the app's Secret.
          initdb: app ? { database: app.database, owner: app.role, secret: appNames(app.name).credentials } : null,
        },
      ],
    ]),
    await owned(`${dir}/${file('externalsecret.yaml')}`, owner, [
      [
        'cluster/externalsecret.yaml.hbs',
        { ...c, secretStore: m.repo.secretStore, backupSecret: c.backups ? c.backupCredentialsSecret : null, backupItem: c.backupCredentialsItem },
      ],
    ]),
  ];
  if (plugin) {
    // The sidecar's boto3 then asks the bucket's regional endpoint, the one name the policy allows.
    const env = [...checksumEnv(c), ...regionEnv(c, true)];
    files.push(await owned(`${dir}/${file('objectstore.yaml')}`, owner, [['cluster/objectstore.yaml.hbs', { name: objectStoreName(c), retention: c.backupRetention, store: storeConfig(c), env }]]));
  }
  if (c.backups) {
    files.push(
      await owned(`${dir}/${file('scheduledbackup.yaml')}`, owner, [
        ['cluster/scheduledbackup.yaml.hbs', { name: `${p.name}-daily`, schedule: c.backupSchedule, cluster: p.name, plugin: plugin ? pluginName : null }],
      ]),
    );
  }
  if (m.repo.networkPolicies) {
    files.push(
      await owned(`${dir}/${file('networkpolicy.yaml')}`, owner, [
        [
          'cluster/networkpolicy.yaml.hbs',
          { name: p.name, cluster: p.name, operatorNamespace: m.repo.namespace, monitoringNamespace: m.repo.monitoringNamespace, objectStore: objectStoreEgress(c, p.namespace, plugin), colocated: p.colocated },
        ],
      ]),
    );
  }
  if (m.repo.podMonitors) {
    const labels = Object.keys(m.repo.monitoringLabels).length ? m.repo.monitoringLabels : null;
    files.push(await owned(`${dir}/${file('podmonitor.yaml')}`, owner, [['monitoring/podmonitor.yaml.hbs', { name: p.name, cluster: p.name, labels }]]));
  }
  const order = ['externalsecret.yaml', 'cluster.yaml', 'objectstore.yaml', 'scheduledbackup.yaml', 'networkpolicy.yaml', 'podmonitor.yaml'].map(file);
  const own = order.filter((f) => files.some((x) => x.path === `${dir}/${f}`)).map((f) => `./${f}`);
  const needs: Need[] = [
    { unit: 'operator' },
    ...(plugin ? [{ unit: 'plugin' }] : []),
    { external: 'secret-store', name: m.repo.secretStoreKustomization },
    ...(m.repo.storageKustomization ? [{ external: 'storage' as const, name: m.repo.storageKustomization }] : []),
    // No variables, no ConfigMap to read them from (Flux fails a Kustomization whose substituteFrom is missing).
    ...(m.repo.clusterVars.length ? [{ external: 'cluster-vars' as const, name: m.repo.clusterVarsConfigMap }] : []),
  ];
  return {
    id: p.unitId,
    kind: 'cluster',
    owner,
    name: c.kustomizationName,
    dir,
    namespace: p.namespace,
    files,
    // A child in a directory of its own is one resource; one in this directory lists its files here.
    listed: [...own, ...children.filter((u) => u.files.length).flatMap((u) => (u.dir === dir ? (u.listed ?? []) : [posixRelative(dir, u.dir)]))],
    needs,
    reconcile: { wait: true, interval: '30m', retryInterval: '1m', timeout: '10m' },
    // Colocated: bootstrap initdb makes the database, no Database or DatabaseRole object to wait for.
    health: p.colocated ? ['Cluster'] : ['Cluster', 'Database', ...(databaseRoleCr(m) ? (['DatabaseRole'] as const) : [])],
    cluster: p,
    ...(p.colocated ? { userKustomization: true } : {}),
  };
}
