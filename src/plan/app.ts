import type { AppAnswers } from '../../schema/app.js';
import { ensureResources, resourcesSlots } from '../patch.js';
import { type AppValues, appValues, componentsOf, substituteFor } from './app-values.js';
import { BACKUP_ENV, backupScript } from './backup-script.js';
import { type Doc, kustomization, owned } from './emit.js';
import { type RepoModel, appNames, clusterPolicyName, databaseRoleCr } from './model.js';
import type { PlacedCluster } from './topology.js';
import type { PlannedFile } from './types.js';
import type { Unit } from './units.js';

const ownerOf = (a: AppAnswers) => `app/${a.name}`;

/**
 * An app's database side (role, its password, Database, the cluster's ingress rule for the app):
 * one directory per app inside its cluster's unit, so apps never share a file.
 */
export async function databaseUnit(m: RepoModel, a: AppAnswers, p: PlacedCluster): Promise<Unit> {
  if (p.colocated) return colocatedDatabaseUnit(m, a, p);
  const dir = `${p.dir}/apps/${a.name}`;
  const owner = ownerOf(a);
  const n = appNames(a.name);
  const declarative = a.provisioning === 'declarative';
  const files: PlannedFile[] = [];
  const listed: string[] = [];
  const add = async (file: string, docs: Doc[]) => {
    listed.push(`./${file}`);
    files.push(await owned(`${dir}/${file}`, owner, docs));
  };
  if (declarative) {
    const secret = { secretName: n.rolePassword, secretStore: a.secretStore, role: a.role, storeItem: a.storeItem, passwordProperty: a.passwordProperty };
    await add('externalsecret.yaml', [['database/externalsecret.yaml.hbs', secret]]);
    if (databaseRoleCr(m)) await add('databaserole.yaml', [['database/databaserole.yaml.hbs', { objectName: a.name, cluster: p.name, role: a.role, secretName: n.rolePassword }]]);
    await add('database.yaml', [['database/database.yaml.hbs', { objectName: a.name, cluster: p.name, database: a.database, role: a.role, extensions: a.extensions }]]);
  }
  if (m.repo.networkPolicies) {
    const view = { name: clusterPolicyName(p.name, a.name), app: a.name, cluster: p.name, namespace: a.namespace, podLabels: [a.podLabel, n.backups] };
    await add('networkpolicy.yaml', [['database/networkpolicy.yaml.hbs', view]]);
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
 * A per-app cluster's database side, beside it in the app's directory: the owner's password for
 * bootstrap initdb (basic-auth, username = owner: CNPG docs/src/bootstrap.md) and the cluster's
 * ingress rule for the app. No Database or role objects: initdb creates both.
 */
async function colocatedDatabaseUnit(m: RepoModel, a: AppAnswers, p: PlacedCluster): Promise<Unit> {
  const owner = ownerOf(a);
  const n = appNames(a.name);
  const files: PlannedFile[] = [];
  const listed: string[] = [];
  const add = async (file: string, docs: Doc[]) => {
    listed.push(`./${file}`);
    files.push(await owned(`${p.dir}/${file}`, owner, docs));
  };
  const secret = { secretName: n.credentials, secretStore: a.secretStore, role: a.role, storeItem: a.storeItem, passwordProperty: a.passwordProperty, initdb: true };
  await add('postgres-secret.yaml', [['database/externalsecret.yaml.hbs', secret]]);
  if (m.repo.networkPolicies) {
    const view = { name: clusterPolicyName(p.name, a.name), app: a.name, cluster: p.name, namespace: a.namespace, podLabels: [a.podLabel, n.backups] };
    await add('postgres-ingress.yaml', [['database/networkpolicy.yaml.hbs', view]]);
  }
  return {
    id: `database/${a.name}`,
    kind: 'database',
    owner,
    name: a.name,
    dir: p.dir,
    namespace: p.namespace,
    files,
    listed,
    within: p.unitId,
    needs: [{ unit: p.unitId }],
    reconcile: { wait: true, interval: '30m', retryInterval: '1m', timeout: '10m' },
    health: [],
    app: a,
    cluster: p,
  };
}

/** App-side documents from values that are either concrete or `${VAR}` references. */
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
  const pguser: Doc = [
    'app/pguser-externalsecret.yaml.hbs',
    {
      ...v,
      secretName: n.pguser,
      // urlquery writes a space as `+`, which libpq takes literally in the userinfo part: use %20.
      uri: `postgresql://${v.role}:{{ .password | trim | urlquery | replace "+" "%20" }}@${v.host}:5432/${v.database}`,
      jdbcUri: `jdbc:postgresql://${v.host}:5432/${v.database}?user=${v.role}&password={{ .password | trim | urlquery }}`,
    },
  ];
  switch (part) {
    case 'cnpg':
      return {
        'externalsecret.yaml': [pguser],
        ...(networkPolicies ? { 'networkpolicy.yaml': [['app/networkpolicy.yaml.hbs', { ...v, name: n.appPolicy, podLabels: [v.podLabel, n.backups] }] as Doc] } : {}),
      };
    case 'cnpg-initdb':
      return { 'externalsecret.yaml': [['app/initdb-externalsecret.yaml.hbs', { ...v, secretName: n.initdb }]] };
    case 'cnpg-backup':
      return { 'cronjob.yaml': [cronjob(false)], 'pvc.yaml': [['app/backup-pvc.yaml.hbs', { name: v.pvc, size: v.size }]] };
    case 'cnpg-backup-nfs':
      return { 'cronjob.yaml': [cronjob(true)] };
    default:
      throw new Error(`unknown component ${part}`);
  }
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
  const files: PlannedFile[] = [];
  if (component) {
    files.push({ mode: 'scaffold', path: `${appDir}/kustomization.yaml`, unit: owner, contents: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# Add the app\'s manifests here.\nresources: []\n' });
  } else {
    const values = appValues(m, a);
    const names: string[] = [];
    for (const part of componentsOf(a)) {
      for (const [file, d] of Object.entries(appSideDocs(values, part, m.repo.networkPolicies))) {
        const name = part === 'cnpg' ? file : `${part.replace(/^cnpg-/, '')}-${file}`;
        names.push(`./${name}`);
        files.push(await owned(`${appDir}/cnpg/${name}`, owner, d));
      }
    }
    files.push(await kustomization(`${appDir}/cnpg/kustomization.yaml`, owner, names));
    files.push({ mode: 'patched', path: `${appDir}/kustomization.yaml`, unit: owner, apply: (cur) => ensureResources(cur, ['./cnpg']), slots: (t) => resourcesSlots(t, ['./cnpg']) });
  }
  return {
    id: ownerOf(a),
    kind: 'app',
    owner,
    name: a.name,
    dir: appDir,
    namespace: a.namespace,
    files,
    needs: [{ unit: p.unitId }, { external: 'secret-store', name: m.repo.secretStoreKustomization }],
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
  const files: PlannedFile[] = [];
  const listed: string[] = [];
  for (const part of componentsOf(a)) {
    for (const [file, d] of Object.entries(appSideDocs(values, part, m.repo.networkPolicies))) {
      const name = `postgres-app-${part === 'cnpg' ? file : `${part.replace(/^cnpg-/, '')}-${file}`}`;
      listed.push(`./${name}`);
      files.push(await owned(`${a.path}/${name}`, owner, d));
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
    needs: [{ unit: p.unitId }, { external: 'secret-store', name: m.repo.secretStoreKustomization }],
    reconcile: { wait: false, interval: '30m', retryInterval: '1m', timeout: '5m' },
    health: [],
    app: a,
    cluster: p,
  };
}
