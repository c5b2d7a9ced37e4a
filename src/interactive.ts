import type { Answers } from '../schema/fields.js';
import type { Context } from './context.js';
import type { RepoModel } from './plan/model.js';
import { repoChoices } from './repo-choices.js';
import { SavedAnswers } from './saved-answers.js';

/**
 * The interactive front of new-cluster and new-app, the same for both: the prompts (outside the
 * lock: a user may take minutes; their defaults and choices use a first read of the repository),
 * then `run` with the answers. Nothing typed is lost: when the run stops before it wrote (Ctrl-C,
 * a refusal, a conflict, "no" at the summary) or only showed what it would write (--dry-run), the
 * answers are kept outside the repository and the line says where; a run that wrote drops them.
 */
export async function promptedRun<T>(
  ctx: Context,
  command: 'new-cluster' | 'new-app',
  fields: readonly { name: string }[],
  given: Answers,
  model: RepoModel | undefined,
  run: (answers: Answers) => Promise<T>,
): Promise<T> {
  if (!ctx.prompt) return run(given);
  const store = ctx.stateHome ? new SavedAnswers(ctx.stateHome, ctx.dest, command) : undefined;
  const saved = await store?.load();
  let current = (): Answers => ({ ...saved, ...given });
  const keep = async () => {
    const path = await store?.save(current(), new Set(fields.map((f) => f.name)));
    if (path) ctx.out(`note: your answers are kept in ${path}: the next run of ${command} offers them, or pass --answers ${path}`);
  };
  const unregister = ctx.interrupts?.onInterrupt(keep);
  try {
    const input = {
      model,
      choices: await repoChoices(ctx.dest, model),
      ...(saved && store ? { saved: { path: store.path, answers: saved } } : {}),
      out: ctx.out,
      dest: ctx.dest,
      dryRun: ctx.dryRun,
      live: (answers: () => Answers) => {
        current = answers;
      },
      interrupt: () => ctx.interrupts?.receive('SIGINT'),
    };
    const answers = { ...given, ...(await ctx.prompt(command, given, input)) };
    current = () => answers;
    const result = await run(answers);
    if (ctx.dryRun) await keep();
    else await store?.drop();
    return result;
  } catch (e) {
    await keep();
    throw e;
  } finally {
    unregister?.();
  }
}
