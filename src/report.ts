import type { Change } from './changes.js';
import type { Context } from './context.js';
import { fileTree, unifiedDiff } from './diff.js';
import { recordPaths } from './records.js';

/**
 * What a run does to the tree. Writing: one line per file. `--dry-run`: the new files as a tree, a
 * unified diff per changed file, the deletions; `--dry-run --json`: one JSON document for scripts.
 * With `diffs`, a writing run shows each update's diff as well.
 */
export function reportChanges(ctx: Context, changes: readonly Change[], diffs = false): void {
  const touched = changes.filter((c) => c.action !== 'unchanged');
  if (ctx.json) {
    const files = touched.map((c) => ({ path: c.path, action: c.action, unit: c.unit, mode: c.mode, ...(c.conflict ? { conflict: c.conflict } : {}), ...(c.action === 'update' ? { diff: unifiedDiff(c, false) } : {}) }));
    ctx.out(JSON.stringify({ dryRun: true, dest: ctx.dest, files, unchanged: changes.length - touched.length }, null, 2));
    return;
  }
  if (!ctx.dryRun) {
    for (const c of touched) ctx.out(`${c.action} ${c.path}${c.conflict ? ' (--force)' : ''}${diffs ? diffOf(c) : ''}`);
    return;
  }
  const created = touched.filter((c) => c.action === 'create').map((c) => c.path);
  if (created.length) ctx.out(['would create:', ...fileTree(created).map((l) => `  ${l}`)].join('\n'));
  // The manifest's lines follow the files listed above: named, not printed.
  for (const c of touched.filter((x) => x.action === 'update'))
    ctx.out(`would update ${c.path}${c.conflict ? ' (--force)' : ''}${diffOf(c)}`);
  for (const c of touched.filter((x) => x.action === 'delete')) ctx.out(`would delete ${c.path}`);
}

/** An update's unified diff on the lines after its name; the manifest's lines follow the files listed: named, not printed. */
const diffOf = (c: Change): string => (c.action !== 'update' || c.path === recordPaths.manifest ? '' : `\n${unifiedDiff(c)}`);

/** The closing count of a writing run (or of what a dry run would do). */
export function summaryLine(ctx: Context, changes: readonly Change[]): string {
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  return `${ctx.dryRun ? 'dry run, nothing written: ' : ''}${count('create')} created, ${count('update')} updated, ${count('delete')} deleted, ${count('unchanged')} unchanged in ${ctx.dest}`;
}
