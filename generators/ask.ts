import type { Answers } from '../schema/fields.js';
import { DeclinedError, InputError } from '../src/errors.js';
import { OTHER, type QuestionPart, partRules, questionsFor } from './questions.js';
import { promptSession } from './session.js';
import { summaryLines } from './summary.js';

/** inquirer's prompt as plop hands it over: the promise carries the UI, whose `answers` fill as the user answers. */
type Inquirer = { prompt: (questions: never) => Promise<Answers> & { ui?: { answers: Answers; rl?: { on: (event: 'SIGINT', listener: () => void) => void } } } };

const RESUME = [
  { name: 'resume: keep them and ask the rest', value: 'resume' },
  { name: 'review: ask every question, with them as the defaults', value: 'review' },
  { name: 'discard them', value: 'discard' },
];

/**
 * One interactive run: offers the answers a stopped run kept, refuses given answers that already
 * break a rule, asks the rest (each checked as it is typed), shows the summary and asks to go on.
 */
export async function askAnswers(inquirer: Inquirer, partsFor: (saved: Answers | undefined) => QuestionPart<unknown>[]): Promise<Answers> {
  const s = promptSession();
  // Ctrl-C in a prompt reaches readline, not the process: inquirer re-sends SIGINT, but with the
  // terminal released the process could end before handling it; the run's own handling starts here.
  const ask = (questions: unknown[]) => {
    const asked = inquirer.prompt(questions as never);
    asked.ui?.rl?.on('SIGINT', s.interrupt);
    return asked;
  };
  let known = s.known;
  let reviewed: Answers | undefined;
  if (s.saved) {
    const { use } = await ask([{ type: 'list', name: 'use', message: `Answers kept from a run that stopped (${s.saved.path})`, choices: RESUME }]);
    if (use === 'resume') known = { ...s.saved.answers, ...known };
    else if (use === 'review') reviewed = s.saved.answers;
  }
  const parts = partsFor(reviewed);
  const broken = parts.flatMap((p) => partRules(p, known).brokenKnown());
  if (broken.length) throw new InputError(broken.join('\n'));
  const asking = ask(parts.flatMap((p) => questionsFor(p, known)));
  const typed = (answers: Answers) => ({ ...known, ...Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== OTHER)) });
  s.live(() => typed(asking.ui?.answers ?? {}));
  const answers = typed(await asking);
  s.out('');
  for (const line of summaryLines(parts, known, answers)) s.out(line);
  const { go } = await ask([{ type: 'confirm', name: 'go', message: s.dryRun ? 'Show what these answers would change (dry run)?' : `Write these answers to ${s.dest}?`, default: true }]);
  if (!go) throw new DeclinedError();
  return answers;
}
