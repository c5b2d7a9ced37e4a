import type { ClusterAnswers } from '../schema/cluster.js';
import { InputError, shown } from './errors.js';
import { TOOL } from './paths.js';
import type { RepoModel } from './plan/model.js';
import { placementOf } from './plan/topology.js';
import {
  OPERATOR_RELEASES,
  compareVersions,
  newestOperator,
  newestPluginFor,
  operatorMinor,
  operatorRelease,
  pluginOf,
  releaseOf,
  type OperatorRelease,
  type PluginRelease,
} from './versions.js';

/** What `upgrade` changes in the answers: a newer release row, and what follows from it. */
export interface Upgrade {
  from: OperatorRelease;
  to: OperatorRelease;
  plugin?: { from: PluginRelease; to: PluginRelease };
  /** Clusters whose image was the old row's default (either flavour): they move to the new default. */
  images: { cluster: string; from: string; to: string }[];
  /** Clusters on an image of their own: kept, named in the steps. */
  keptImages: { cluster: string; image: string }[];
  /** Roles that move from `Cluster.spec.managed.roles` to `DatabaseRole` CRs (crossing 1.30). */
  roles: { role: string; cluster: string; namespace: string }[];
  /** The answers to write (not yet checked against the schemas: recheckModel does that). */
  next: RepoModel;
}

/** The same flavour of the new default: `-system-` images stay system, `-standard-` stay standard. */
function followDefault(image: string, from: OperatorRelease, to: OperatorRelease): string | undefined {
  if (image === from.defaultImage) return to.defaultImage;
  const standard = (i: string) => i.replace('-system-', '-standard-');
  if (from.defaultImage.includes('-system-') && image === standard(from.defaultImage)) return standard(to.defaultImage);
  return undefined;
}

/**
 * The move from the recorded release row to `toChart` (default: the newest row). Pure: the answers
 * in, the answers out. Refuses (exit 2) an unknown or older chart; undefined when nothing moves.
 */
export function planUpgrade(m: RepoModel, toChart: string | undefined): Upgrade | undefined {
  const from = releaseOf(m.repo);
  // A chart beyond the table (Renovate's, or given with its operator) is already past every row.
  if (toChart === undefined && compareVersions(newestOperator().chart, from.chart) < 0) return undefined;
  const to = toChart === undefined ? newestOperator() : operatorRelease(toChart);
  if (!to) throw new InputError(`--to: must be a known chart version (${OPERATOR_RELEASES.map((r) => r.chart).join(', ')}) (got ${shown(toChart)})`);
  if (compareVersions(to.chart, from.chart) < 0)
    throw new InputError(`--to: chart ${to.chart} is older than the recorded chartVersion ${from.chart}: upgrade only moves forward (set chartVersion with new-cluster to go back)`);
  const pluginFrom = pluginOf(m.repo);
  const pluginTo = newestPluginFor(to.operator);
  const plugin = pluginTo && compareVersions(pluginTo.chart, pluginFrom.chart) > 0 ? { from: pluginFrom, to: pluginTo } : undefined;
  const images: Upgrade['images'] = [];
  const keptImages: Upgrade['keptImages'] = [];
  const clusters = m.clusters.map((c): ClusterAnswers => {
    const image = from === to ? undefined : followDefault(c.imageName, from, to);
    if (image && image !== c.imageName) images.push({ cluster: c.clusterName, from: c.imageName, to: image });
    else if (!image && from !== to) keptImages.push({ cluster: c.clusterName, image: c.imageName });
    return image ? { ...c, imageName: image } : c;
  });
  if (from === to && !plugin) return undefined;
  // The chart and what it installs move together: they are one row of the table.
  const repo = { ...m.repo, chartVersion: to.chart, operatorVersion: to.operator, operatorDefaultImage: to.defaultImage };
  const next: RepoModel = { repo: plugin ? { ...repo, pluginChartVersion: plugin.to.chart, pluginVersion: plugin.to.plugin } : repo, clusters, apps: m.apps };
  const roles =
    !from.databaseRole && to.databaseRole
      ? next.apps
          .filter((a) => a.provisioning === 'declarative')
          .map((a) => {
            const p = placementOf(next, a);
            return { role: a.role, cluster: p.name, namespace: p.namespace };
          })
      : [];
  return { from, to, plugin, images, keptImages, roles, next };
}

/** What the user does after `upgrade`, in order: check Kubernetes, merge, wait for the operator, then the roles, then verify. */
export function upgradeSteps(u: Upgrade): string[] {
  const r = u.next.repo;
  const minor = operatorMinor(u.to.operator);
  const flux = r.delivery === 'flux';
  const steps: string[] = [];
  steps.push(
    `check the Kubernetes version first: operator ${u.to.operator} supports Kubernetes ${minor?.kubernetes.join(', ') ?? '(see CNPG supported releases)'}${u.to.kubeVersion ? ` and chart ${u.to.chart} requires kubeVersion ${u.to.kubeVersion} (Helm refuses to install it otherwise)` : ''}; read CNPG's upgrade notes for ${u.to.operator} (installation_upgrade.md, "Upgrading to ...")`,
  );
  for (const k of u.keptImages) steps.push(`cluster ${k.cluster} keeps its own image ${k.image}: check it against operator ${u.to.operator} (its default is ${u.to.defaultImage})`);
  steps.push(
    `commit and push as one change; ${
      flux
        ? `Flux upgrades the operator first: each cluster's Kustomization dependsOn the operator's and waits until it has applied this revision and is Ready`
        : `Argo CD syncs the operator's wave first, the clusters one wave later`
    }`,
  );
  const crd = u.roles.length ? ' and `kubectl get crd databaseroles.postgresql.cnpg.io` exists' : '';
  steps.push(
    `wait for the operator: its HelmRelease reports chart ${u.to.chart}${crd}; the new instance manager then rolls through every cluster one instance at a time, ending with a switchover (primaryUpdateStrategy)`,
  );
  if (u.roles.length) {
    const byCluster = [...new Set(u.roles.map((x) => `${x.namespace}/${x.cluster}`))];
    steps.push(
      `then the roles: ${u.roles.map((x) => x.role).join(', ')} move from Cluster ${byCluster.join(', ')} spec.managed.roles to DatabaseRole objects (same login and password Secret, databaseRoleReclaimPolicy retain). Nothing is dropped: while both exist the Cluster spec takes precedence, a role in neither is left as it is, and the DatabaseRole adopts the existing role (CNPG declarative_role_management.md, "Migrating from inline managed roles"); check \`kubectl -n ${u.roles[0]!.namespace} get databaseroles\``,
    );
  }
  for (const i of u.images) steps.push(`cluster ${i.cluster} moves to operator ${u.to.operator}'s default image (${i.from} -> ${i.to}): its instances restart on it one at a time`);
  steps.push(`${TOOL} validate, and \`${TOOL} regen --check\` in CI, on the merged tree`);
  return ['next steps:', ...steps.map((s, i) => `  ${i + 1}. ${s}`)];
}

/** One line naming the move, before the changes. */
export function upgradeSummary(u: Upgrade): string {
  const parts = [`chart ${u.from.chart} -> ${u.to.chart} (operator ${u.from.operator} -> ${u.to.operator})`];
  if (u.plugin) parts.push(`plugin chart ${u.plugin.from.chart} -> ${u.plugin.to.chart} (plugin ${u.plugin.from.plugin} -> ${u.plugin.to.plugin})`);
  for (const i of u.images) parts.push(`cluster ${i.cluster} image ${i.from} -> ${i.to}`);
  if (u.roles.length) parts.push(`roles ${u.roles.map((x) => x.role).join(', ')} -> DatabaseRole`);
  return `upgrade: ${parts.join('; ')}`;
}
