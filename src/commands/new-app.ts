import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { appFields, appSchema } from '../../schema/app.js';
import { type Answers, coerce, fillDefaults } from '../../schema/fields.js';
import { screenStrings, validateAnswers } from '../answers.js';
import { applyModel, lockedRun } from '../apply.js';
import type { Context } from '../context.js';
import { didYouMean } from '../suggest.js';
import { InputError, shown } from '../errors.js';
import { appNextSteps } from '../next-steps.js';
import { loadModel } from '../records.js';

/** `new-app`: records one app's answers (validated against the repo's clusters), then writes the tree. */
export async function newApp(ctx: Context, given: Answers) {
  const known = new Set(appFields.map((f) => f.name));
  for (const k of Object.keys(given)) if (!known.has(k)) throw new InputError(`${k}: unknown answer for new-app${didYouMean(k, [...known])}`);
  // Prompts come first, outside the lock (a user may take minutes); their defaults use a first read.
  const answers = ctx.prompt ? { ...given, ...(await ctx.prompt('new-app', given, { ctx: await loadRecorded(ctx) })) } : given;
  // The lock is held from this read of the records to the end of the write: concurrent runs each add to what the others wrote.
  return lockedRun(ctx, 'new-app', !ctx.dryRun, async () => {
    const model = await loadRecorded(ctx);
    const name = answers.name;
    if (name === undefined) throw new InputError('name: is required (--name <app>)');
    const recorded = model.apps.find((a) => a.name === name);
    if (recorded) {
      // Before any message repeats a given value: a credential in it is refused unseen.
      screenStrings('', answers);
      // Re-running with the same answers is a no-op; other answers for an onboarded app are refused.
      // Compared as they would be recorded: `./x/` is the recorded path `x`.
      const fieldRules = appSchema({ repo: model.repo, clusters: model.clusters, others: [] }).shape as Record<string, z.ZodType>;
      for (const f of appFields) {
        if (answers[f.name] === undefined) continue;
        const given = coerce(f as never, answers[f.name]);
        const parsed = fieldRules[f.name]?.safeParse(given);
        const value = parsed?.success ? parsed.data : given;
        if (!isDeepStrictEqual(value, (recorded as Record<string, unknown>)[f.name]))
          throw new InputError(
            `${f.name}: app ${recorded.name} is already onboarded with ${shown((recorded as Record<string, unknown>)[f.name])} (got ${shown(value)}); edit .cnpg/answers/apps/${recorded.name}.yaml and run regen to change it`,
          );
      }
    }
    const others = model.apps.filter((a) => a.name !== name);
    const appCtx = { repo: model.repo, clusters: model.clusters, others };
    const raw = fillDefaults(appFields, { ...recorded, ...answers }, appCtx);
    const app = validateAnswers(appSchema(appCtx), raw, '', new Set(Object.keys(answers)));
    const next = { ...model, apps: [...others, app].sort((a, b) => a.name.localeCompare(b.name)) };
    const changes = await applyModel(ctx, next);
    if (!ctx.json) for (const line of appNextSteps(next, app)) ctx.out(line);
    return changes;
  });
}

async function loadRecorded(ctx: Context) {
  const model = await loadModel(ctx.dest);
  if (!model || model.clusters.length === 0) throw new InputError(`cluster: no cluster is recorded in ${ctx.dest}: run new-cluster first`);
  return model;
}
