import { deliveryFor } from '../delivery/index.js';
import { outputPathProblem } from '../repo-path.js';
import { appUnit, databaseUnit } from './app.js';
import { clusterUnit } from './cluster.js';
import type { RepoModel } from './model.js';
import { operatorUnits } from './operator.js';
import { planRepoFiles } from './repo-files.js';
import { keptOnPrune } from './retain.js';
import { placeClusters } from './topology.js';
import type { Plan, PlannedFile } from './types.js';
import type { Unit } from './units.js';

/**
 * Every unit of the repository, placed by its topology: the operator (and plugin), each cluster with
 * the database units delivered within it, each app's own side.
 */
export async function planUnits(m: RepoModel, onUnit: (unit: string) => void = () => {}): Promise<Unit[]> {
  onUnit('operator');
  const units: Unit[] = await operatorUnits(m);
  const apps: Unit[] = [];
  for (const p of placeClusters(m)) {
    onUnit(p.unitId);
    const within: Unit[] = [];
    for (const a of p.apps) {
      within.push(await databaseUnit(m, a, p));
      const app = await appUnit(m, a, p);
      // An app side delivered with its cluster (per-app) is one of the cluster's parts, like a database side.
      (app.within ? within : apps).push(app);
    }
    const cluster = await clusterUnit(m, p, within);
    // remove-app, per-app cluster, data retained: the cluster's side stays in the cluster when its files go.
    const kept = p.perApp && p.apps[0]?.removal === 'retain';
    const keep = (u: Unit): Unit => (kept && u.kind !== 'app' ? { ...u, files: u.files.map(keptOnPrune) } : u);
    units.push(keep(cluster), ...within.map(keep));
  }
  apps.sort((x, y) => x.name.localeCompare(y.name));
  for (const u of apps) onUnit(u.id);
  return [...units, ...apps];
}

/**
 * The whole repository's plan from its recorded answers. Always the whole repository: the cluster's
 * output follows from its apps (roles, superuser access), so every command plans everything and
 * writes only what differs.
 */
export async function planRepo(m: RepoModel, onUnit: (unit: string) => void = () => {}): Promise<Plan> {
  const units = await planUnits(m, onUnit);
  const delivery = deliveryFor(m);
  const settled = delivery.settle ? await delivery.settle(m, units) : m;
  const own = delivery.place ? await delivery.place(settled, units) : units.flatMap((u) => u.files);
  const files = [...own, ...(await delivery.deliver(settled, units)), ...(await planRepoFiles(settled))];
  const roots = [m.repo.appsRoot, m.repo.operatorPath, m.repo.componentsPath, ...(m.repo.argocdAppsPath ? [m.repo.argocdAppsPath] : []), ...m.apps.map((a) => a.path)];
  return { files: mergeByPath(files), roots: [...new Set(roots)].sort(), model: settled };
}

/** Several units may keep entries in one user file (a namespace's kustomization.yaml): compose them. */
function mergeByPath(files: PlannedFile[]): PlannedFile[] {
  const byPath = new Map<string, PlannedFile>();
  for (const f of files) {
    const problem = outputPathProblem(f.path);
    if (problem) throw new Error(`refusing to write ${JSON.stringify(f.path)}: ${problem}`);
    const prev = byPath.get(f.path);
    if (!prev) {
      byPath.set(f.path, f);
      continue;
    }
    if (prev.mode === 'patched' && f.mode === 'patched') {
      const [first, second] = [prev, f];
      const unpatch = (t: string, units: ReadonlySet<string>) => (second.unpatch ?? ((x) => x))((first.unpatch ?? ((x) => x))(t, units), units);
      byPath.set(f.path, { mode: 'patched', path: f.path, unit: prev.unit, apply: (cur) => second.apply(first.apply(cur)), slots: (t) => ({ ...first.slots(t), ...second.slots(t) }), unpatch });
      continue;
    }
    if (prev.mode === 'scaffold' && f.mode === 'scaffold') continue;
    // A file written once (an app's new Namespace) that another unit keeps entries in (the
    // operator's PSA labels on the same Namespace): the patched file creates it when absent too.
    if (prev.mode === 'patched' && f.mode === 'scaffold') continue;
    if (prev.mode === 'scaffold' && f.mode === 'patched') {
      byPath.set(f.path, f);
      continue;
    }
    throw new Error(`two units write ${f.path} (${prev.unit} and ${f.unit})`);
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

export type { Plan, PlannedFile } from './types.js';
export type { RepoModel } from './model.js';
export type { Unit } from './units.js';
