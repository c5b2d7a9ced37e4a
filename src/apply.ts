import { resolve } from 'node:path';
import { computeChanges, type Change } from './changes.js';
import type { Context } from './context.js';
import { planRepo, type RepoModel } from './plan/index.js';
import { recordFiles } from './records.js';
import { WORKFLOW_PATH } from './plan/repo-files.js';
import { gitPrefix } from './git.js';
import { checkWritable, commitChanges } from './write.js';
import { nodeFs } from './fs-seam.js';
import { Interrupts } from './interrupts.js';
import { recoverInterrupted, refuseIfInterrupted } from './journal.js';
import { withRepoLock } from './lock.js';
import { resolveReal } from './targets.js';
import { reportChanges, summaryLine } from './report.js';

/**
 * Runs a command's read-plan-write under the repository lock, after undoing what a killed run
 * left half-done. A run that writes nothing (--dry-run, regen --check) takes no lock (it must
 * not write, not even .cnpg/) and refuses a tree with a transaction pending instead.
 */
export async function lockedRun<T>(ctx: Context, command: string, writes: boolean, fn: () => Promise<T>): Promise<T> {
  const fs = ctx.fs ?? nodeFs;
  if (!writes) {
    await refuseIfInterrupted(fs, ctx.dest);
    return fn();
  }
  return withRepoLock(ctx.dest, { fs, command, out: ctx.out, interrupts: ctx.interrupts }, async () => {
    // Journal paths are relative to the real root, resolved as commitChanges resolves it. A signal waits until the undo is complete.
    const note = await (ctx.interrupts ?? new Interrupts()).critical(
      async () => recoverInterrupted(fs, await resolveReal(fs, resolve(ctx.dest))),
      (undone) => (undone ? 'an interrupted earlier run was undone; nothing else was changed' : undefined),
    );
    if (note) ctx.out(`note: ${note}`);
    return fn();
  });
}

/**
 * Plans the whole repository from `model`, then writes what differs (or, with --dry-run, says so).
 * `diffs`: a writing run shows each update as a diff too (a recorded unit answered differently).
 * `frozen`: units whose own files are kept as the manifest records them (see computeChanges).
 */
export async function applyModel(ctx: Context, model: RepoModel, { diffs = false, frozen }: { diffs?: boolean; frozen?: (unit: string) => boolean } = {}): Promise<Change[]> {
  const plan = await planRepo(model);
  const changes = await computeChanges(ctx.dest, plan, recordFiles(plan.model), { frozen });
  await checkWritable(changes, { dest: ctx.dest, force: ctx.force, allowDirty: ctx.allowDirty, fs: ctx.fs });
  const touched = changes.filter((c) => c.action !== 'unchanged');
  const prefix = touched.some((c) => c.action === 'create' && c.path === WORKFLOW_PATH) ? workTreePrefix(ctx) : '';
  reportChanges(ctx, changes, diffs);
  if (!ctx.dryRun) await commitChanges(ctx.dest, changes, { fs: ctx.fs, interrupts: ctx.interrupts });
  if (ctx.json) return changes;
  if (prefix) ctx.out(`note: GitHub runs workflows only from the repository root: move ${WORKFLOW_PATH} there and give its job \`defaults: {run: {working-directory: ${prefix.replace(/\/$/, '')}}}\``);
  ctx.out(summaryLine(ctx, changes));
  return changes;
}

/**
 * For the workflow note only. Asked before writing, so a git failure stops the run with nothing
 * written; with --allow-dirty the user chose to write without git's help: the failure is named in a
 * note, not hidden, and the run goes on.
 */
function workTreePrefix(ctx: Context): string | undefined {
  try {
    return gitPrefix(ctx.dest);
  } catch (e) {
    if (!ctx.allowDirty) throw e;
    ctx.out(`note: ${(e as Error).message} (--allow-dirty: writing without git; the workflow's working directory is not checked)`);
    return undefined;
  }
}
