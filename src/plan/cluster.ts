import type { AppAnswers } from '../../schema/app.js';
import type { ClusterAnswers } from '../../schema/cluster.js';
import { owned } from './emit.js';
import { type RepoModel, appNames, databaseRoleCr, ensureOf, objectStoreName, pluginName, posixRelative, superuserEnabled, usesPlugin } from './model.js';
import { objectStoreEgress, regionEnv } from './object-store-egress.js';
import type { PlacedCluster } from './topology.js';
import type { PlannedFile } from './types.js';
import type { Need, Unit } from './units.js';
import type { StoreConfig } from '../views.js';
import { serverNameOf } from '../../schema/restore.js';
import { clusterExtensions, preloadLibraries } from './extensions.js';
import { type SecretSpec, secretFiles, secretNeeds } from './secret-source.js';

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

/**
 * Bootstrap by recovery from the cluster's own object store (the same ObjectStore or in-tree
 * configuration), reading the server name `restoreFrom`; CNPG 1.30 api/v1/cluster_types.go
 * (BootstrapRecovery, ExternalCluster) and plugin-barman-cloud web/docs/usage.md ("Restoring a
 * Cluster"). The externalCluster is named after that server, as BootstrapRecovery.source asks.
 */
function recovery(c: ClusterAnswers, plugin: boolean) {
  if (!c.backups || !c.restoreFrom) return null;
  const source = c.restoreFrom;
  return {
    source,
    targetTime: c.restoreTargetTime || null,
    plugin: plugin ? { name: pluginName, objectStore: objectStoreName(c) } : null,
    store: plugin ? null : { ...storeConfig(c), serverName: source },
  };
}

/**
 * The server name the placed cluster archives to, written only when it is not CNPG's default (the
 * Cluster's name). An answer equal to the recorded cluster name means that default: where one record
 * places several Clusters (a template), each keeps a server name of its own.
 */
const ownServerName = (m: RepoModel, c: ClusterAnswers, name: string) =>
  // Per-app: the template's answer is refused unless it is its own name (schema/cluster.ts), so each app's Cluster keeps its own.
  m.repo.topology === 'per-app' || serverNameOf(c) === c.clusterName || serverNameOf(c) === name ? null : serverNameOf(c);

/** The superuser's Secret, and the object store keys when the cluster backs up. */
function clusterSecrets(m: RepoModel, c: ClusterAnswers): SecretSpec[] {
  const reload = { 'cnpg.io/reload': 'true' };
  const superuser: SecretSpec = {
    name: c.superuserSecret,
    externalSecret: ['cluster/externalsecret.yaml.hbs', { superuserSecret: c.superuserSecret, superuserItem: c.superuserItem, superuserProperty: c.superuserProperty, secretStore: m.repo.secretStore }],
    type: 'kubernetes.io/basic-auth',
    labels: reload,
    keys: [
      { key: 'username', about: 'postgres', value: 'postgres' },
      { key: 'password', about: 'the superuser\'s password' },
    ],
  };
  if (!c.backups) return [superuser];
  const backup: SecretSpec = {
    name: c.backupCredentialsSecret,
    externalSecret: ['cluster/backup-externalsecret.yaml.hbs', { name: c.backupCredentialsSecret, secretStore: m.repo.secretStore, item: c.backupCredentialsItem }],
    labels: reload,
    keys: [
      { key: 'ACCESS_KEY_ID', about: 'the object store\'s access key id' },
      { key: 'SECRET_ACCESS_KEY', about: 'its secret access key' },
    ],
  };
  return [superuser, backup];
}

/** `spec.postgresql.shared_preload_libraries`: the answer's, then the extension images'. */
function preloadOf(c: ClusterAnswers): string[] | null {
  const all = [...new Set([...c.preloadLibraries, ...preloadLibraries(c)])];
  return all.length ? all : null;
}

/** Roles in `Cluster.spec.managed.roles`: only for operators without the DatabaseRole CR. */
const managedRoles = (m: RepoModel, apps: AppAnswers[]) =>
  databaseRoleCr(m) ? [] : apps.filter((a) => a.provisioning === 'declarative').map((a) => ({ name: a.role, ensure: ensureOf(a), passwordSecret: appNames(a.name).rolePassword }));

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
  const server = ownServerName(m, c, p.name);
  // Colocated (per-app): beside the app's own files, so named as the cluster's.
  const file = (name: string) => `${p.colocated ? 'postgres-' : ''}${name}`;
  const app = p.perApp ? p.apps[0] : undefined;
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
          topologyKey: c.antiAffinityTopologyKey || null,
          extensions: clusterExtensions(c),
          // Per-app: bootstrap initdb makes the app's owner; no managed role beside it.
          roles: p.perApp ? [] : managedRoles(m, p.apps),
          plugin: plugin ? { name: pluginName, objectStore: objectStoreName(c), serverName: server } : null,
          inTree: inTree ? { retention: c.backupRetention, store: { ...storeConfig(c), ...(server ? { serverName: server } : {}) } } : null,
          recovery: recovery(c, plugin),
          env: inTree ? checksumEnv(c) : [],
          // The answer's libraries, then those the mounted extension images need.
          preloadLibraries: preloadOf(c),
          // A per-app cluster's database and owner are its app's, the owner's password from the app's Secret.
          // A restore bootstraps by recovery instead (one bootstrap method per Cluster).
          initdb: app && !recovery(c, plugin) ? { database: app.database, owner: app.role, secret: appNames(app.name).credentials } : null,
        },
      ],
    ]),
  ];
  const secrets = await secretFiles(m.repo, dir, owner, file('externalsecret.yaml'), clusterSecrets(m, c));
  files.push(...secrets.files);
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
          { name: p.name, cluster: p.name, operatorNamespace: m.repo.namespace, monitoringNamespace: m.repo.monitoringNamespace, objectStore: objectStoreEgress(c, p.namespace, plugin), colocated: p.colocated, perApp: p.perApp },
        ],
      ]),
    );
  }
  if (m.repo.podMonitors) {
    const labels = Object.keys(m.repo.monitoringLabels).length ? m.repo.monitoringLabels : null;
    files.push(await owned(`${dir}/${file('podmonitor.yaml')}`, owner, [['monitoring/podmonitor.yaml.hbs', { name: p.name, cluster: p.name, labels }]]));
  }
  const order = ['cluster.yaml', 'objectstore.yaml', 'scheduledbackup.yaml', 'networkpolicy.yaml', 'podmonitor.yaml'].map(file);
  const own = [...secrets.listed, ...order.filter((f) => files.some((x) => x.path === `${dir}/${f}`)).map((f) => `./${f}`)];
  const needs: Need[] = [
    { unit: 'operator' },
    ...(plugin ? [{ unit: 'plugin' }] : []),
    ...secretNeeds(m.repo),
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
    // Per-app: bootstrap initdb makes the database, no DatabaseRole object to wait for; a Database only
    // where it creates the app's extensions (src/plan/app.ts).
    health: p.perApp ? ['Cluster', ...(p.apps[0]?.extensions.length ? (['Database'] as const) : [])] : ['Cluster', 'Database', ...(databaseRoleCr(m) ? (['DatabaseRole'] as const) : [])],
    cluster: p,
    ...(p.colocated ? { userKustomization: true } : {}),
  };
}
