import type { AppAnswers } from '../../schema/app.js';
import { type AppValues, appValues, componentsOf, substituteFor } from './app-values.js';
import { BACKUP_ENV, backupScript } from './backup-script.js';
import { type Doc, kustomization, owned, ownedText, resourcesPatch } from './emit.js';
import { type RepoModel, appNames, clusterPolicyName, databaseRoleCr, ensureOf, reclaimPolicy } from './model.js';
import { sqlExtension } from './extensions.js';
import { type SecretSpec, secretFiles, secretNeeds, secretSourceOf } from './secret-source.js';
import type { PlacedCluster } from './topology.js';
import { type PlannedFile, unpatchFor } from './types.js';
import type { Unit } from './units.js';

const ownerOf = (a: AppAnswers) => `app/${a.name}`;

/** An extension from a mounted image is created at the image's version, so a new image is an explicit update. */
const versionOf = (p: PlacedCluster, name: string) => {
  const { version } = sqlExtension(p.answers, name);
  return version ? { version } : {};
};

/** The app's Database: its owner, and the extensions CNPG creates in it, in list order. */
const databaseDoc = (a: AppAnswers, p: PlacedCluster): Doc => [
  'database/database.yaml.hbs',
  { objectName: a.name, cluster: p.name, database: a.database, role: a.role, ensure: ensureOf(a), reclaimPolicy: reclaimPolicy(a), extensions: a.extensions.map((name) => ({ name, ...versionOf(p, name) })) },
];

/**
 * An app's database side: the owner's password, the role and the Database, and the cluster's ingress
 * rule for the app. On a shared cluster, one directory per app inside the cluster's unit, so apps
 * never share a file; the role and Database are objects (DatabaseRole or managed role). Beside a
 * per-app cluster, in the app's directory under the team's `postgres-*` names: the password is the
 * initdb secret (basic-auth, username = owner: CNPG docs/src/bootstrap.md) and initdb makes the role
 * and database, so no objects for them, but a Database where the app asks for extensions.
 */
export async function databaseUnit(m: RepoModel, a: AppAnswers, p: PlacedCluster): Promise<Unit> {
  const colocated = p.colocated;
  // Per-app: in the cluster's directory (the app's own under the flat layout).
  const dir = p.perApp ? p.dir : `${p.dir}/apps/${a.name}`;
  const owner = ownerOf(a);
  const n = appNames(a.name);
  const files: PlannedFile[] = [];
  const listed: string[] = [];
  const add = async (file: string, docs: Doc[]) => {
    listed.push(`./${file}`);
    files.push(await owned(`${dir}/${file}`, owner, docs));
  };
  const es = { secretStore: a.secretStore, role: a.role, storeItem: a.storeItem, passwordProperty: a.passwordProperty };
  const passwordSecret = (name: string, initdb: boolean, who: string): SecretSpec => ({
    name,
    externalSecret: ['database/externalsecret.yaml.hbs', { ...es, secretName: name, ...(initdb ? { initdb: true } : {}) }],
    type: 'kubernetes.io/basic-auth',
    labels: { 'cnpg.io/reload': 'true' },
    keys: [
      { key: 'username', about: who, value: a.role },
      { key: 'password', about: `${who}'s password (CNPG trims it); the same password goes into the app's pguser secret` },
    ],
  });
  const addSecret = async (file: string, secret: SecretSpec) => {
    const made = await secretFiles(m.repo, dir, owner, file, [secret]);
    files.push(...made.files);
    listed.push(...made.listed);
  };
  if (p.perApp) {
    await addSecret(colocated ? 'postgres-secret.yaml' : 'owner-externalsecret.yaml', passwordSecret(n.credentials, true, 'the owner'));
    // initdb creates no extensions: a Database for the database initdb made takes it over and creates them
    // (an existing database's fields are applied by ALTER: CNPG docs/src/declarative_database_management.md,
    // "Managing an existing database via a Database manifest").
    if (a.extensions.length) await add(colocated ? 'postgres-database.yaml' : 'database.yaml', [databaseDoc(a, p)]);
  } else if (a.provisioning === 'declarative') {
    await addSecret('externalsecret.yaml', passwordSecret(n.rolePassword, false, 'the role'));
    if (databaseRoleCr(m)) await add('databaserole.yaml', [['database/databaserole.yaml.hbs', { objectName: a.name, cluster: p.name, role: a.role, secretName: n.rolePassword, reclaimPolicy: reclaimPolicy(a) }]]);
    await add('database.yaml', [databaseDoc(a, p)]);
  }
  if (m.repo.networkPolicies) {
    const view = { name: clusterPolicyName(p.name, a.name), app: a.name, cluster: p.name, namespace: a.namespace, podLabels: [a.podLabel, n.backups] };
    await add(colocated ? 'postgres-ingress.yaml' : p.perApp ? 'ingress.yaml' : 'networkpolicy.yaml', [['database/networkpolicy.yaml.hbs', view]]);
  }
  return {
    id: `database/${a.name}`,
    kind: 'database',
    owner,
    name: a.name,
    dir,
    namespace: p.namespace,
    files,
    ...(listed.length ? { listed } : {}),
    within: p.unitId,
    needs: [{ unit: p.unitId }],
    reconcile: { wait: true, interval: '30m', retryInterval: '1m', timeout: '10m' },
    health: [],
    app: a,
    cluster: p,
  };
}

/**
 * The app-side Secrets of a component part: what External Secrets templates (from concrete values or
 * `${VAR}` references) and the keys a SOPS stub holds instead, documented for the user who fills it.
 */
export function appSideSecrets(v: AppValues, part: string): SecretSpec[] {
  const n = appNames(v.app);
  const password = 'the role\'s password, trimmed, as in the database side\'s secret';
  switch (part) {
    case 'cnpg':
      return [
        {
          name: n.pguser,
          externalSecret: [
            'app/pguser-externalsecret.yaml.hbs',
            {
              ...v,
              secretName: n.pguser,
              // urlquery writes a space as `+`, which libpq takes literally in the userinfo part: use %20.
              uri: `postgresql://${v.role}:{{ .password | trim | urlquery | replace "+" "%20" }}@${v.host}:5432/${v.database}`,
              jdbcUri: `jdbc:postgresql://${v.host}:5432/${v.database}?user=${v.role}&password={{ .password | trim | urlquery }}`,
            },
          ],
          keys: [
            { key: 'host', about: 'the read-write service', value: v.host },
            { key: 'ro_host', about: 'the read-only service', value: v.roHost },
            { key: 'port', about: '5432', literal: true, value: '5432' },
            { key: 'username', about: 'the role', value: v.role },
            { key: 'password', about: password },
            { key: 'dbname', about: 'the database', value: v.database },
            { key: 'uri', about: `postgresql://${v.role}:<password, URL-encoded (a space as %20)>@${v.host}:5432/${v.database}`, literal: true },
            { key: 'jdbc-uri', about: `jdbc:postgresql://${v.host}:5432/${v.database}?user=${v.role}&password=<password, URL-encoded>`, literal: true },
          ],
        },
      ];
    case 'cnpg-initdb':
      return [
        {
          name: n.initdb,
          externalSecret: ['app/initdb-externalsecret.yaml.hbs', { ...v, secretName: n.initdb }],
          keys: [
            { key: 'INIT_POSTGRES_HOST', about: 'the read-write service', value: v.host },
            { key: 'INIT_POSTGRES_PORT', about: '5432', value: '5432' },
            { key: 'INIT_POSTGRES_DBNAME', about: 'the database', value: v.database },
            { key: 'INIT_POSTGRES_USER', about: 'the role', value: v.role },
            { key: 'INIT_POSTGRES_PASS', about: `${password}, with each ' doubled (postgres-init puts it inside a SQL literal)` },
            { key: 'INIT_POSTGRES_SUPER_USER', about: 'postgres', value: 'postgres' },
            { key: 'INIT_POSTGRES_SUPER_PASS', about: 'the cluster superuser\'s password' },
          ],
        },
      ];
    default:
      return [];
  }
}

/** App-side documents other than Secrets, from values that are either concrete or `${VAR}` references. */
export function appSideDocs(v: AppValues, part: string, networkPolicies: boolean): Record<string, Doc[]> {
  const n = appNames(v.app);
  const cronjob = (nfs: boolean): Doc => [
    'app/backup-cronjob.yaml.hbs',
    {
      name: n.backups,
      app: v.app,
      schedule: v.schedule,
      image: v.image,
      args: [backupScript(v)],
      env: BACKUP_ENV,
      pguserSecret: n.pguser,
      nfs: nfs ? { server: v.nfsServer, path: v.nfsPath } : null,
      pvc: v.pvc,
    },
  ];
  switch (part) {
    case 'cnpg':
      return {
        ...(networkPolicies ? { 'networkpolicy.yaml': [['app/networkpolicy.yaml.hbs', { ...v, name: n.appPolicy, podLabels: [v.podLabel, n.backups] }] as Doc] } : {}),
      };
    case 'cnpg-initdb':
      return {};
    case 'cnpg-backup':
      return { 'cronjob.yaml': [cronjob(false)], 'pvc.yaml': [['app/backup-pvc.yaml.hbs', { name: v.pvc, size: v.size }]] };
    case 'cnpg-backup-nfs':
      return { 'cronjob.yaml': [cronjob(true)] };
    default:
      throw new Error(`unknown component ${part}`);
  }
}

/** Conventional variable names for the connection keys in the doc's `env` snippet. */
const ENV_NAMES: Record<string, string> = { host: 'DB_HOST', port: 'DB_PORT', dbname: 'DB_NAME', username: 'DB_USER', password: 'DB_PASSWORD', uri: 'DATABASE_URL' };

/**
 * `<app path>/DATABASE.md`: how the app connects, for its authors. Host, keys and what each holds are
 * the connection Secret's own spec (appSideSecrets), so the doc says what the templates write. A
 * Markdown file: kustomize reads only what a kustomization lists, and Flux's generated one only YAML.
 */
function connectionDoc(m: RepoModel, a: AppAnswers, p: PlacedCluster): PlannedFile {
  const v = appValues(m, a);
  const secret = appSideSecrets(v, 'cnpg')[0]!;
  const port = secret.keys.find((k) => k.key === 'port')!.value!;
  return ownedText(`${a.path}/DATABASE.md`, ownerOf(a), [
    'docs/app-database.md.hbs',
    {
      app: a.name,
      namespace: a.namespace,
      cluster: p.name,
      clusterNamespace: p.namespace,
      host: v.host,
      roHost: v.roHost,
      port,
      database: a.database,
      role: a.role,
      secret: secret.name,
      source: secretSourceOf(m.repo) === 'sops' ? `Flux from the SOPS file \`${secret.name}.sops.yaml\`` : `External Secrets from the item \`${a.storeItem}\` (property \`${a.passwordProperty}\`) of the store \`${a.secretStore}\``,
      // In a table cell, `<password, ...>` would read as an HTML tag: a literal form is a code span.
      keys: secret.keys.map((k) => ({ key: k.key, about: k.literal ? `\`${k.about}\`` : k.about })),
      env: secret.keys.filter((k) => ENV_NAMES[k.key]).map((k) => ({ name: ENV_NAMES[k.key]!, key: k.key })),
    },
  ]);
}

/**
 * The app's own side: its connection Secret, the init-container's Secret, the logical-backup CronJob
 * and its policy. Explicit layout: files in `<app>/app/cnpg/`, listed in the app's kustomization.yaml
 * (the user's, the tool keeps one entry). Component layout: no files of its own; the delivery includes
 * the shared components and substitutes the app's values (`variables`).
 */
export async function appUnit(m: RepoModel, a: AppAnswers, p: PlacedCluster): Promise<Unit> {
  if (p.colocated) return colocatedAppUnit(m, a, p);
  const owner = ownerOf(a);
  const appDir = `${a.path}/app`;
  const component = a.appLayout === 'component';
  const files: PlannedFile[] = [connectionDoc(m, a, p)];
  if (component) {
    files.push({ mode: 'scaffold', path: `${appDir}/kustomization.yaml`, unit: owner, contents: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# Add the app\'s manifests here.\nresources: []\n' });
  } else {
    const values = appValues(m, a);
    const names: string[] = [];
    for (const part of componentsOf(a)) {
      const prefixed = (file: string) => (part === 'cnpg' ? file : `${part.replace(/^cnpg-/, '')}-${file}`);
      const secrets = await secretFiles(m.repo, `${appDir}/cnpg`, owner, prefixed('externalsecret.yaml'), appSideSecrets(values, part));
      files.push(...secrets.files);
      names.push(...secrets.listed);
      for (const [file, d] of Object.entries(appSideDocs(values, part, m.repo.networkPolicies))) {
        names.push(`./${prefixed(file)}`);
        files.push(await owned(`${appDir}/cnpg/${prefixed(file)}`, owner, d));
      }
    }
    files.push(await kustomization(`${appDir}/cnpg/kustomization.yaml`, owner, names));
    files.push(resourcesPatch(`${appDir}/kustomization.yaml`, owner, { created: ['./cnpg'], existing: ['./cnpg'] }));
  }
  return {
    id: ownerOf(a),
    kind: 'app',
    owner,
    name: a.name,
    dir: appDir,
    namespace: a.namespace,
    files,
    needs: [{ unit: p.unitId }, ...secretNeeds(m.repo)],
    reconcile: { wait: false, interval: '30m', retryInterval: '1m', timeout: '5m' },
    health: [],
    app: a,
    cluster: p,
    ...(component ? { components: componentsOf(a).map((part) => `${m.repo.componentsPath}/${part}`), variables: substituteFor(m, a) } : { variables: { APP: a.name } }),
  };
}

/**
 * A per-app cluster's app side, in the same directory: the connection Secret, the app's egress
 * policy, the logical backups. Applied with the cluster by the app's one Flux Kustomization.
 */
async function colocatedAppUnit(m: RepoModel, a: AppAnswers, p: PlacedCluster): Promise<Unit> {
  const owner = ownerOf(a);
  const values = appValues(m, a);
  const files: PlannedFile[] = [connectionDoc(m, a, p)];
  const listed: string[] = [];
  for (const part of componentsOf(a)) {
    const named = (file: string) => `postgres-app-${part === 'cnpg' ? file : `${part.replace(/^cnpg-/, '')}-${file}`}`;
    const secrets = await secretFiles(m.repo, a.path, owner, named('externalsecret.yaml'), appSideSecrets(values, part));
    files.push(...secrets.files);
    listed.push(...secrets.listed);
    for (const [file, d] of Object.entries(appSideDocs(values, part, m.repo.networkPolicies))) {
      listed.push(`./${named(file)}`);
      files.push(await owned(`${a.path}/${named(file)}`, owner, d));
    }
  }
  return {
    id: ownerOf(a),
    kind: 'app',
    owner,
    name: a.name,
    dir: a.path,
    namespace: a.namespace,
    files,
    listed,
    within: p.unitId,
    needs: [{ unit: p.unitId }, ...secretNeeds(m.repo)],
    reconcile: { wait: false, interval: '30m', retryInterval: '1m', timeout: '5m' },
    health: [],
    app: a,
    cluster: p,
  };
}
