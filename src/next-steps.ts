import type { AppAnswers } from '../schema/app.js';
import type { ClusterAnswers } from '../schema/cluster.js';
import { TOOL } from './paths.js';
import { appNames, OPERATOR_KS, type RepoModel } from './plan/model.js';
import { placementOf } from './plan/topology.js';

/**
 * What the user must do after a run, by name: the secret-store items the generated references
 * expect, then commit, then what the GitOps engine will do with it. Printed after every writing run
 * of new-cluster and new-app (and after --dry-run, as what would follow).
 */
export function clusterNextSteps(m: RepoModel, c: ClusterAnswers): string[] {
  const items = [`item ${c.superuserItem} with property ${c.superuserProperty} (the superuser password)`];
  if (c.backups) items.push(`item ${c.backupCredentialsItem} with properties ACCESS_KEY_ID and SECRET_ACCESS_KEY (the object store's keys)`);
  return numbered([
    `in the secret store ${m.repo.secretStore}, create ${items.join(', and ')}`,
    m.repo.delivery === 'argocd'
      ? `commit and push; ${applies(m, `the operator, then cluster ${c.clusterName} one sync wave later (once the operator is healthy)`)}`
      : `commit and push; ${applies(m, `the operator, then cluster ${c.clusterName} (its Kustomization ${c.kustomizationName} waits until the Cluster is Ready)`)}`,
    `onboard an app: ${TOOL} new-app --name <app> --namespace <namespace>`,
  ]);
}

export function appNextSteps(m: RepoModel, a: AppAnswers): string[] {
  const p = placementOf(m, a);
  const n = appNames(a.name);
  const login = a.provisioning === 'init-container' ? `; the init container logs in as the superuser (item ${p.answers.superuserItem})` : '';
  return numbered([
    `in the secret store ${a.secretStore}, create item ${a.storeItem} with property ${a.passwordProperty} (the app's database password)${login}`,
    a.provisioning === 'init-container'
      ? `commit and push; ${applies(m, `the app's side in namespace ${a.namespace}; its init container then creates role and database ${a.database} on cluster ${p.name}`)}`
      : `commit and push; ${applies(m, `role and database ${a.database} on cluster ${p.name}, then the app's side in namespace ${a.namespace}`)}`,
    `point the app at Secret ${n.pguser} (keys host, ro_host, port, username, password, dbname, uri, jdbc-uri; README, "For app authors")`,
  ]);
}

function applies(m: RepoModel, what: string): string {
  switch (m.repo.delivery) {
    case 'flux':
      return `Flux applies ${what}`;
    case 'argocd':
      return `Argo CD syncs ${what} (Application ${m.repo.argocdNamespace}/${OPERATOR_KS}, the wrapper chart in ${m.repo.operatorPath})`;
  }
}

const numbered = (steps: string[]) => ['next steps:', ...steps.map((s, i) => `  ${i + 1}. ${s}`)];
