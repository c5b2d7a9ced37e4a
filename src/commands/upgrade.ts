import { applyModel, lockedRun } from '../apply.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { loadModel, recheckModel, recordPaths } from '../records.js';
import { reportSupport } from '../support.js';
import { planUpgrade, upgradeSteps, upgradeSummary } from '../upgrade.js';

/**
 * `upgrade`: moves the recorded answers to a newer release row (chart, operator, the default
 * image, the plugin) and writes the tree they give, under the lock, journaled, like every writing
 * command; `--dry-run` shows the diff. The steps the user takes next follow the changes.
 */
export async function upgrade(ctx: Context, opts: { to?: string }): Promise<number> {
  return lockedRun(ctx, 'upgrade', !ctx.dryRun, async () => {
    const model = await loadModel(ctx.dest);
    if (!model) throw new InputError(`${recordPaths.repo}: missing: nothing is recorded in ${ctx.dest} (run new-cluster first)`);
    const u = planUpgrade(model, opts.to);
    if (!u) {
      if (!ctx.json) ctx.out(`upgrade: already at chart ${model.repo.chartVersion} and plugin chart ${model.repo.pluginChartVersion}: nothing to do`);
      else ctx.out(JSON.stringify({ dryRun: true, dest: ctx.dest, files: [], unchanged: 0 }, null, 2));
      return 0;
    }
    // The new answers must hold under the new operator (its options, its CRDs) before anything is written.
    const next = recheckModel(u.next);
    reportSupport(ctx, next.repo);
    if (!ctx.json) ctx.out(upgradeSummary(u));
    await applyModel(ctx, next);
    if (!ctx.json) for (const line of upgradeSteps(u)) ctx.out(line);
    return 0;
  });
}
