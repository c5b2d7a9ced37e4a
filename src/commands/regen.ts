import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';
import { computeChanges, serializeManifest, type Change } from '../changes.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { planRepo } from '../plan/index.js';
import { RECORD_DIR, loadModel, recordFiles, recordPaths } from '../records.js';
import { checkWritable, commitChanges } from '../write.js';

const KIND: Record<string, string> = { create: 'missing', update: 'changed', delete: 'orphan' };

function colour(patch: string): string {
  if (!process.stdout.isTTY) return patch;
  return patch
    .split('\n')
    .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? pc.green(l) : l.startsWith('-') && !l.startsWith('---') ? pc.red(l) : l.startsWith('@@') ? pc.cyan(l) : l))
    .join('\n');
}

function describe(c: Change): string {
  if (c.action === 'update' && c.mode === 'owned') return c.conflict === 'edited' ? 'changed by hand' : c.conflict === 'foreign' ? 'not written by the tool' : 'out of date';
  if (c.action === 'update' && c.mode === 'patched') return "the tool's entries are missing or differ";
  return KIND[c.action] ?? c.action;
}

/** `regen`: re-render every recorded unit; `--check` reports drift (exit 1), otherwise rewrites it. */
export async function regen(ctx: Context, opts: { check: boolean }): Promise<number> {
  const started = Date.now();
  const model = await loadModel(ctx.dest);
  if (!model) throw new InputError(`${RECORD_DIR}/answers: no recorded answers in ${ctx.dest} (run new-cluster first)`);
  const plan = await planRepo(model);
  const changes = await computeChanges(ctx.dest, plan, recordFiles(model));
  // The manifest's hashes follow the files (patched ones are the user's to edit): a check compares its list of paths only.
  const hashesOnly = (c: Change) => c.path === recordPaths.manifest && c.current !== undefined && listOf(c.current) === listOf(c.desired!);
  const drift = changes.filter((c) => c.action !== 'unchanged' && !hashesOnly(c));
  const units = 1 + model.clusters.length + model.apps.length;
  const summary = () =>
    `regen${opts.check ? ' --check' : ''}: ${units} units, ${changes.length} files compared, ${drift.length} drifted (${Date.now() - started} ms)`;

  if (opts.check) {
    for (const c of drift) {
      ctx.out(`${c.path}: ${describe(c)}`);
      if (c.current !== undefined) {
        ctx.out(colour(createTwoFilesPatch(`a/${c.path}`, `b/${c.path}`, c.current ?? '', c.desired ?? '', 'on disk', 'generated', { context: 3 })).trimEnd());
      }
    }
    ctx.out(summary());
    return drift.length ? 1 : 0;
  }
  await checkWritable(changes, ctx);
  for (const c of changes.filter((x) => x.action !== 'unchanged')) ctx.out(`${ctx.dryRun ? 'would ' : ''}${c.action} ${c.path}`);
  if (!ctx.dryRun) await commitChanges(ctx.dest, changes);
  ctx.out(summary());
  return 0;
}

const listOf = (manifestText: string): string => {
  try {
    return serializeManifest((JSON.parse(manifestText).files ?? []).map((f: { path: string; mode: string; unit: string }) => ({ path: f.path, mode: f.mode, unit: f.unit, sha256: '' })));
  } catch {
    return '';
  }
};
