import { isDeepStrictEqual } from 'node:util';
import { appFields, appSchema } from '../../schema/app.js';
import { type Answers, fillDefaults } from '../../schema/fields.js';
import { validateAnswers } from '../answers.js';
import { applyModel, lockedRun } from '../apply.js';
import type { Context } from '../context.js';
import { didYouMean } from '../suggest.js';
import { InputError } from '../errors.js';
import { promptedRun } from '../interactive.js';
import { appNextSteps } from '../next-steps.js';
import { loadModel } from '../records.js';
import { declaredObjects } from '../repo-choices.js';

/**
 * `new-app`: records one app's answers (validated against the repo's clusters), then writes the
 * tree. For an app already recorded, its answers are the defaults and what differs is applied as
 * an update, shown as a diff (the same as new-cluster for a recorded cluster).
 */
export async function newApp(ctx: Context, given: Answers) {
  const known = new Set(appFields.map((f) => f.name));
  for (const k of Object.keys(given)) if (!known.has(k)) throw new InputError(`${k}: unknown answer for new-app${didYouMean(k, [...known])}`);
  const first = ctx.prompt ? await loadRecorded(ctx) : undefined;
  return promptedRun(ctx, 'new-app', appFields, given, first, (answers) =>
    // The lock is held from this read of the records to the end of the write: concurrent runs each add to what the others wrote.
    lockedRun(ctx, 'new-app', !ctx.dryRun, async () => {
      const model = await loadRecorded(ctx);
      const name = answers.name;
      if (name === undefined) throw new InputError('name: is required (--name <app>)');
      const recorded = model.apps.find((a) => a.name === name);
      const others = model.apps.filter((a) => a.name !== name);
      // A new app's namespace declared in a file of the user's gets no Namespace of the tool's (createNamespace).
      const declaredNamespaces = recorded ? undefined : (await declaredObjects(ctx.dest)).namespaces;
      const appCtx = { repo: model.repo, clusters: model.clusters, others, declaredNamespaces };
      const raw = fillDefaults(appFields, { ...recorded, ...answers }, appCtx);
      const app = validateAnswers(appSchema(appCtx), raw, '', new Set(Object.keys(answers)));
      const next = { ...model, apps: [...others, app].sort((a, b) => a.name.localeCompare(b.name)) };
      // The other apps' own files follow from their own answers, which this run does not change: it
      // compares this app's files and the shared ones only (regen --check compares everything).
      const frozen = (unit: string) => unit.startsWith('app/') && unit !== `app/${app.name}`;
      const changes = await applyModel(ctx, next, { diffs: recorded !== undefined && !isDeepStrictEqual(recorded, app), frozen });
      if (!ctx.json) for (const line of appNextSteps(next, app)) ctx.out(line);
      return changes;
    }),
  );
}

async function loadRecorded(ctx: Context) {
  const model = await loadModel(ctx.dest);
  if (!model || model.clusters.length === 0) throw new InputError(`cluster: no cluster is recorded in ${ctx.dest}: run new-cluster first`);
  return model;
}
