import { unifiedDiff } from '../diff.js';
import { reportChanges } from '../report.js';
import { computeChanges, parseManifest, type Change } from '../changes.js';
import { lockedRun } from '../apply.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { TOOL } from '../paths.js';
import { planRepo } from '../plan/index.js';
import { loadModel, recordFiles, recordPaths } from '../records.js';
import { reportSupport } from '../support.js';
import { checkWritable, commitChanges } from '../write.js';

/** One line per drifted file: what differs and what `regen` would do about it. */
function describe(c: Change): string {
  if (c.conflict === 'leftover' && c.mode === 'owned')
    return "orphan: no recorded unit produces it now, and it is not provably the tool's (changed since it was written, or outside the tool's directories): regen never deletes it; delete or move it by hand";
  if (c.conflict === 'leftover') return `still holds entries for ${c.unit}, which is no longer recorded: remove them (or the file) by hand`;
  if (c.path === recordPaths.manifest) {
    if (c.current === undefined) return 'missing (regen writes it)';
    const { added, removed } = manifestDelta(c);
    return `out of date (${added} entries to add, ${removed} to remove)`;
  }
  if (c.action === 'create') return 'missing (regen writes it)';
  if (c.action === 'delete') return 'orphan: no recorded unit produces it now (regen deletes it)';
  if (c.mode === 'owned') return c.conflict === 'edited' ? 'changed by hand' : c.conflict === 'foreign' ? 'not written by the tool' : 'out of date';
  if (c.mode === 'patched') return "the tool's entries are missing or differ";
  return 'out of date (regen records the answers in canonical form: defaults filled in, comments dropped)';
}

/** `regen`: re-render every recorded unit; `--check` reports drift (exit 1), otherwise rewrites it. */
export async function regen(ctx: Context, opts: { check: boolean }): Promise<number> {
  // Writing runs hold the repo lock from reading the records to the end of the write; a check
  // (which must not write, not even the lock) refuses a tree with a write pending or interrupted.
  return lockedRun(ctx, 'regen', !opts.check && !ctx.dryRun, () => regenLocked(ctx, opts));
}

async function regenLocked(ctx: Context, opts: { check: boolean }): Promise<number> {
  const started = Date.now();
  const model = await loadModel(ctx.dest);
  if (!model) throw new InputError(`${recordPaths.repo}: missing: nothing is recorded in ${ctx.dest} (run new-cluster first)`);
  reportSupport(ctx, model.repo);
  const units = 1 + model.clusters.length + model.apps.length;
  const progress = ctx.progress ?? (() => {});
  let changes: Change[];
  try {
    let rendered = 0;
    const plan = await planRepo(model, (unit) => progress(`regen: rendering ${++rendered}/${units} ${unit}`));
    progress('regen: comparing with the tree');
    changes = await computeChanges(ctx.dest, plan, recordFiles(plan.model));
  } finally {
    progress();
  }
  // The manifest's hashes follow the files (patched ones are the user's to edit): a check compares its entries only.
  const hashesOnly = (c: Change) => {
    if (c.path !== recordPaths.manifest || c.current === undefined) return false;
    const { added, removed } = manifestDelta(c);
    return added === 0 && removed === 0;
  };
  const drift = changes.filter((c) => (c.action !== 'unchanged' || c.conflict === 'leftover') && !hashesOnly(c));
  const summary = () =>
    `regen${opts.check ? ' --check' : ''}: ${units} units, ${changes.length} files compared, ${drift.length} drifted (${Date.now() - started} ms)`;

  if (opts.check) {
    for (const c of drift) {
      ctx.out(`${c.path}: ${describe(c)}`);
      // Whole-file creations and deletions are named, not printed; the manifest follows the files.
      if (c.action === 'update' && c.path !== recordPaths.manifest) ctx.out(unifiedDiff(c));
    }
    ctx.out(summary());
    if (drift.length) {
      const byHand = drift.some((c) => c.conflict === 'edited' || c.conflict === 'foreign');
      const first = drift.some((c) => c.conflict === 'leftover') ? 'Remove the leftover entries named above, then run' : 'Run';
      ctx.out(`${first} \`${TOOL} regen\` to bring the tree in line with the answers${byHand ? ' (--force for the files changed by hand)' : ''}.`);
    }
    return drift.length ? 1 : 0;
  }
  await checkWritable(changes, { dest: ctx.dest, force: ctx.force, allowDirty: ctx.allowDirty, fs: ctx.fs });
  for (const c of changes.filter((x) => x.conflict === 'leftover')) ctx.out(`note: ${c.path}: ${describe(c)}`);
  reportChanges(ctx, changes);
  if (!ctx.dryRun) await commitChanges(ctx.dest, changes, { fs: ctx.fs, interrupts: ctx.interrupts });
  if (!ctx.json) ctx.out(summary());
  return 0;
}

/**
 * What the manifest would gain and lose (path, unit, mode). Its hashes and version follow the files,
 * so a change to those alone is no drift. computeChanges has already refused a damaged manifest.
 */
function manifestDelta(c: Change): { added: number; removed: number } {
  const keys = (text: string | undefined) => new Set([...parseManifest(text).values()].map((e) => `${e.path}|${e.unit}|${e.mode}`));
  const before = keys(c.current);
  const after = keys(c.desired);
  return { added: [...after].filter((k) => !before.has(k)).length, removed: [...before].filter((k) => !after.has(k)).length };
}
