import type { Scope } from './validate/scope.js';
import { asArray, getPath, isMap, str } from './validate/types.js';

/**
 * The order a GitOps engine applies a tree in, read from the tree itself (so a user's own
 * Kustomizations and Applications count too): Flux `dependsOn`, Argo CD sync waves.
 */
export interface DependencyGraph {
  nodes: { id: string; label: string; wave?: number }[];
  /** `from` is applied before `to`. */
  edges: { from: string; to: string }[];
  externals: string[];
  cycles: string[][];
  dangling: { from: string; to: string }[];
}

const ARGO_WAVE = 'argocd.argoproj.io/sync-wave';

export function dependencyGraph(scopes: readonly Scope[], recordedExternals: readonly string[]): DependencyGraph {
  const nodes = scopes.map((s) => {
    const wave = s.engine === 'argocd' ? Number(str(getPath(s.raw.obj, ['metadata', 'annotations', ARGO_WAVE])) ?? 0) : undefined;
    return { id: s.id, label: `${s.kind} ${s.id}${s.dir ? ` (${s.dir})` : ''}`, ...(wave !== undefined && Number.isFinite(wave) ? { wave } : {}) };
  });
  const known = new Set(nodes.map((n) => n.id));
  const edges: DependencyGraph['edges'] = [];
  const dangling: DependencyGraph['dangling'] = [];
  const externals = new Set<string>();
  for (const s of scopes) {
    if (s.engine !== 'flux') continue;
    for (const dep of asArray(getPath(s.raw.obj, ['spec', 'dependsOn']))) {
      const name = isMap(dep) ? str(dep.name) : undefined;
      if (!name || !isMap(dep)) continue;
      const id = `${str(dep.namespace) ?? s.namespace}/${name}`;
      if (known.has(id)) edges.push({ from: id, to: s.id });
      else if (recordedExternals.includes(id)) externals.add(id), edges.push({ from: id, to: s.id });
      else dangling.push({ from: id, to: s.id });
    }
  }
  // Argo CD applies wave by wave: each Application after those of the wave before it.
  const waves = [...new Set(nodes.flatMap((n) => (n.wave === undefined ? [] : [n.wave])))].sort((a, b) => a - b);
  for (const [i, w] of waves.entries()) {
    if (i === 0) continue;
    for (const before of nodes.filter((n) => n.wave === waves[i - 1])) for (const after of nodes.filter((n) => n.wave === w)) edges.push({ from: before.id, to: after.id });
  }
  return { nodes, edges, externals: [...externals].sort(), cycles: findCycles(nodes.map((n) => n.id), edges), dangling };
}

/** Each cycle once, as the ids along it (the first id repeated at the end). */
function findCycles(ids: string[], edges: DependencyGraph['edges']): string[][] {
  const next = new Map(ids.map((id) => [id, edges.filter((e) => e.from === id).map((e) => e.to)]));
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string, path: string[]) => {
    state.set(id, 'open');
    for (const to of next.get(id) ?? []) {
      if (state.get(to) === 'open') {
        const cycle = [...path.slice(path.indexOf(to)), id, to].filter((x, i, a) => i === 0 || x !== a[i - 1]);
        const key = [...cycle.slice(0, -1)].sort().join(' ');
        if (!seen.has(key)) seen.add(key), cycles.push(cycle);
      } else if (!state.has(to)) visit(to, [...path, id]);
    }
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id, []);
  return cycles;
}

const label = (s: string) => s.replace(/"/g, '#quot;');

/** Markdown with a Mermaid flowchart, then the problems found. */
export function graphMarkdown(g: DependencyGraph, title: string): string {
  const ids = new Map<string, string>();
  const idOf = (x: string) => ids.get(x) ?? (ids.set(x, `n${ids.size}`), ids.get(x)!);
  const lines = ['flowchart LR'];
  for (const n of g.nodes) lines.push(`  ${idOf(n.id)}["${label(n.label)}${n.wave !== undefined ? `<br/>wave ${n.wave}` : ''}"]`);
  for (const x of g.externals) lines.push(`  ${idOf(x)}(["external: ${label(x)}"])`);
  for (const d of g.dangling) lines.push(`  ${idOf(d.from)}{{"missing: ${label(d.from)}"}}`);
  for (const e of [...g.edges, ...g.dangling]) lines.push(`  ${idOf(e.from)} --> ${idOf(e.to)}`);
  const problems = [
    ...g.cycles.map((c) => `- cycle: ${c.join(' -> ')}`),
    ...g.dangling.map((d) => `- ${d.to} depends on ${d.from}: no Kustomization of that name in the tree, and not a recorded external input`),
  ];
  return [
    `# ${title}`,
    '',
    'An arrow points from what is applied first to what waits for it.',
    '',
    '```mermaid',
    ...lines,
    '```',
    '',
    problems.length ? `Problems:\n${problems.join('\n')}` : 'No cycles, no dangling references.',
    '',
  ].join('\n');
}
