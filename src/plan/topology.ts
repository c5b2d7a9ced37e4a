import type { AppAnswers } from '../../schema/app.js';
import type { ClusterAnswers } from '../../schema/cluster.js';
import type { RepoModel } from './model.js';

/**
 * Where each PostgreSQL cluster lives and what an app connects to. Hosts, the namespace of a
 * cluster's Secrets, directories and cluster names come from here and nowhere else.
 */
export interface PlacedCluster {
  answers: ClusterAnswers;
  /** The CNPG Cluster's name. */
  name: string;
  namespace: string;
  /** The cluster unit's directory. */
  dir: string;
  host: string;
  roHost: string;
  /** Apps whose databases it holds, by name. */
  apps: AppAnswers[];
  unitId: string;
  /**
   * Per-app: the cluster, its app's database side and app side share the app's directory (the
   * user's, with its own kustomization.yaml), their files named `postgres-*.yaml`.
   */
  colocated: boolean;
}

const serviceHost = (cluster: string, suffix: 'rw' | 'ro', namespace: string) => `${cluster}-${suffix}.${namespace}.svc.cluster.local`;

/**
 * `shared`: each recorded cluster once, under the operator's directory, in the operator's namespace
 * (or `clusterNamespace`, an Argo CD answer: seed 000 runs its cluster in `apps`).
 */
function placeShared(m: RepoModel): PlacedCluster[] {
  const namespace = m.repo.clusterNamespace ?? m.repo.namespace;
  return [...m.clusters]
    .sort((a, b) => a.clusterName.localeCompare(b.clusterName))
    .map((c) => ({
      answers: c,
      name: c.clusterName,
      namespace,
      dir: `${m.repo.operatorPath}/${c.clusterDir}`,
      host: serviceHost(c.clusterName, 'rw', namespace),
      roHost: serviceHost(c.clusterName, 'ro', namespace),
      apps: m.apps.filter((a) => a.cluster === c.clusterName).sort((a, b) => a.name.localeCompare(b.name)),
      unitId: `cluster/${c.clusterName}`,
      colocated: false,
    }));
}

/** The per-app cluster of one app: `<app>-postgres`, made from the recorded cluster answers it names. */
export const perAppClusterName = (app: string): string => `${app}-postgres`;

/**
 * `per-app`: every app gets a cluster of its own in its namespace and directory, made from the
 * recorded cluster answers it names (a template: new-cluster records it, new-app makes the cluster).
 * The cluster's own names follow from its name: its Flux Kustomization is the app's (it applies the
 * app's directory), its superuser Secret `<cluster>-superuser-secret`, its backups a path of the app's
 * below the template's bucket path. The backup keys' Secret keeps the template's name: it is the
 * store's, one per namespace.
 */
function placePerApp(m: RepoModel): PlacedCluster[] {
  return [...m.apps]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((a) => {
      const template = m.clusters.find((c) => c.clusterName === a.cluster);
      if (!template) return [];
      const name = perAppClusterName(a.name);
      const answers: ClusterAnswers = {
        ...template,
        clusterName: name,
        kustomizationName: a.name,
        superuserSecret: `${name}-superuser-secret`,
        backupDestinationPath: `${template.backupDestinationPath.replace(/\/+$/, '')}/${a.name}/`,
      };
      return [
        {
          answers,
          name,
          namespace: a.namespace,
          dir: a.path,
          host: serviceHost(name, 'rw', a.namespace),
          roHost: serviceHost(name, 'ro', a.namespace),
          apps: [a],
          unitId: `cluster/${name}`,
          colocated: true,
        },
      ];
    });
}

/**
 * Placement is asked for once per app (its values, its next steps): computed once per model, so a
 * plan of n apps stays linear. A model is never changed once built (commands make a new one).
 */
const PLACE: Record<RepoModel['repo']['topology'], (m: RepoModel) => PlacedCluster[]> = { shared: placeShared, 'per-app': placePerApp };
const placed = new WeakMap<RepoModel, { clusters: PlacedCluster[]; byApp: Map<string, PlacedCluster> }>();

function placement(m: RepoModel) {
  let p = placed.get(m);
  if (!p) {
    const clusters = PLACE[m.repo.topology](m);
    p = { clusters, byApp: new Map(clusters.flatMap((c) => c.apps.map((a) => [a.name, c] as const))) };
    placed.set(m, p);
  }
  return p;
}

export const placeClusters = (m: RepoModel): PlacedCluster[] => placement(m).clusters;

/** The cluster an app's database lives on. */
export function placementOf(m: RepoModel, a: AppAnswers): PlacedCluster {
  const p = placement(m).byApp.get(a.name);
  if (!p) throw new Error(`app ${a.name}: cluster ${a.cluster} is not recorded`);
  return p;
}
