import { planApp, planComponents } from './app.js';
import { planCluster } from './cluster.js';
import { outputPathProblem } from '../repo-path.js';
import type { RepoModel } from './model.js';
import { planOperator } from './operator.js';
import { planRepoFiles } from './repo-files.js';
import type { Plan, PlannedFile } from './types.js';

/**
 * The whole repository's plan from its recorded answers. Always the whole repository: the cluster's
 * output follows from its apps (roles, superuser access), so every command plans everything and
 * writes only what differs.
 */
export async function planRepo(m: RepoModel, onUnit: (unit: string) => void = () => {}): Promise<Plan> {
  onUnit('operator');
  const parts: PlannedFile[][] = [await planOperator(m), await planRepoFiles(m)];
  for (const c of m.clusters) {
    onUnit(`cluster/${c.clusterName}`);
    parts.push(await planCluster(m, c));
  }
  parts.push(await planComponents(m));
  for (const a of [...m.apps].sort((x, y) => x.name.localeCompare(y.name))) {
    onUnit(`app/${a.name}`);
    parts.push(await planApp(m, a));
  }
  const roots = [m.repo.appsRoot, m.repo.operatorPath, m.repo.componentsPath, ...m.apps.map((a) => a.path)];
  return { files: mergeByPath(parts.flat()), roots: [...new Set(roots)].sort() };
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
      byPath.set(f.path, { mode: 'patched', path: f.path, unit: prev.unit, apply: (cur) => second.apply(first.apply(cur)), slots: (t) => ({ ...first.slots(t), ...second.slots(t) }) });
      continue;
    }
    if (prev.mode === 'scaffold' && f.mode === 'scaffold') continue;
    throw new Error(`two units write ${f.path} (${prev.unit} and ${f.unit})`);
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

export type { Plan, PlannedFile } from './types.js';
export type { RepoModel } from './model.js';
