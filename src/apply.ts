import { computeChanges, type Change } from './changes.js';
import type { Context } from './context.js';
import { planRepo, type RepoModel } from './plan/index.js';
import { recordFiles } from './records.js';
import { checkWritable, commitChanges } from './write.js';

/** Plans the whole repository from `model`, then writes what differs (or, with --dry-run, says so). */
export async function applyModel(ctx: Context, model: RepoModel): Promise<Change[]> {
  const plan = await planRepo(model);
  const changes = await computeChanges(ctx.dest, plan, recordFiles(model));
  await checkWritable(changes, { dest: ctx.dest, force: ctx.force, allowDirty: ctx.allowDirty });
  const touched = changes.filter((c) => c.action !== 'unchanged');
  for (const c of touched) ctx.out(`${ctx.dryRun ? 'would ' : ''}${c.action} ${c.path}${c.conflict ? ' (--force)' : ''}`);
  if (!ctx.dryRun) await commitChanges(ctx.dest, changes);
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  ctx.out(
    `${ctx.dryRun ? 'dry run, nothing written: ' : ''}${count('create')} created, ${count('update')} updated, ${count('delete')} deleted, ${count('unchanged')} unchanged in ${ctx.dest}`,
  );
  return changes;
}
