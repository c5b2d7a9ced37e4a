import type { AppAnswers } from '../../schema/app.js';
import type { PlacedCluster } from './topology.js';
import type { PlannedFile } from './types.js';

/**
 * What a plan reasons about before any GitOps engine enters: deploy units, placed (a directory, a
 * namespace) and wired (what each needs, how its health is judged). Unit builders
 * (`operator.ts`, `cluster.ts`, `app.ts`) make units and their documents; a delivery
 * (`src/delivery/*`) turns them into what Flux or Argo CD applies.
 */
export type UnitKind = 'crds' | 'operator' | 'plugin' | 'cluster' | 'database' | 'app';

/** Inputs the tree relies on but does not hold; their names are recorded answers. */
export type External = 'secret-store' | 'storage' | 'cert-manager' | 'cluster-vars';

/** In the order a delivery lists them (Flux `dependsOn` keeps it). */
export type Need = { unit: string } | { external: External; name: string };

/** Kinds whose readiness the engine waits for before it calls the unit healthy. */
export type HealthKind = 'Cluster' | 'Database' | 'DatabaseRole';

export interface Reconcile {
  /** Wait for the unit's objects (and `health`) before it counts as applied. */
  wait: boolean;
  interval: string;
  retryInterval: string;
  timeout: string;
}

/** A Helm chart the unit installs; the delivery decides how (OCIRepository, HelmRepository, a wrapper chart). */
export interface ChartInstall {
  name: string;
  url: string;
  version: string;
  values: Record<string, unknown> | null;
  /** Install remediation retries (-1: forever). */
  installRetries: number;
}

/** An upstream Git repository at a tag, limited to what the unit applies. */
export interface GitSource {
  name: string;
  url: string;
  tag: string;
  /** gitignore-style patterns that leave out the rest of the repository. */
  ignore: string[];
  /** Deleting what it applied would delete what depends on it (CRDs: every Cluster): never pruned. */
  prune: boolean;
}

export interface Unit {
  /** `operator`, `plugin`, `cluster/<name>`, `database/<app>`, `app/<app>`. */
  id: string;
  kind: UnitKind;
  /** The manifest's unit for the files it writes (`operator`, `cluster/<name>`, `app/<name>`). */
  owner: string;
  /** The name of what the engine applies it with (a Flux Kustomization, an Argo CD Application). */
  name: string;
  /** The directory the engine applies. */
  dir: string;
  /** Where its namespaced documents go. */
  namespace: string;
  /** Its documents and any file it keeps entries in. */
  files: PlannedFile[];
  /**
   * Entries of `<dir>/kustomization.yaml`, in order, written once the delivery has added its own
   * (a chart source goes first); absent when the unit writes its kustomization itself or has none.
   */
  listed?: string[];
  /**
   * `<dir>/kustomization.yaml` is the user's (an app's directory): the delivery keeps the `listed`
   * entries in it instead of writing the file.
   */
  userKustomization?: boolean;
  /** Delivered as part of that unit: its directory is one of that unit's resources. */
  within?: string;
  needs: Need[];
  reconcile: Reconcile;
  health: HealthKind[];
  chart?: ChartInstall;
  /** Applied from an upstream Git tag (a CRD bundle), not from the team's repository; `dir` is then the path in it. */
  source?: GitSource;
  /** Labels the unit's namespace carries (Pod Security Admission); the delivery keeps them on the Namespace it writes. */
  namespaceLabels?: Record<string, string>;
  /** For app-side and database units: whose, and the cluster it connects to. */
  app?: AppAnswers;
  cluster?: PlacedCluster;
  /** Kustomize Components the engine includes (repository paths) and the values it substitutes. */
  components?: string[];
  variables?: Record<string, string>;
}

export const needsUnit = (u: Unit, id: string): boolean => u.needs.some((n) => 'unit' in n && n.unit === id);

/**
 * The units of one plan, indexed once: a delivery looks units up by id and by what they are
 * delivered within for every unit, which over a plain list grows with the square of the apps.
 */
export class UnitIndex {
  private readonly byId = new Map<string, Unit>();
  private readonly inside = new Map<string, Unit[]>();

  constructor(readonly all: readonly Unit[]) {
    for (const u of all) {
      this.byId.set(u.id, u);
      if (u.within) (this.inside.get(u.within) ?? this.inside.set(u.within, []).get(u.within)!).push(u);
    }
  }

  get(id: string): Unit {
    const u = this.byId.get(id);
    if (!u) throw new Error(`no unit ${id}`);
    return u;
  }

  /** The units delivered within `id`, in plan order. */
  within(id: string): readonly Unit[] {
    return this.inside.get(id) ?? [];
  }
}
