import { basename } from 'node:path';
import type { Context } from '../context.js';
import { dependencyGraph, graphMarkdown } from '../graph.js';
import { externalKustomizations, loadModel } from '../records.js';
import { modelTree } from '../validate/index.js';

/** `graph`: the tree's apply order as Mermaid in Markdown on stdout; exit 1 on a cycle or a dangling reference. */
export async function graph(ctx: Context): Promise<number> {
  const model = await loadModel(ctx.dest);
  const { scopes } = await modelTree({ root: ctx.dest, externalVariables: {}, onProgress: ctx.progress }).finally(() => ctx.progress?.());
  const g = dependencyGraph(scopes, model ? externalKustomizations(model) : []);
  // The repository's name, not its path on this machine: `graph > graph.md` is committed.
  ctx.out(graphMarkdown(g, `Apply order of ${basename(ctx.dest)}`));
  return g.cycles.length || g.dangling.length ? 1 : 0;
}
