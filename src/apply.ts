import { computeChanges, readText, type Change } from './changes.js';
import type { Context } from './context.js';
import { planRepo, type RepoModel } from './plan/index.js';
import { recordFiles, recordPaths } from './records.js';
import { checkWritable, commitChanges } from './write.js';

/** Plans the whole repository from `model`, then writes what differs (or, with --dry-run, says so). */
export async function applyModel(ctx: Context, model: RepoModel): Promise<Change[]> {
  const plan = await planRepo(model);
  const { changes, manifest } = await computeChanges(ctx.dest, plan, recordFiles(model));
  const current = changes.find((c) => c.path === recordPaths.manifest);
  if (!current) {
    const existing = await readText(ctx.dest, recordPaths.manifest);
    const action = existing === undefined ? 'create' : existing === manifest ? 'unchanged' : 'update';
    changes.push({ path: recordPaths.manifest, unit: 'records', mode: 'record', action, current: existing, desired: manifest });
  }
  await checkWritable(changes, ctx);
  const touched = changes.filter((c) => c.action !== 'unchanged');
  for (const c of touched) ctx.out(`${ctx.dryRun ? 'would ' : ''}${c.action} ${c.path}${c.conflict ? ' (--force)' : ''}`);
  if (!ctx.dryRun) await commitChanges(ctx.dest, changes);
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  ctx.out(
    `${ctx.dryRun ? 'dry run, nothing written: ' : ''}${count('create')} created, ${count('update')} updated, ${count('delete')} deleted, ${count('unchanged')} unchanged in ${ctx.dest}`,
  );
  return changes;
}
