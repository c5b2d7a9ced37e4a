import type { AppAnswers } from '../../schema/app.js';
import type { ClusterAnswers } from '../../schema/cluster.js';
import { kustomization, owned } from './emit.js';
import {
  type RepoModel,
  appNames,
  appsOf,
  clusterPath,
  databaseRoleCr,
  objectStoreName,
  pluginName,
  superuserEnabled,
  usesPlugin,
} from './model.js';
import { objectStoreEgress, regionEnv } from './object-store-egress.js';
import type { PlannedFile } from './types.js';

const unitOf = (c: ClusterAnswers) => `cluster/${c.clusterName}`;

/** The object store block shared by the plugin's ObjectStore and the in-tree barmanObjectStore. */
function storeConfig(c: ClusterAnswers) {
  const [caSecret, caKey] = c.backupEndpointCA ? c.backupEndpointCA.split('/') : [];
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
const checksumEnv = (c: ClusterAnswers) =>
  c.backupProvider === 's3'
    ? []
    : [
        { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
        { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
      ];

/** Roles in `Cluster.spec.managed.roles`: only for operators without the DatabaseRole CR. */
const managedRoles = (m: RepoModel, apps: AppAnswers[]) =>
  databaseRoleCr(m) ? [] : apps.filter((a) => a.provisioning === 'declarative').map((a) => ({ name: a.role, passwordSecret: appNames(a.name).rolePassword }));

export async function planCluster(m: RepoModel, c: ClusterAnswers): Promise<PlannedFile[]> {
  const dir = clusterPath(m, c);
  const unit = unitOf(c);
  const apps = appsOf(m, c);
  const plugin = usesPlugin(c);
  const inTree = c.backups && !plugin;
  const appDirs = apps.filter((a) => a.provisioning === 'declarative' || m.repo.networkPolicies).map((a) => `./apps/${a.name}`);
  const resources = [
    './externalsecret.yaml',
    './cluster.yaml',
    ...(plugin ? ['./objectstore.yaml'] : []),
    ...(c.backups ? ['./scheduledbackup.yaml'] : []),
    ...(m.repo.networkPolicies ? ['./networkpolicy.yaml'] : []),
    ...appDirs,
  ];
  const files: PlannedFile[] = [
    await kustomization(`${dir}/kustomization.yaml`, unit, resources),
    await owned(`${dir}/cluster.yaml`, unit, [
      [
        'cluster/cluster.yaml.hbs',
        {
          ...c,
          name: c.clusterName,
          partOf: m.repo.partOf,
          superuserAccess: superuserEnabled(m, c),
          parameters: Object.keys(c.parameters).length ? c.parameters : null,
          roles: managedRoles(m, apps),
          plugin: plugin ? { name: pluginName, objectStore: objectStoreName(c) } : null,
          inTree: inTree ? { retention: c.backupRetention, store: storeConfig(c) } : null,
          env: inTree ? checksumEnv(c) : [],
        },
      ],
    ]),
    await owned(`${dir}/externalsecret.yaml`, unit, [
      [
        'cluster/externalsecret.yaml.hbs',
        { ...c, secretStore: m.repo.secretStore, backupSecret: c.backups ? c.backupCredentialsSecret : null, backupItem: c.backupCredentialsItem },
      ],
    ]),
  ];
  if (plugin) {
    // The sidecar's boto3 then asks the bucket's regional endpoint, the one name the policy allows.
    const env = [...checksumEnv(c), ...regionEnv(c, true)];
    files.push(await owned(`${dir}/objectstore.yaml`, unit, [['cluster/objectstore.yaml.hbs', { name: objectStoreName(c), retention: c.backupRetention, store: storeConfig(c), env }]]));
  }
  if (c.backups) {
    files.push(
      await owned(`${dir}/scheduledbackup.yaml`, unit, [
        ['cluster/scheduledbackup.yaml.hbs', { name: `${c.clusterName}-daily`, schedule: c.backupSchedule, cluster: c.clusterName, plugin: plugin ? pluginName : null }],
      ]),
    );
  }
  if (m.repo.networkPolicies) {
    files.push(
      await owned(`${dir}/networkpolicy.yaml`, unit, [
        [
          'cluster/networkpolicy.yaml.hbs',
          { name: c.clusterName, cluster: c.clusterName, operatorNamespace: m.repo.namespace, monitoringNamespace: m.repo.monitoringNamespace, objectStore: objectStoreEgress(c, m.repo.namespace, plugin) },
        ],
      ]),
    );
  }
  return files;
}
