import type { Answers, Field } from '../schema/fields.js';
import { coerce, fillDefaults } from '../schema/fields.js';

/** An inquirer question (the shape plop's prompts take) built from an answer field. */
export interface Question {
  type: 'input' | 'confirm' | 'list' | 'number';
  name: string;
  message: string;
  choices?: readonly string[];
  default?: (answers: Answers) => unknown;
  when?: (answers: Answers) => boolean;
  filter?: (value: unknown) => unknown;
  validate?: (value: unknown) => true | string;
}

/**
 * Questions for the fields not already answered by flags or an answers file; each default is the
 * same default `--yes` would take, computed from the answers so far.
 */
export function questionsFor<Ctx>(
  fields: readonly Field<Ctx>[],
  known: Answers,
  ctxOf: (answers: Answers) => Ctx,
  choices: Record<string, readonly string[]> = {},
): Question[] {
  const soFar = (answers: Answers) => fillDefaults(fields, { ...known, ...answers }, ctxOf({ ...known, ...answers }));
  return fields
    .filter((f) => known[f.name] === undefined)
    .map((f) => {
      const list = choices[f.name] ?? f.choices;
      // A list of maps (tolerations) is shown as the JSON flow text its flag takes.
      const display = (v: unknown) =>
        f.kind === 'objects' ? JSON.stringify(v) : Array.isArray(v) ? v.join(',') : v && typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k}=${x}`).join(',') : v;
      return {
        type: f.kind === 'bool' ? 'confirm' : list ? 'list' : 'input',
        name: f.name,
        message: f.message,
        ...(list ? { choices: list } : {}),
        default: (answers: Answers) => display(soFar(answers)[f.name]),
        when: (answers: Answers) => (f.when ? f.when(soFar(answers), ctxOf({ ...known, ...answers })) : true),
        validate: (value: unknown) => (f.default || (value !== undefined && value !== '') ? true : `${f.name} is required`),
        filter: (value: unknown) => coerce(f as Field<unknown>, value),
      } satisfies Question;
    });
}
