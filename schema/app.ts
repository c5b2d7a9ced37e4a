import * as z from 'zod';
import { offeredExtensions, sqlExtension } from '../src/plan/extensions.js';
import { overlaps } from '../src/repo-path.js';
import type { AnswerSchema, Field } from './fields.js';
import { plainInBlock } from '../src/yaml-scalar.js';
import { APP_TEXT_FIELDS, refineSubstitutedText } from './substitution.js';
import type { ClusterAnswers } from './cluster.js';
import { declaredElsewhere, nameClash } from './names.js';
import { OtherApps } from './other-apps.js';
import type { RepoAnswers } from './repo.js';
import { dns1123Label, k8sCron, kubeName, labelValue, pgIdentifier, quantity, repoPath, reservedPgName } from './rules.js';

/** Answers of one application onboarded onto a shared cluster. */
export interface AppCtx {
  repo: RepoAnswers;
  clusters: ClusterAnswers[];
  /** Apps recorded already, other than the one being answered. */
  others: AppAnswers[];
  /**
   * Namespaces a file of the user's declares (src/repo-choices.ts), given only while a new app is
   * answered: the answer is decided once, at onboarding, so regen renders the same tree every time.
   */
  declaredNamespaces?: ReadonlyMap<string, string>;
}

/** `<app>-pg-backups` is the longest derived name and a CronJob name has at most 52 characters. */
export const APP_NAME_MAX = 52 - '-pg-backups'.length;


const pgName = (name: unknown) => String(name ?? '').replace(/-/g, '_');

export const appFields: readonly Field<AppCtx>[] = [
  { name: 'name', kind: 'string', message: 'App name (DNS-1123 label)' },
  { name: 'namespace', kind: 'string', message: 'Namespace the app runs in', default: () => 'default' },
  {
    name: 'createNamespace',
    kind: 'bool',
    message: 'Declare the namespace (a Namespace object) in the namespace folder the tool creates for it',
    shownDefault: 'true; false, and asked, when a YAML file of yours other than <appsRoot>/<namespace>/namespace.yaml declares that Namespace already',
    // Two owners of one Namespace take it from each other (Flux, Argo CD) or fail the kustomize build.
    default: (a, ctx) => (declaredElsewhere(ctx.declaredNamespaces, ctx.repo.appsRoot, String(a.namespace)) ? false : undefined),
  },
  {
    name: 'path',
    kind: 'string',
    message: 'Directory of the app in the repository',
    // The flat layout keeps each app in a directory of its own under the k8s cluster's root (seed 002).
    default: (a, ctx) => (ctx.repo.fluxLayout === 'flat' ? `${ctx.repo.appsRoot}/${a.name}` : `${ctx.repo.appsRoot}/${a.namespace}/${a.name}`),
  },
  {
    name: 'cluster',
    kind: 'enum',
    message: 'Recorded cluster: the shared cluster that hosts the database (per-app: the template its own cluster is made from)',
    default: (_a, ctx) => (ctx.clusters.length === 1 ? ctx.clusters[0]!.clusterName : undefined),
  },
  { name: 'database', kind: 'string', message: 'Database name', default: (a) => pgName(a.name) },
  { name: 'role', kind: 'string', message: 'Owner role', default: (a) => a.database },
  { name: 'extensions', kind: 'list', message: 'Extensions to create in the database (comma-separated)', default: () => [] },
  { name: 'secretStore', kind: 'string', message: 'ClusterSecretStore of the app\'s credentials', default: (_a, ctx) => ctx.repo.secretStore },
  { name: 'storeItem', kind: 'string', message: 'Secret-store item holding the app\'s database password', default: (a) => a.name },
  { name: 'passwordProperty', kind: 'string', message: 'Property of that item with the password', default: () => 'POSTGRES_PASSWORD' },
  {
    name: 'provisioning',
    kind: 'enum',
    message: 'Provisioning: declarative (DatabaseRole/managed role + Database CR) or init-container (postgres-init)',
    choices: ['declarative', 'init-container'],
    default: () => 'declarative',
  },
  { name: 'backups', kind: 'bool', message: 'Logical backups (pg_dump CronJob)', default: () => true },
  { name: 'backupSchedule', kind: 'string', message: 'Backup CronJob schedule (five fields)', default: () => '0 3 * * *', when: (a) => a.backups === true },
  { name: 'keepDays', kind: 'int', message: 'Daily dumps to keep', default: () => 7, when: (a) => a.backups === true },
  { name: 'keepWeeks', kind: 'int', message: 'Weekly dumps to keep', default: () => 4, when: (a) => a.backups === true },
  { name: 'keepMonths', kind: 'int', message: 'Monthly dumps to keep', default: () => 6, when: (a) => a.backups === true },
  { name: 'backupVolume', kind: 'enum', message: 'Where dumps go', choices: ['pvc', 'nfs'], default: () => 'pvc', when: (a) => a.backups === true },
  { name: 'backupPvc', kind: 'string', message: 'PVC for the dumps (created by the tool)', default: (a) => `${a.name}-pg-backups`, when: (a) => a.backups === true && a.backupVolume === 'pvc' },
  { name: 'backupSize', kind: 'string', message: 'Size of that PVC', default: () => '5Gi', when: (a) => a.backups === true && a.backupVolume === 'pvc' },
  { name: 'nfsServer', kind: 'string', message: 'NFS server for the dumps', default: () => '', when: (a) => a.backups === true && a.backupVolume === 'nfs' },
  { name: 'nfsPath', kind: 'string', message: 'NFS export path for the dumps', default: () => '', when: (a) => a.backups === true && a.backupVolume === 'nfs' },
  {
    name: 'appLayout',
    kind: 'enum',
    message: 'App-side files: shared component or explicit files',
    choices: ['component', 'explicit'],
    default: (_a, ctx) => ctx.repo.appLayout,
  },
  { name: 'podLabel', kind: 'string', message: 'app.kubernetes.io/name label of the app\'s pods (network policy)', default: (a) => a.name },
];


/**
 * A per-app cluster is `<app>-postgres` in the app's namespace, made from the recorded cluster answers
 * (src/plan/topology.ts); bootstrap initdb creates its database and owner (CNPG docs/src/bootstrap.md).
 */
function perAppRules(a: { name: string; provisioning: string; appLayout: string }, add: (path: string, message: string) => void) {
  // Its Services (`<app>-postgres-rw`) are DNS-1035 labels: a letter first. The length fits: APP_NAME_MAX
  // plus `-postgres-rw` stays under 63, and `<app>-postgres` under CNPG's 50 for a Cluster name.
  if (!/^[a-z]/.test(a.name)) add('name', 'must start with a letter under topology per-app: the cluster\'s Services are named <name>-postgres-rw (DNS-1035)');
  if (a.provisioning !== 'declarative')
    add('provisioning', `${a.provisioning} requires topology shared (topology is per-app): a per-app cluster creates the database and its owner through bootstrap initdb`);
  if (a.appLayout === 'component') add('appLayout', 'component requires topology shared (topology is per-app)');
}

export function appSchema(ctx: AppCtx) {
  const clusterNames = ctx.clusters.map((c) => c.clusterName);
  // Built on first use and caught up as ctx.others grows: loadModel checks each record against those read before it.
  let others: OtherApps | undefined;
  return z
    .object({
      name: dns1123Label(APP_NAME_MAX),
      namespace: dns1123Label(),
      createNamespace: z.boolean({ message: 'must be true or false' }).optional(),
      path: repoPath,
      cluster: z.string({ message: clusterNames.length ? `is required: one of ${clusterNames.join(', ')}` : 'is required: no cluster is recorded yet (run new-cluster first)' }),
      database: pgIdentifier,
      role: pgIdentifier,
      extensions: z.array(z.string().regex(/^[a-z0-9_-]+$/, 'must be extension names')),
      secretStore: kubeName,
      storeItem: z.string().min(1, 'must not be empty'),
      passwordProperty: z.string().min(1, 'must not be empty'),
      provisioning: z.enum(['declarative', 'init-container'], { message: 'must be declarative or init-container' }),
      backups: z.boolean({ message: 'must be true or false' }),
      backupSchedule: k8sCron,
      keepDays: z.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1'),
      keepWeeks: z.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more'),
      keepMonths: z.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more'),
      backupVolume: z.enum(['pvc', 'nfs'], { message: 'must be pvc or nfs' }),
      backupPvc: kubeName,
      backupSize: quantity,
      nfsServer: z.string(),
      nfsPath: z.string(),
      appLayout: z.enum(['component', 'explicit'], { message: 'must be "component" or "explicit"' }),
      podLabel: labelValue.min(1, 'must not be empty'),
      /** Set by remove-app between its two runs (src/removal.ts); no prompt or flag sets it. */
      removal: z.enum(['retain', 'drop-data'], { message: 'must be retain or drop-data (written by remove-app)' }).optional(),
    })
    .strict()
    .superRefine((a, issue) => {
      const add = (path: string, message: string) => issue.addIssue({ code: 'custom', path: [path], message, input: (a as Record<string, unknown>)[path] });
      refineSubstitutedText(a, APP_TEXT_FIELDS, issue);
      if (ctx.repo.delivery === 'argocd' && a.appLayout === 'component') add('appLayout', 'component requires delivery flux (delivery is argocd)');
      for (const key of ['database', 'role'] as const)
        // Pasted by Flux into longer text and as whole scalars (EMBEDDED_KEYS): it must read as itself plain.
        if (!plainInBlock(a[key])) add(key, `"${a[key]}" reads as a YAML boolean, number or null once Flux substitutes it: pick another name`);
      const reservedDb = reservedPgName(a.database, 'database');
      if (reservedDb) add('database', reservedDb);
      const reservedRole = reservedPgName(a.role);
      if (reservedRole) add('role', reservedRole);
      if (ctx.repo.topology === 'per-app') perAppRules(a, add);
      const cluster = ctx.clusters.find((c) => c.clusterName === a.cluster);
      if (!cluster) add('cluster', clusterNames.length ? `must be a recorded cluster (${clusterNames.join(', ')})` : 'no cluster is recorded yet: run new-cluster first');
      if (cluster) {
        const offered = offeredExtensions(cluster);
        if (!offered && a.extensions.length)
          add('extensions', `the image ${cluster.imageName} is not in the tool's table: list its extensions in the cluster's imageExtensions answer`);
        for (const e of a.extensions) if (offered && !offered.includes(e)) add('extensions', `"${e}" is not offered by the image ${cluster.imageName} nor by the cluster's imageVolumeExtensions`);
        // CNPG runs CREATE EXTENSION without CASCADE, in list order (internal/management/controller/database_controller_sql.go).
        for (const [i, e] of a.extensions.entries())
          for (const r of sqlExtension(cluster, e).requires)
            if (!a.extensions.slice(0, i).includes(r)) add('extensions', `"${e}" needs ${r} listed before it (CloudNativePG creates extensions in order, without CASCADE)`);
        // Argo CD's init-roles hook creates the role and database as the superuser (templates/argocd/chart).
        if (ctx.repo.delivery === 'argocd' && a.provisioning === 'declarative' && cluster.superuserAccess === 'false')
          add('provisioning', `declarative needs the superuser under delivery argocd (its init-roles hook logs in as it): cluster ${cluster.clusterName} has superuserAccess false`);
      }
      // postgres-init creates the role and the database only (home-operations/containers apps/postgres-init/entrypoint.sh),
      // so nothing would create them: refused rather than recorded.
      if (a.provisioning === 'init-container' && a.extensions.length)
        add('extensions', 'init-container provisioning (postgres-init) creates only the role and the database, not extensions: use provisioning declarative or create them in the app');
      if (ctx.repo.secretSource === 'sops' && a.appLayout === 'component')
        add('appLayout', 'component requires secretSource external-secrets (secretSource is sops): use appLayout explicit, one SOPS stub per app');
      if (a.backups && a.backupVolume === 'nfs' && (!a.nfsServer || !a.nfsPath.startsWith('/')))
        add(a.nfsServer ? 'nfsPath' : 'nfsServer', 'nfsServer and an absolute nfsPath are required when backupVolume is nfs');
      // Pod Security `restricted` admits only configMap, csi, downwardAPI, emptyDir, ephemeral, PVC,
      // projected and secret volumes (Kubernetes docs, Pod Security Standards): an NFS volume is refused.
      if (a.backups && a.backupVolume === 'nfs' && a.namespace === ctx.repo.namespace && ctx.repo.podSecurity === 'restricted')
        add('backupVolume', `nfs volumes are refused by Pod Security restricted, which namespace ${a.namespace} enforces (podSecurity restricted): use pvc`);
      others = OtherApps.for(others, ctx.repo, ctx.clusters, ctx.others);
      for (const o of others.candidates(a)) {
        if (o.name === a.name) continue;
        // Per-app: each app has a cluster of its own, whatever template it was made from.
        const sameCluster = ctx.repo.topology === 'shared' && o.cluster === a.cluster;
        if (sameCluster && o.database === a.database) add('database', `"${a.database}" is already the database of app ${o.name} on cluster ${a.cluster}`);
        if (sameCluster && o.role === a.role) add('role', `"${a.role}" is already the role of app ${o.name} on cluster ${a.cluster}`);
        if (overlaps(o.path, a.path)) add('path', o.path === a.path ? `"${a.path}" is already the path of app ${o.name}` : `must not overlap the path of app ${o.name} (${o.path})`);
      }
      const clash = others.names.sharedWith(a) ? nameClash(ctx.repo, ctx.clusters, [...ctx.others.filter((o) => o.name !== a.name), a], `app ${a.name}`) : undefined;
      if (clash) add(clash.field, clash.message);
      // One directory per unit: an app inside the operator's or the components' tree would mix its files with theirs.
      for (const key of ['operatorPath', 'componentsPath'] as const)
        if (overlaps(a.path, ctx.repo[key])) add('path', `must not overlap the repository's ${key} (${ctx.repo[key]})`);
    });
}

export type AppAnswers = z.infer<ReturnType<typeof appSchema>>;

export const appAnswers: AnswerSchema<AppCtx, AppAnswers> = { unit: 'app', fields: appFields, schema: appSchema };
