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
    }));
}

export function placeClusters(m: RepoModel): PlacedCluster[] {
  switch (m.repo.topology) {
    case 'shared':
      return placeShared(m);
  }
}

/** The cluster an app's database lives on. */
export function placementOf(m: RepoModel, a: AppAnswers): PlacedCluster {
  const placed = placeClusters(m).find((p) => p.apps.some((x) => x.name === a.name));
  if (!placed) throw new Error(`app ${a.name}: cluster ${a.cluster} is not recorded`);
  return placed;
}
