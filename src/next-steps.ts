import type { AppAnswers } from '../schema/app.js';
import type { ClusterAnswers } from '../schema/cluster.js';
import { INSTALLED_AS_PACKAGE, TOOL, TOOL_VERSION } from './paths.js';
import { operatorKsPath, operatorKsRegistered } from './delivery/flux/namespace.js';
import { appNames, databaseRoleCr, OPERATOR_KS, type RepoModel } from './plan/model.js';
import { secretSourceOf } from './plan/secret-source.js';
import { podSecurityLabels } from './plan/operator.js';
import { placementOf } from './plan/topology.js';
import { releaseOf } from './versions.js';

/**
 * What the user must do after a run, by name: the secret-store items the generated references
 * expect, then commit, then what the GitOps engine will do with it. Printed after every writing run
 * of new-cluster and new-app (and after --dry-run, as what would follow).
 */
export function clusterNextSteps(m: RepoModel, c: ClusterAnswers, installedAsPackage = INSTALLED_AS_PACKAGE): string[] {
  const items = [`item ${c.superuserItem} with property ${c.superuserProperty} (the superuser password)`];
  if (c.backups) items.push(`item ${c.backupCredentialsItem} with properties ACCESS_KEY_ID and SECRET_ACCESS_KEY (the object store's keys)`);
  // Per-app: the template places no Cluster yet; each app's cluster gets its stubs with new-app.
  const secrets = m.repo.topology === 'per-app' ? [] : [c.superuserSecret, ...(c.backups ? [c.backupCredentialsSecret] : [])];
  return numbered([
    secretSourceOf(m.repo) === 'sops'
      ? secrets.length
        ? sopsStep(m, secrets)
        : 'each app\'s cluster gets its SOPS stubs with new-app (README, "SOPS")'
      : `in the secret store ${m.repo.secretStore}, create ${items.join(', and ')}`,
    // The tool lists the operator's ks.yaml only in a namespace folder below appsRoot (seed 003's bases/ is not).
    ...(m.repo.delivery === 'flux' && m.repo.fluxLayout === 'ks' && !operatorKsRegistered(m)
      ? [
          `list ${operatorKsPath(m)} in the kustomization Flux applies for this cluster (the tool registers a ks.yaml only below ${m.repo.appsRoot}/<namespace>/), and keep ConfigMap ${m.repo.clusterVarsConfigMap} applied in ${m.repo.fluxNamespace}`,
        ]
      : []),
    ...operatorNamespaceStep(m),
    m.repo.delivery === 'argocd'
      ? `commit and push; ${applies(m, `the operator, then cluster ${c.clusterName} one sync wave later (once the operator is healthy)`)}`
      : m.repo.topology === 'per-app'
        ? // The record is a template: no Cluster (nor its Kustomization) exists until an app is onboarded.
          `commit and push; ${applies(m, 'the operator; each app\'s own cluster comes with new-app')}`
        : `commit and push; ${applies(m, `the operator, then cluster ${c.clusterName} (its Kustomization ${c.kustomizationName} waits until the Cluster is Ready)`)}`,
    ...(c.backups && c.restoreFrom
      ? [`once cluster ${c.clusterName} is restored and healthy: ${TOOL} new-cluster --clusterName ${c.clusterName} --restoreFrom "" --restoreTargetTime "" (README, "Restores")`]
      : []),
    ...ciToolStep(m, installedAsPackage),
    `onboard an app: ${TOOL} new-app --name <app> --namespace <namespace>`,
  ]);
}

/**
 * The operator's namespace declared by a file of the user's (createNamespace false): the tool declares
 * none, so the user's file must be applied, and it carries the pod-security labels the tool would keep.
 * Argo CD's CreateNamespace=true creates the namespace only while it is missing, and without
 * managedNamespaceMetadata never updates or deletes it: it is kept, so a first sync cannot fail on order.
 */
function operatorNamespaceStep(m: RepoModel): string[] {
  if (m.repo.createNamespace !== false) return [];
  const ns = m.repo.namespace;
  const labels = Object.entries(podSecurityLabels(m)).map(([k, v]) => `${k}=${v}`);
  const label = labels.length ? `; give it the labels ${labels.join(', ')} (podSecurity ${m.repo.podSecurity})` : '';
  return [
    m.repo.delivery === 'argocd'
      ? `namespace ${ns} is declared by a file of yours (createNamespace false), so the tool declares none; the operator's Application keeps CreateNamespace=true, which only creates it while it is missing and never changes or deletes it${label}`
      : `namespace ${ns} is declared by a file of yours (createNamespace false), so the tool declares none: keep it applied, Flux applies the operator into it${label}`,
  ];
}

/**
 * Run from a checkout, the tool cannot know that the CI job's `npx cnpg-scaffold@<version>` will
 * find this version on the registry: the user is told how to pin what they run instead.
 */
const ciToolStep = (m: RepoModel, installedAsPackage: boolean): string[] =>
  m.repo.ciWorkflow === 'github' && !m.repo.toolPackage && !installedAsPackage
    ? [
        `the CI job runs ${TOOL}@${TOOL_VERSION} from the npm registry; until that release is there, pin the tool with --toolPackage (a git URL ending #<commit>, or a .tgz from npm pack; README, "Install")`,
      ]
    : [];

/** `operatorInstall: crds-only`: an apps cluster that gets the CRDs and nothing else. */
export const crdsOnlyNextSteps = (m: RepoModel): string[] =>
  numbered([`commit and push; list ${operatorKsPath(m)} where Flux applies it: the CRDs of operator ${releaseOf(m.repo).operator} only`]);

export function appNextSteps(m: RepoModel, a: AppAnswers): string[] {
  const p = placementOf(m, a);
  const n = appNames(a.name);
  const login = a.provisioning === 'init-container' ? `; the init container logs in as the superuser (item ${p.answers.superuserItem})` : '';
  const sops = secretSourceOf(m.repo) === 'sops';
  const own = p.perApp ? [p.answers.superuserSecret, ...(p.answers.backups ? [p.answers.backupCredentialsSecret] : []), n.credentials] : [];
  const secrets = [...own, ...(a.provisioning === 'declarative' && !p.perApp ? [n.rolePassword] : []), n.pguser, ...(a.provisioning === 'init-container' ? [n.initdb] : [])];
  return numbered([
    sops ? sopsStep(m, secrets, ' (the role\'s password the same wherever it appears)') : `in the secret store ${a.secretStore}, create item ${a.storeItem} with property ${a.passwordProperty} (the app's database password)${login}`,
    ...(a.createNamespace === false && m.repo.delivery === 'flux'
      ? [`namespace ${a.namespace} is declared by a file of yours (createNamespace false), so the tool declares none: keep it applied, Flux applies the app's side into it`]
      : []),
    m.repo.delivery === 'argocd'
      ? `commit and push; ${applies(m, `role and database ${a.database} on cluster ${p.name}`)}; the app's side is ${a.path}/app (its kustomization.yaml lists ./cnpg): sync it with the app's own Application`
      : a.provisioning === 'init-container'
      ? `commit and push; ${applies(m, `the app's side in namespace ${a.namespace}; its init container then creates role and database ${a.database} on cluster ${p.name}`)}`
      : `commit and push; ${applies(m, `role and database ${a.database} on cluster ${p.name}, then the app's side in namespace ${a.namespace}`)}`,
    `point the app at Secret ${n.pguser} (keys host, ro_host, port, username, password, dbname, uri, jdbc-uri; README, "For app authors")`,
  ]);
}

/** SOPS: the stubs to fill and encrypt, and the key Flux decrypts with. */
const sopsStep = (m: RepoModel, secrets: string[], note = '') =>
  `fill in ${secrets.map((s) => `${s}.sops.yaml`).join(', ')}${note} and encrypt each: sops --encrypt --in-place <file>; Flux decrypts with Secret ${m.repo.sopsSecretRef ?? 'sops-age'} in ${m.repo.fluxNamespace} (README, "SOPS")`;

function applies(m: RepoModel, what: string): string {
  switch (m.repo.delivery) {
    case 'flux':
      return `Flux applies ${what}`;
    case 'argocd':
      return `Argo CD syncs ${what} (Application ${m.repo.argocdNamespace}/${OPERATOR_KS}, the wrapper chart in ${m.repo.operatorPath})`;
  }
}

const numbered = (steps: string[]) => ['next steps:', ...steps.map((s, i) => `  ${i + 1}. ${s}`)];

/** remove-app's first run: what the cluster must apply before the files go, how to see it did, then the second run. */
export function removalMarkedSteps(m: RepoModel, a: AppAnswers): string[] {
  const p = placementOf(m, a);
  const again = `${TOOL} remove-app --name ${a.name}${a.removal === 'drop-data' ? ' --drop-data' : ''}`;
  if (p.perApp)
    return numbered([
      `commit and push; ${applies(m, `cluster ${p.name}'s objects marked kustomize.toolkit.fluxcd.io/prune: disabled (a deleted Cluster takes its PVCs with it)`)}`,
      // SOPS files are the user's (encrypted): the tool cannot mark them, and the running Cluster still reads them.
      ...(secretSourceOf(m.repo) === 'sops'
        ? [
            `the cluster's Secrets are your SOPS files: add the same annotation to ${[p.answers.superuserSecret, appNames(a.name).credentials, ...(p.answers.backups ? [p.answers.backupCredentialsSecret] : [])].map((s) => `${s}.sops.yaml`).join(', ')} (sops edit <file>), or Flux deletes those Secrets with the files`,
          ]
        : []),
      `check: kubectl get cluster.postgresql.cnpg.io ${p.name} -n ${p.namespace} -o jsonpath='{.metadata.annotations.kustomize\\.toolkit\\.fluxcd\\.io/prune}' prints disabled`,
      `then remove the files: ${again}`,
    ]);
  const role = databaseRoleCr(m)
    ? `kubectl get databaserole.postgresql.cnpg.io ${a.name} -n ${p.namespace} -o jsonpath='{.spec.databaseRoleReclaimPolicy} {.status.applied}' prints "delete true"`
    : `kubectl cnpg psql ${p.name} -n ${p.namespace} -- -tAc "SELECT count(*) FROM pg_roles WHERE rolname = '${a.role}'" prints 0`;
  return numbered([
    `commit and push; ${applies(m, `Database ${a.name} with ensure: absent (CNPG drops database ${a.database}) and role ${a.role} ${databaseRoleCr(m) ? 'with databaseRoleReclaimPolicy: delete (dropped when its object goes)' : 'with ensure: absent (dropped)'}`)}`,
    `check: kubectl get database.postgresql.cnpg.io ${a.name} -n ${p.namespace} -o jsonpath='{.spec.ensure} {.status.applied}' prints "absent true"${databaseRoleCr(m) ? '' : `, and ${role}`}`,
    `then remove the files: ${again}${databaseRoleCr(m) ? `; once pruned, ${role.replace(/ prints "delete true"$/, '')} finds no object (the role is dropped)` : ''}`,
  ]);
}

/**
 * remove-app's last run: what stays in the cluster and how to drop it later, then commit. `kept`: the
 * files the run left as the user's (an app's ks.yaml still listed, SOPS files they encrypted).
 */
export function removalNextSteps(m: RepoModel, a: AppAnswers, kept: readonly string[] = []): string[] {
  const p = placementOf(m, a);
  const drop = a.removal === 'drop-data';
  const ns = p.namespace;
  const stays: string[] = [];
  if (p.perApp) {
    stays.push(
      drop
        ? `cluster ${p.name} is deleted by ${engine(m)} with its PVCs (CNPG makes the Cluster their owner)`
        : `cluster ${p.name} (namespace ${ns}) keeps running, unmanaged, with its PVCs, Secrets, policies and scheduled backups; to drop it: kubectl delete cluster.postgresql.cnpg.io ${p.name} -n ${ns} (its PVCs go with it), then its objects left beside it (kubectl get objectstore,scheduledbackup,externalsecret,ciliumnetworkpolicy,database -n ${ns})`,
    );
    if (p.answers.backups) stays.push(`its base backups and WALs under ${p.answers.backupDestinationPath} stay in the object store: delete them there when no longer needed`);
  } else if (a.provisioning === 'init-container') {
    stays.push(`database ${a.database} and role ${a.role} on cluster ${p.name}: postgres-init made them, not CNPG; to drop them: kubectl cnpg psql ${p.name} -n ${ns} -- -c 'DROP DATABASE "${a.database}"' -c 'DROP ROLE "${a.role}"'`);
  } else if (drop) {
    stays.push(`nothing of database ${a.database}: CNPG dropped it${databaseRoleCr(m) ? `, and drops role ${a.role} when its DatabaseRole is pruned` : ` and role ${a.role}`}`);
  } else {
    const role = databaseRoleCr(m) ? 'its DatabaseRole has reclaim policy retain' : 'leaving Cluster.spec.managed.roles, it is no longer managed';
    stays.push(
      `database ${a.database} and role ${a.role} on cluster ${p.name} (namespace ${ns}): the Database has reclaim policy retain; the role: ${role}; to drop them: kubectl cnpg psql ${p.name} -n ${ns} -- -c 'DROP DATABASE "${a.database}"' -c 'DROP ROLE "${a.role}"'`,
    );
  }
  const sopsKept = kept.filter((p) => p.endsWith('.sops.yaml'));
  stays.push(
    secretSourceOf(m.repo) === 'sops'
      ? sopsKept.length
        ? `the Secrets of your SOPS files go (${engine(m)} prunes them${p.perApp && !drop ? ', except those you annotated prune: disabled' : ''}); the files stay in Git, encrypted and listed by nothing: git rm ${sopsKept.join(' ')}`
        : `the app's Secrets go with their SOPS files (${engine(m)} prunes them)`
      : `the Secrets External Secrets made go with their ExternalSecrets; item ${a.storeItem} (property ${a.passwordProperty}) stays in the secret store ${a.secretStore}: delete it there when no longer needed`,
  );
  if (a.backups && a.backupVolume === 'pvc') stays.push(`the logical dumps in PVC ${a.backupPvc} (namespace ${a.namespace}) stay: it is never pruned; kubectl delete pvc ${a.backupPvc} -n ${a.namespace} drops them`);
  if (a.backups && a.backupVolume === 'nfs') stays.push(`the logical dumps under ${a.nfsServer}:${a.nfsPath} stay`);
  return [
    'what stays in the cluster:',
    ...stays.map((s) => `  - ${s}`),
    ...numbered([removedStep(m, a, kept)]),
  ];
}

/** What the engine does with the objects once the files are gone: Argo CD prunes only when told to. */
function removedStep(m: RepoModel, a: AppAnswers, kept: readonly string[]): string {
  const namespace = `the namespace ${a.namespace} stays: it is never pruned`;
  if (m.repo.delivery === 'argocd') {
    const own = `the app's side in ${a.path}/app/cnpg goes when the app's own Application prunes (automated prune, or a sync with prune)`;
    return m.repo.argocdPrune === false
      ? `commit and push; Application ${m.repo.argocdNamespace}/${OPERATOR_KS} does not prune (argocdPrune false): sync it with prune (argocd app sync ${OPERATOR_KS} --prune) to remove app ${a.name}'s database objects; ${own}`
      : `commit and push; Argo CD then prunes app ${a.name}'s database objects (argocdPrune); ${own}`;
  }
  const ks = `${a.path}/ks.yaml`;
  if (kept.includes(ks)) return `commit and push; Flux then removes app ${a.name}'s database side; ${ks} stays yours, listed, and applies what is left beside it (${namespace})`;
  return `commit and push; ${engine(m)} then removes app ${a.name}'s objects (${namespace})`;
}

const engine = (m: RepoModel) => (m.repo.delivery === 'argocd' ? 'Argo CD' : 'Flux');
