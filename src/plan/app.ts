import type { AppAnswers } from '../../schema/app.js';
import { ensureFluxKustomization, ensureResources, fluxKustomizationSlots, resourcesSlots } from '../patch.js';
import { registerInNamespace } from './namespace.js';
import { renderTemplate } from '../render.js';
import { type AppValues, appValues, componentsOf, substituteFor, variableValues } from './app-values.js';
import { BACKUP_ENV, backupScript } from './backup-script.js';
import { type Doc, kustomization, owned } from './emit.js';
import { type RepoModel, appNames, clusterOf, clusterPath, clusterPolicyName, databaseRoleCr, posixRelative } from './model.js';
import type { PlannedFile } from './types.js';
import { formatYaml } from '../format.js';

const unitOf = (a: AppAnswers) => `app/${a.name}`;

/** Database side: one directory per app under the cluster, so apps never share a file. */
async function planDatabaseSide(m: RepoModel, a: AppAnswers): Promise<PlannedFile[]> {
  const c = clusterOf(m, a);
  const dir = `${clusterPath(m, c)}/apps/${a.name}`;
  const unit = unitOf(a);
  const n = appNames(a.name);
  const declarative = a.provisioning === 'declarative';
  const files: PlannedFile[] = [];
  const resources: string[] = [];
  const add = async (file: string, docs: Doc[]) => {
    resources.push(`./${file}`);
    files.push(await owned(`${dir}/${file}`, unit, docs));
  };
  if (declarative) {
    const secret = { secretName: n.rolePassword, secretStore: a.secretStore, role: a.role, storeItem: a.storeItem, passwordProperty: a.passwordProperty };
    await add('externalsecret.yaml', [['database/externalsecret.yaml.hbs', secret]]);
    if (databaseRoleCr(m)) await add('databaserole.yaml', [['database/databaserole.yaml.hbs', { objectName: a.name, cluster: c.clusterName, role: a.role, secretName: n.rolePassword }]]);
    await add('database.yaml', [['database/database.yaml.hbs', { objectName: a.name, cluster: c.clusterName, database: a.database, role: a.role, extensions: a.extensions }]]);
  }
  if (m.repo.networkPolicies) {
    const view = { name: clusterPolicyName(c.clusterName, a.name), app: a.name, cluster: c.clusterName, namespace: a.namespace, podLabels: [a.podLabel, n.backups] };
    await add('networkpolicy.yaml', [['database/networkpolicy.yaml.hbs', view]]);
  }
  if (resources.length) files.push(await kustomization(`${dir}/kustomization.yaml`, unit, resources));
  return files;
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

/** The shared components, once, when any app uses the component layout. */
export async function planComponents(m: RepoModel): Promise<PlannedFile[]> {
  if (!m.apps.some((a) => a.appLayout === 'component')) return [];
  const files: PlannedFile[] = [];
  for (const part of ['cnpg', 'cnpg-initdb', 'cnpg-backup', 'cnpg-backup-nfs']) {
    const dir = `${m.repo.componentsPath}/${part}`;
    const docs = appSideDocs(variableValues(), part, m.repo.networkPolicies);
    for (const [file, d] of Object.entries(docs)) files.push(await owned(`${dir}/${file}`, 'components', d));
    files.push(await kustomization(`${dir}/kustomization.yaml`, 'components', Object.keys(docs).map((f) => `./${f}`), true));
  }
  return files;
}

/** App side and Flux wiring: explicit files or component references, the app's ks.yaml, registration. */
async function planAppSide(m: RepoModel, a: AppAnswers): Promise<PlannedFile[]> {
  const unit = unitOf(a);
  const appDir = `${a.path}/app`;
  const files: PlannedFile[] = [];
  const component = a.appLayout === 'component';
  let components: string[] = [];
  if (component) {
    components = componentsOf(a).map((p) => posixRelative(appDir, `${m.repo.componentsPath}/${p}`));
    files.push({ mode: 'scaffold', path: `${appDir}/kustomization.yaml`, unit, contents: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# Add the app\'s manifests here.\nresources: []\n' });
  } else {
    const values = appValues(m, a);
    const names: string[] = [];
    for (const part of componentsOf(a)) {
      for (const [file, d] of Object.entries(appSideDocs(values, part, m.repo.networkPolicies))) {
        const name = part === 'cnpg' ? file : `${part.replace(/^cnpg-/, '')}-${file}`;
        names.push(`./${name}`);
        files.push(await owned(`${appDir}/cnpg/${name}`, unit, d));
      }
    }
    files.push(await kustomization(`${appDir}/cnpg/kustomization.yaml`, unit, names));
    files.push({ mode: 'patched', path: `${appDir}/kustomization.yaml`, unit, apply: (cur) => ensureResources(cur, ['./cnpg']), slots: (t) => resourcesSlots(t, ['./cnpg']) });
  }
  const c = clusterOf(m, a);
  const dependsOn = [
    { name: c.kustomizationName, namespace: m.repo.fluxNamespace },
    { name: m.repo.secretStoreKustomization, namespace: m.repo.fluxNamespace },
  ];
  const substitute = component ? substituteFor(m, a) : { APP: a.name };
  const ks = {
    name: a.name,
    namespace: m.repo.fluxNamespace,
    targetNamespace: a.namespace,
    gitRepository: m.repo.gitRepository,
    path: `./${appDir}`,
    components,
    dependsOn,
    wait: false,
    interval: '30m',
    retryInterval: '1m',
    timeout: '5m',
    healthCheckExprs: [],
    postBuild: { substitute, substituteFrom: [] },
  };
  const created = await formatYaml(
    `# Created by cnpg-scaffold for ${a.name}. Yours to edit: the tool only keeps its entries\n# (dependsOn, components, postBuild.substitute) in place.\n${renderTemplate('flux/kustomization.yaml.hbs', ks).replace(/^---\n/, '')}`,
  );
  const want = {
    name: a.name,
    defaults: { targetNamespace: a.namespace, path: ks.path, sourceRef: { kind: 'GitRepository', name: m.repo.gitRepository }, prune: true, interval: '30m', retryInterval: '1m', timeout: '5m' },
    dependsOn,
    components,
    substitute,
  };
  files.push({ mode: 'patched', path: `${a.path}/ks.yaml`, unit, apply: (cur) => ensureFluxKustomization(cur, want, created), slots: (t) => fluxKustomizationSlots(t, want) });
  files.push(...(await registerInNamespace(m, a.namespace, `${a.path}/ks.yaml`, unit)));
  return files;
}

export async function planApp(m: RepoModel, a: AppAnswers): Promise<PlannedFile[]> {
  return [...(await planDatabaseSide(m, a)), ...(await planAppSide(m, a))];
}
