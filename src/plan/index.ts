import { deliveryFor } from '../delivery/index.js';
import { outputPathProblem } from '../repo-path.js';
import { appUnit, databaseUnit } from './app.js';
import { clusterUnit } from './cluster.js';
import type { RepoModel } from './model.js';
import { operatorUnits } from './operator.js';
import { planRepoFiles } from './repo-files.js';
import { keptOnPrune } from './retain.js';
import { placeClusters } from './topology.js';
import { resourcesPatch } from './emit.js';
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
export function mergeByPath(files: PlannedFile[]): PlannedFile[] {
  const byPath = new Map<string, PlannedFile[]>();
  for (const f of files) {
    const problem = outputPathProblem(f.path);
    if (problem) throw new Error(`refusing to write ${JSON.stringify(f.path)}: ${problem}`);
    const same = byPath.get(f.path);
    if (same) same.push(f);
    else byPath.set(f.path, [f]);
  }
  return [...byPath.values()]
    .map((same) => {
      const file = composed(same);
      const also = [...new Set(same.map((f) => f.unit))].filter((u) => u !== file.unit);
      return also.length ? { ...file, alsoUnits: also } : file;
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

type Patched = Extract<PlannedFile, { mode: 'patched' }>;

/** The files units plan at one path, in plan order, as the one file written there. */
function composed(files: PlannedFile[]): PlannedFile {
  let kept = files[0]!;
  let patches: Patched[] = kept.mode === 'patched' ? [kept] : [];
  for (const f of files.slice(1)) {
    if (kept.mode === 'patched' && f.mode === 'patched') patches.push(f);
    else if (kept.mode === 'scaffold' && f.mode === 'scaffold') continue;
    // A file written once (an app's new Namespace) that another unit keeps entries in (the
    // operator's PSA labels on the same Namespace): the patched file creates it when absent too.
    else if (kept.mode === 'patched' && f.mode === 'scaffold') continue;
    else if (kept.mode === 'scaffold' && f.mode === 'patched') [kept, patches] = [f, [f]];
    else throw new Error(`two units write ${f.path} (${kept.unit} and ${f.unit})`);
  }
  return patches.length > 1 ? composedPatches(patches) : kept;
}

/**
 * Patches of one file applied in plan order, the first one's unit named. Lists of kustomize
 * resources (a namespace's kustomization.yaml lists every app's ks.yaml) become one list: one
 * parse, one edit, one serialisation whatever the number of apps, the text as if each unit's
 * entries were added in turn (each after the first finds the file existing).
 */
function composedPatches(patches: Patched[]): Patched {
  const [first] = patches as [Patched, ...Patched[]];
  // remove-app: each unit takes out its own entries, whoever composed the file.
  const unpatch = (t: string, units: ReadonlySet<string>) => patches.reduce((text, p) => (p.unpatch ? p.unpatch(text, units) : text), t);
  if (patches.every((p) => p.resources)) {
    const rest = patches.slice(1).flatMap((p) => p.resources!.existing);
    return { ...(resourcesPatch(first.path, first.unit, { created: [...first.resources!.created, ...rest], existing: [...first.resources!.existing, ...rest] }) as Patched), unpatch };
  }
  return {
    mode: 'patched',
    path: first.path,
    unit: first.unit,
    apply: (cur) => patches.reduce((text: string | undefined, p) => p.apply(text), cur)!,
    slots: (t) => Object.assign({}, ...patches.map((p) => p.slots(t))),
    unpatch,
    ...(first.templates ? { templates: first.templates } : {}),
  };
}

export type { Plan, PlannedFile } from './types.js';
export type { RepoModel } from './model.js';
export type { Unit } from './units.js';
