import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { AppAnswers } from '../../schema/app.js';
import { lockedRun } from '../apply.js';
import { type Change, computeChanges, readText } from '../changes.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { removalNextSteps, removalMarkedSteps } from '../next-steps.js';
import { planRepo, type Plan, type RepoModel } from '../plan/index.js';
import { loadModel, recordFiles, recordPaths } from '../records.js';
import { planRemoval } from '../removal.js';
import { reportChanges, summaryLine } from '../report.js';
import { didYouMean } from '../suggest.js';
import { checkWritable, commitChanges } from '../write.js';

type Mode = NonNullable<AppAnswers['removal']>;

/**
 * `remove-app`: offboards one app. Where the cluster must first change (data dropped; a per-app
 * cluster's objects kept on prune), a first run records the removal as pending in the app's answers
 * and writes that change; the next run, once the cluster applied it, removes the files.
 */
export async function removeApp(ctx: Context, opts: { name: string | undefined; dropData: boolean }): Promise<Change[]> {
  return lockedRun(ctx, 'remove-app', !ctx.dryRun, async () => {
    const model = await loadModel(ctx.dest);
    if (!model) throw new InputError(`${recordPaths.repo}: missing: nothing is recorded in ${ctx.dest} (run new-cluster first)`);
    if (opts.name === undefined) throw new InputError('name: is required (--name <app>)');
    const app = model.apps.find((a) => a.name === opts.name);
    if (!app) {
      const names = model.apps.map((a) => a.name);
      throw new InputError(`name: no app ${JSON.stringify(opts.name)} is recorded${didYouMean(opts.name, names)} (recorded: ${names.join(', ') || 'none'})`);
    }
    const mode: Mode = opts.dropData ? 'drop-data' : 'retain';
    if (app.removal && app.removal !== mode)
      throw new InputError(
        `--drop-data: app ${app.name} is being removed with ${app.removal} (${recordPaths.app(app.name)}); run remove-app --name ${app.name}${app.removal === 'drop-data' ? ' --drop-data' : ''} to finish it`,
      );
    const marked: RepoModel = { ...model, apps: model.apps.map((a) => (a.name === app.name ? { ...a, removal: mode } : a)) };
    const markedPlan = await planRepo(marked);
    if (!app.removal && differs(await planRepo(model), markedPlan)) {
      const changes = await write(ctx, await computeChanges(ctx.dest, markedPlan, recordFiles(markedPlan.model)));
      if (!ctx.json) for (const line of removalMarkedSteps(marked, { ...app, removal: mode })) ctx.out(line);
      return changes;
    }
    const without = await planRepo({ ...model, apps: model.apps.filter((a) => a.name !== app.name) });
    const paths = [...markedPlan.files.map((f) => f.path), recordPaths.app(app.name)];
    const texts = new Map<string, string | undefined>();
    for (const p of [...paths, ...ancestorKustomizations(paths)]) if (!texts.has(p)) texts.set(p, await readText(ctx.dest, p));
    const below = new Map<string, string[]>();
    for (const dir of new Set(paths.map((p) => posix.dirname(p)))) below.set(dir, await filesBelow(ctx.dest, dir));
    const { changes, kept } = planRemoval({
      app: app.name,
      withApp: markedPlan,
      without,
      changes: await computeChanges(ctx.dest, without, recordFiles(without.model)),
      texts,
      filesBelow: (dir) => below.get(dir) ?? [],
    });
    await write(ctx, changes);
    if (!ctx.json) {
      for (const k of kept) ctx.out(`note: ${k.path}: ${k.why}`);
      for (const line of removalNextSteps(marked, { ...app, removal: mode }, kept.map((k) => k.path))) ctx.out(line);
    }
    return changes;
  });
}

/** True when marking the app for removal changes any file of the tree (the records aside). */
function differs(before: Plan, after: Plan): boolean {
  // Marking changes what the tool writes whole; the entries it keeps in users' files do not move.
  const text = (f: Plan['files'][number]) => (f.mode === 'patched' ? '' : f.contents);
  const was = new Map(before.files.map((f) => [f.path, text(f)]));
  return after.files.some((f) => was.get(f.path) !== text(f));
}

/** Checks, reports and (unless --dry-run) writes the changes, all or nothing. */
async function write(ctx: Context, changes: Change[]): Promise<Change[]> {
  await checkWritable(changes, { dest: ctx.dest, force: ctx.force, allowDirty: ctx.allowDirty, fs: ctx.fs });
  reportChanges(ctx, changes);
  if (!ctx.dryRun) await commitChanges(ctx.dest, changes, { fs: ctx.fs, interrupts: ctx.interrupts });
  if (ctx.json) return changes;
  ctx.out(summaryLine(ctx, changes));
  return changes;
}

/** The kustomization.yaml of every directory above these files (those that exist may list them). */
function ancestorKustomizations(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) for (let d = posix.dirname(p); d !== '.' && !dirs.has(d); d = posix.dirname(d)) dirs.add(d);
  return [...dirs, '.'].map((d) => posix.join(d, 'kustomization.yaml'));
}

/** Every file below `dir` (repository-relative), .git aside; none when it does not exist. */
async function filesBelow(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => posix.join(posix.relative(root, (e.parentPath ?? e.path).split('\\').join('/')), e.name)).filter((p) => !p.split('/').includes('.git'));
}
