import * as z from 'zod';
import { hasBarmanCloud, imageExtensions, imageMajor, volumeExtensionImage } from '../src/images.js';
import { defaultStoreLabels, inClusterStore } from '../src/plan/object-store-egress.js';
import { releaseOf } from '../src/versions.js';
import type { AppAnswers } from './app.js';
import type { AnswerSchema, Field } from './fields.js';
import { CLUSTER_TEXT_FIELDS, refineSubstitutedText } from './substitution.js';
import type { RepoAnswers } from './repo.js';
import { nameClash } from './names.js';
import { refineRestore, restoreFields, restoreShape } from './restore.js';
import { cnpgParameterProblem, cnpgParameterValueProblem } from './postgres.js';
import { cnpgCron, dns1035Label, dns1123Label, httpUrl, imageRef, kubeName, labelKey, labelValue, pgParameters, quantity, retention } from './rules.js';

/** Answers of one shared PostgreSQL cluster. */
export interface ClusterCtx {
  repo: RepoAnswers;
  /** Clusters recorded already, other than the one being answered. */
  others: ClusterAnswers[];
  /** Apps recorded already (their derived names must not clash with this cluster's). */
  apps?: readonly AppAnswers[];
}

const PROVIDERS = ['r2', 'minio', 'rustfs', 's3'] as const;
const COMPRESSION = ['bzip2', 'gzip', 'snappy'] as const;

const isDefaultName = (a: Record<string, unknown>) => a.clusterName === 'postgres';

export const clusterFields: readonly Field<ClusterCtx>[] = [
  { name: 'clusterName', kind: 'string', message: 'Name of the CNPG Cluster', default: () => 'postgres' },
  { name: 'clusterDir', kind: 'string', message: 'Directory of the cluster, under the operator directory', default: (a) => (isDefaultName(a) ? 'cluster' : `cluster-${a.clusterName}`) },
  {
    name: 'kustomizationName',
    kind: 'string',
    message: 'Name of the cluster\'s Flux Kustomization',
    default: (a) => (isDefaultName(a) ? 'cloudnative-pg-cluster' : `cloudnative-pg-cluster-${a.clusterName}`),
  },
  { name: 'instances', kind: 'int', message: 'Number of PostgreSQL instances', default: () => 3 },
  {
    name: 'antiAffinityTopologyKey',
    kind: 'string',
    message: 'Node label the instances spread across (affinity.topologyKey; "" for CNPG\'s default, kubernetes.io/hostname)',
    default: () => '',
  },
  { name: 'storageClass', kind: 'string', message: 'StorageClass of the data volumes (empty: the cluster\'s default class)', default: () => '' },
  { name: 'storageSize', kind: 'string', message: 'Size of each data volume', default: () => '20Gi' },
  { name: 'cpuRequest', kind: 'string', message: 'CPU request per instance', default: () => '500m' },
  { name: 'memoryRequest', kind: 'string', message: 'Memory request per instance', default: () => '1Gi' },
  { name: 'memoryLimit', kind: 'string', message: 'Memory limit per instance', default: () => '2Gi' },
  {
    name: 'parameters',
    kind: 'map',
    message: 'postgresql.conf parameters (k=v,k=v)',
    default: () => ({ shared_buffers: '256MB', max_connections: '200' }),
  },
  // Secrets default to names of their own per cluster: two clusters' ExternalSecrets of one name in one
  // namespace would be applied by two Flux Kustomizations and fight (schema/names.ts refuses it).
  {
    name: 'preloadLibraries',
    kind: 'list',
    message: 'Libraries for spec.postgresql.shared_preload_libraries (comma-separated; CNPG adds those its managed extensions need)',
    default: () => [],
  },
  { name: 'superuserSecret', kind: 'string', message: 'Secret with the superuser password', default: (a) => `${a.clusterName}-superuser-secret` },
  {
    name: 'superuserAccess',
    kind: 'enum',
    message: 'enableSuperuserAccess (auto: on exactly when an app uses init-container provisioning)',
    choices: ['auto', 'true', 'false'],
    default: () => 'auto',
  },
  { name: 'superuserItem', kind: 'string', message: 'Secret-store item holding the superuser password', default: () => 'cloudnative-pg' },
  { name: 'superuserProperty', kind: 'string', message: 'Property of that item with the password', default: () => 'POSTGRES_SUPER_PASS' },
  { name: 'backups', kind: 'bool', message: 'Back up to S3-compatible object storage', default: () => true },
  {
    name: 'backupMethod',
    kind: 'enum',
    message: 'Backup method (plugin: Barman Cloud plugin; barmanObjectStore: the deprecated in-tree form)',
    choices: ['plugin', 'barmanObjectStore'],
    default: () => 'plugin',
    when: (a) => a.backups === true,
  },
  // After backupMethod: the default image depends on it (defaults see only the answers before them).
  {
    name: 'imageName',
    kind: 'string',
    message: 'PostgreSQL image (default: the operator\'s default release, "standard" flavour where it has one; "system" for backupMethod barmanObjectStore)',
    // System images carry barman-cloud for the deprecated in-tree backups and are themselves deprecated;
    // with the plugin (the default) the standard flavour of the same release is the one to run.
    default: (a, ctx) => {
      const image = releaseOf(ctx.repo).defaultImage;
      return a.backupMethod === 'barmanObjectStore' ? image : image.replace('-system-', '-standard-');
    },
  },
  {
    name: 'psqlImage',
    kind: 'string',
    message: 'Image of the psql helper Jobs (Argo CD init-roles hook; "" for imageName)',
    default: (_a, ctx) => (ctx.repo.delivery === 'argocd' ? '' : undefined),
  },
  { name: 'imageExtensions', kind: 'list', message: 'Extensions the image offers (only for an image the tool does not know)', default: () => [] },
  {
    name: 'imageVolumeExtensions',
    kind: 'list',
    message: 'Extension images to mount by ImageVolume (pgvector, postgis, vchord; PostgreSQL 18+, Kubernetes 1.35+)',
    default: () => [],
  },
  {
    name: 'extensionImages',
    kind: 'map',
    message: 'Image of each mounted extension (name=image,...; "" for the release table\'s, which Renovate then moves in the record)',
    default: () => ({}),
    when: (a) => Array.isArray(a.imageVolumeExtensions) && a.imageVolumeExtensions.length > 0,
  },
  { name: 'backupProvider', kind: 'enum', message: 'Object storage provider', choices: PROVIDERS, default: () => 'r2', when: (a) => a.backups === true },
  {
    name: 'backupEndpoint',
    kind: 'string',
    message: 'Object storage endpoint URL (R2: https://<account-id>.r2.cloudflarestorage.com)',
    default: (a) => (a.backupProvider === 's3' || a.backups === false ? '' : undefined),
    when: (a) => a.backups === true,
  },
  // Where the backup client connects, for the instances' network policy (and the plugin sidecar's region).
  {
    name: 'backupRegion',
    kind: 'string',
    message: 'AWS region of the bucket (the S3 host the policy allows; the plugin sidecar gets it as AWS_DEFAULT_REGION)',
    default: () => 'us-east-1',
    when: (a) => a.backups === true && a.backupProvider === 's3' && !a.backupEndpoint,
  },
  {
    name: 'backupStoreLabels',
    kind: 'map',
    message: 'Pod labels of the in-cluster object store the endpoint names (k=v,k=v)',
    default: (a, ctx) => defaultStoreLabels(String(a.backupEndpoint ?? ''), ctx.repo.namespace),
    when: (a, ctx) => a.backups === true && inClusterStore(String(a.backupEndpoint ?? ''), ctx.repo.namespace) !== null,
  },
  {
    name: 'backupDestinationPath',
    kind: 'string',
    message: 'Bucket path',
    // Flux substitutes the cluster's name from cluster-vars; Argo CD substitutes nothing.
    default: (a, ctx) => (ctx.repo.delivery === 'argocd' ? `s3://cnpg-${String(a.clusterName)}/` : 's3://cnpg-${CLUSTER_NAME}/'),
    when: (a) => a.backups === true,
  },
  {
    name: 'backupCredentialsSecret',
    kind: 'string',
    message: 'Secret with the object storage keys',
    default: (a) => (isDefaultName(a) ? `cnpg-${a.backupProvider ?? 's3'}-credentials` : `${a.clusterName}-${a.backupProvider ?? 's3'}-credentials`),
    when: (a) => a.backups === true,
  },
  {
    name: 'backupCredentialsItem',
    kind: 'string',
    message: 'Secret-store item with ACCESS_KEY_ID and SECRET_ACCESS_KEY',
    default: (a) => `cnpg-${a.backupProvider ?? 's3'}`,
    when: (a) => a.backups === true,
  },
  { name: 'backupEndpointCA', kind: 'string', message: 'Secret (name/key) with the endpoint\'s CA, "" for public CAs', default: () => '', when: (a) => a.backups === true },
  { name: 'backupRetention', kind: 'string', message: 'Retention policy', default: () => '30d', when: (a) => a.backups === true },
  { name: 'backupCompression', kind: 'enum', message: 'Compression for WAL and base backups', choices: COMPRESSION, default: () => 'bzip2', when: (a) => a.backups === true },
  {
    name: 'backupSchedule',
    kind: 'string',
    message: 'ScheduledBackup cron (six fields, seconds first)',
    default: () => '0 0 0 * * *',
    when: (a) => a.backups === true,
  },
  ...restoreFields<ClusterCtx>(),
];

/** Kubernetes label keys (optional DNS prefix, then a name) and values. */

const endpointCA = z.union([z.literal(''), z.string().regex(/^[a-z0-9][-a-z0-9.]*\/[-._a-zA-Z0-9]+$/, 'must be "<secret>/<key>" or ""')]);

export function clusterSchema(ctx: ClusterCtx) {
  return z
    .object({
      clusterName: dns1035Label(50),
      clusterDir: dns1123Label(),
      kustomizationName: kubeName,
      instances: z.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(10, 'must be at most 10'),
      imageName: imageRef,
      imageExtensions: z.array(z.string().regex(/^[a-z0-9_-]+$/, 'must be extension names')),
      // Optional: records written before it existed mount none.
      imageVolumeExtensions: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/, 'must be extension image names (lowercase letters, digits, "-", "_")')).optional(),
      // The image of each, by name: the table's, filled in (src/images.ts), or a tag Renovate moved.
      extensionImages: z.record(z.string(), imageRef, { message: 'must be a map of extension names to image references' }).optional(),
      // Optional: records written before it existed leave the affinity to CNPG.
      antiAffinityTopologyKey: z.union([z.literal(''), labelKey]).optional(),
      storageClass: z.union([z.literal(''), kubeName]),
      storageSize: quantity,
      cpuRequest: quantity,
      memoryRequest: quantity,
      memoryLimit: quantity,
      parameters: pgParameters,
      // A library the server cannot find stops it from starting (docs/src/postgresql_conf.md, Shared Preload Libraries).
      preloadLibraries: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be library names (pg_stat_statements)')).default([]),
      superuserSecret: kubeName,
      superuserAccess: z.enum(['auto', 'true', 'false'], { message: 'must be auto, true or false' }),
      superuserItem: z.string().min(1, 'must not be empty'),
      superuserProperty: z.string().min(1, 'must not be empty'),
      backups: z.boolean({ message: 'must be true or false' }),
      backupMethod: z.enum(['plugin', 'barmanObjectStore'], { message: 'must be plugin or barmanObjectStore' }),
      backupProvider: z.enum(PROVIDERS, { message: `must be one of ${PROVIDERS.join(', ')}` }),
      backupEndpoint: z.union([z.literal(''), httpUrl], { message: 'must be an http:// or https:// URL' }),
      // Defaults keep records written before these answers existed readable.
      backupRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1').default('us-east-1'),
      backupStoreLabels: z.record(labelKey, labelValue).optional(),
      backupDestinationPath: z.string().regex(/^s3:\/\/[^\s]+$/, 'must be an s3:// path'),
      backupCredentialsSecret: kubeName,
      backupCredentialsItem: z.string().min(1, 'must not be empty'),
      backupEndpointCA: endpointCA,
      backupRetention: retention,
      backupCompression: z.enum(COMPRESSION, { message: `must be one of ${COMPRESSION.join(', ')}` }),
      backupSchedule: cnpgCron,
      ...restoreShape,
      // Delivery argocd only: absent from Flux records.
      psqlImage: z.union([z.literal(''), imageRef]).optional(),
    })
    .strict()
    .superRefine((a, issue) => {
      const add = (path: string, message: string) => issue.addIssue({ code: 'custom', path: [path], message, input: (a as Record<string, unknown>)[path] });
      if (ctx.repo.delivery === 'argocd')
        for (const f of ['backupDestinationPath', 'backupEndpoint'] as const)
          if (a.backups && a[f].includes('${')) add(f, 'holds a ${...} reference, but delivery argocd substitutes no variables: write the value itself');
      refineSubstitutedText(a, CLUSTER_TEXT_FIELDS, issue, ctx.repo.delivery === 'argocd' ? [] : ctx.repo.clusterVars);
      refineRestore(a, add);
      refineVolumeExtensions(a, add);
      if (ctx.repo.topology === 'per-app') {
        // One template record places every app's Cluster: a restore or a chosen server name would apply to all of them.
        if (a.restoreFrom) add('restoreFrom', 'is not supported under topology per-app yet: the template\'s answer would restore every app\'s cluster from the same server');
        if (a.backupServerName && a.backupServerName !== a.clusterName)
          add('backupServerName', 'must be the template\'s clusterName under topology per-app (each app\'s cluster archives under its own name)');
      }
      if (ctx.repo.delivery === 'argocd') {
        // The wrapper chart's Cluster template (templates/argocd/chart) carries the plugin restore only.
        if (a.restoreFrom && !(a.backups && a.backupMethod === 'plugin')) add('restoreFrom', 'requires backupMethod plugin under delivery argocd (the wrapper chart restores through the Barman Cloud plugin)');
        if (a.imageVolumeExtensions?.length) add('imageVolumeExtensions', 'requires delivery flux (delivery is argocd): the wrapper chart\'s Cluster template does not mount extension images');
        if (a.antiAffinityTopologyKey) add('antiAffinityTopologyKey', 'requires delivery flux (delivery is argocd): the wrapper chart\'s Cluster template keeps CNPG\'s default');
      }
      for (const key of Object.keys(a.parameters)) {
        const problem = cnpgParameterProblem(key) ?? cnpgParameterValueProblem(key, a.parameters[key]!, a.instances);
        // On the parameter itself, so the error line shows its value, not the whole map.
        if (problem) issue.addIssue({ code: 'custom', path: ['parameters', key], message: problem, input: a.parameters[key] });
      }
      if (a.backups && a.backupProvider !== 's3' && a.backupEndpoint === '') add('backupEndpoint', `is required for backupProvider ${a.backupProvider}`);
      if (a.backups && a.backupStoreLabels && !Object.keys(a.backupStoreLabels).length && inClusterStore(a.backupEndpoint, ctx.repo.namespace))
        add('backupStoreLabels', `must name the pod labels of the in-cluster object store at ${a.backupEndpoint}`);
      if (a.backups && a.backupMethod === 'barmanObjectStore' && !hasBarmanCloud(a.imageName))
        add('imageName', 'the in-tree barmanObjectStore method needs a "system" image (barman-cloud inside); use backupMethod plugin or a -system- image');
      // The wrapper chart holds what its templates model: plugin backups (the in-tree method is deprecated).
      if (ctx.repo.delivery === 'argocd' && a.backups && a.backupMethod === 'barmanObjectStore') add('backupMethod', 'barmanObjectStore requires delivery flux (delivery is argocd): use plugin');
      const second = ctx.others.find((o) => o.clusterName !== a.clusterName);
      if (ctx.repo.delivery === 'argocd' && second) add('clusterName', `delivery argocd keeps one cluster in its wrapper chart (${second.clusterName} is recorded)`);
      // The init-roles hook reads its values with psql's \getenv, new in PostgreSQL 15.
      const hookImage = a.psqlImage || a.imageName;
      const hookMajor = Number(imageMajor(hookImage) ?? NaN);
      if (ctx.repo.delivery === 'argocd' && hookMajor < 15)
        add(a.psqlImage ? 'psqlImage' : 'imageName', `the init-roles hook needs psql 15 or newer (\\getenv); ${hookImage} is PostgreSQL ${hookMajor}: set psqlImage to a newer image`);
      if (ctx.repo.delivery !== 'argocd' && a.psqlImage !== undefined) add('psqlImage', `requires delivery argocd (delivery is ${ctx.repo.delivery})`);
      for (const o of ctx.others) {
        if (o.clusterName === a.clusterName) continue;
        if (o.clusterDir === a.clusterDir) add('clusterDir', `"${a.clusterDir}" is already used by cluster ${o.clusterName}`);
        if (o.kustomizationName === a.kustomizationName) add('kustomizationName', `"${a.kustomizationName}" is already used by cluster ${o.clusterName}`);
      }
      const clash = nameClash(ctx.repo, [...ctx.others.filter((o) => o.clusterName !== a.clusterName), a], ctx.apps ?? [], `cluster ${a.clusterName}`);
      if (clash) add(clash.field, clash.message);
    })
    .transform(withExtensionImages);
}

/**
 * The record holds each mounted extension's image (a pin Renovate can move, src/pins.ts), right
 * after imageVolumeExtensions: the table's where none is given. None mounted, no key.
 */
function withExtensionImages<T extends { imageName: string; imageVolumeExtensions?: string[] | undefined; extensionImages?: Record<string, string> | undefined }>(a: T): T {
  const names = a.imageVolumeExtensions ?? [];
  if (!names.length) {
    const { extensionImages: _none, ...rest } = a;
    return rest as T;
  }
  const images: Record<string, string> = {};
  for (const n of names) {
    const r = volumeExtensionImage(n, a.imageName, a.extensionImages?.[n]);
    if ('image' in r) images[n] = r.image;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) {
    if (k === 'extensionImages') continue;
    out[k] = v;
    if (k === 'imageVolumeExtensions') out.extensionImages = images;
  }
  return out as T;
}

/** Each ImageVolume extension must have an image for the cluster's major and OS, and what it requires. */
function refineVolumeExtensions(
  a: { imageName: string; imageExtensions: string[]; imageVolumeExtensions?: string[] | undefined; extensionImages?: Record<string, string> | undefined },
  add: (path: string, message: string) => void,
) {
  const names = a.imageVolumeExtensions ?? [];
  const own = imageExtensions(a.imageName) ?? a.imageExtensions;
  const available = new Set(own);
  const extra = Object.keys(a.extensionImages ?? {}).find((k) => !names.includes(k));
  if (extra) return add('extensionImages', `"${extra}" is not in imageVolumeExtensions (${names.join(', ') || 'none'}): an image is given only for a mounted extension`);
  const found = names.map((n) => volumeExtensionImage(n, a.imageName, a.extensionImages?.[n]));
  for (const f of found) if ('ext' in f) for (const p of f.ext.provides) available.add(p);
  for (const [i, f] of found.entries()) {
    if ('problem' in f) return add(a.extensionImages?.[names[i]!] ? 'extensionImages' : 'imageVolumeExtensions', f.problem);
    if (names.indexOf(names[i]!) !== i) return add('imageVolumeExtensions', `"${names[i]}" is listed twice`);
    // PostgreSQL searches `$system` first (CNPG pkg/postgres/configuration.go): the image's own copy would win.
    const shadowed = f.ext.provides.find((p) => own.includes(p));
    if (shadowed) return add('imageVolumeExtensions', `"${f.ext.name}": the image ${a.imageName} has ${shadowed} already, and PostgreSQL finds its own copy first; mount it on a minimal image or leave it out`);
    const missing = f.ext.requires.find((r) => !available.has(r));
    if (missing) return add('imageVolumeExtensions', `"${f.ext.name}" needs the ${missing} extension, which neither the image ${a.imageName} nor another listed extension image offers`);
  }
}

export type ClusterAnswers = z.infer<ReturnType<typeof clusterSchema>>;

export const clusterAnswers: AnswerSchema<ClusterCtx, ClusterAnswers> = { unit: 'cluster', fields: clusterFields, schema: clusterSchema };
