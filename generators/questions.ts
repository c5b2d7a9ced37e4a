import type { AnswerSchema, Answers, Field } from '../schema/fields.js';
import { coerce, fillDefaults } from '../schema/fields.js';
import { type AnswerIssue, answerIssues, screenStrings } from '../src/answers.js';
import { CliError } from '../src/errors.js';

/** A list choice as inquirer takes it; `disabled` shows why the rules refuse it. */
export interface Choice {
  name: string;
  value: unknown;
  disabled?: string;
}

/** An inquirer question (the shape plop's prompts take) built from an answer field. */
export interface Question {
  type: 'input' | 'list';
  name: string;
  message: string;
  choices?: (answers: Answers) => Choice[];
  default?: (answers: Answers) => unknown;
  when?: (answers: Answers) => boolean;
  validate?: (value: unknown, answers?: Answers) => true | string;
  /** The "other" follow-up asks again a name its list already answered. */
  askAnswered?: boolean;
}

/** One unit's answers as the prompts ask them: new-cluster asks the repository's, then the cluster's. */
export interface QuestionPart<Ctx> {
  spec: AnswerSchema<Ctx, unknown>;
  /** What the unit's rules are checked against, given the answers so far (known ones included). */
  ctxOf: (answers: Answers) => Ctx;
  /** The summary's heading for this part ("cluster postgres"). */
  title: (answers: Answers) => string;
  /** The recorded unit these answers are for (a re-run): its answers are the defaults. */
  recorded?: (answers: Answers) => Answers | undefined;
  /** Answers a stopped run kept, under review: the defaults ahead of the recorded ones. */
  saved?: Answers;
  /** Values found in the repository for a free-text answer (namespace folders, secret stores), offered with "other". */
  offered?: Record<string, readonly string[]>;
  /** The only answers a field takes (the recorded clusters). */
  choices?: Record<string, readonly string[]>;
  /** The part is not asked at all while this holds (crds-only records no cluster). */
  skip?: (answers: Answers) => boolean;
}

/** The list entry that asks for a value of one's own. */
export const OTHER = '<other>';

const typedOnly = (answers: Answers): Answers => Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== OTHER));

/** A default as the input line shows it: a list of maps (tolerations) as the JSON flow text its flag takes. */
function display(f: Field<unknown>, v: unknown): unknown {
  if (f.kind === 'objects') return JSON.stringify(v);
  if (Array.isArray(v)) return v.join(',');
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${x}`).join(',');
  return v;
}

/**
 * The rules of one part, checked as the prompts go: the unit's own zod schema (the one the command
 * validates with), over the answers so far with the rest at their defaults.
 */
export function partRules<Ctx>(part: QuestionPart<Ctx>, known: Answers) {
  const { spec, ctxOf } = part;
  const merged = (answers: Answers): Answers => {
    const typed = { ...known, ...typedOnly(answers) };
    return { ...part.recorded?.(typed), ...part.saved, ...typed };
  };
  const soFar = (answers: Answers) => {
    const all = merged(answers);
    return fillDefaults(spec.fields, all, ctxOf(all));
  };
  const issuesOf = (answers: Answers): AnswerIssue[] => {
    const all = merged(answers);
    const ctx = ctxOf(all);
    const data = fillDefaults(spec.fields, all, ctx);
    const result = spec.schema(ctx).safeParse(data);
    return result.success ? [] : answerIssues('', result.error.issues, data);
  };
  /**
   * Why `value` cannot answer `f` after `answers`: its own rules, and rules across answers the moment
   * both are known (a rule it newly breaks on an answer given before it). Empty when it can.
   */
  const problems = (f: Field<Ctx>, value: unknown, answers: Answers): AnswerIssue[] => {
    const field = f as Field<unknown>;
    let typed: unknown;
    try {
      typed = coerce(field, value);
      screenStrings('', { [f.name]: typed });
    } catch (e) {
      if (e instanceof CliError) return [{ field: f.name, line: e.message, message: e.message.replace(/^[^:]*: /, '') }];
      throw e;
    }
    const without = Object.fromEntries(Object.entries(answers).filter(([k]) => k !== f.name));
    const before = new Set(issuesOf(without).map((i) => i.line));
    const answered = (k: string) => known[k] !== undefined || (without[k] !== undefined && without[k] !== OTHER);
    return issuesOf({ ...without, [f.name]: typed }).filter((i) => i.field === f.name || (answered(i.field) && !before.has(i.line)));
  };
  /** Answers given by flags or a file that already break a rule: refused before the first prompt. */
  const brokenKnown = (): string[] => issuesOf({}).filter((i) => known[i.field] !== undefined).map((i) => i.line);
  return { soFar, problems, brokenKnown, merged, issuesOf };
}

/**
 * Questions for the fields not already answered by flags or an answers file. Each default is the
 * one `--yes` would take (the recorded unit's answer on a re-run); each answer is checked by the
 * unit's rules and asked again with the rule's message; a refused list choice shows why.
 */
export function questionsFor<Ctx>(part: QuestionPart<Ctx>, known: Answers): Question[] {
  const { soFar, problems, merged, issuesOf } = partRules(part, known);
  const fields = part.spec.fields;
  const lines = (issues: AnswerIssue[]) => (issues.length ? issues.map((i) => i.line).join('; ') : true);
  return fields
    .filter((f) => known[f.name] === undefined)
    .flatMap((f): Question[] => {
      const field = f as Field<unknown>;
      const when = (answers: Answers) => {
        const all = merged(answers);
        if (part.skip?.(all) || (f.when && !f.when(soFar(answers), part.ctxOf(all)))) return false;
        // No default and none needed (Argo CD's answers under Flux): the answer stays absent, unasked.
        return soFar(answers)[f.name] !== undefined || issuesOf(answers).some((i) => i.field === f.name);
      };
      const validate = (value: unknown, answers: Answers = {}) => lines(problems(f, value, answers));
      const fixed = part.choices?.[f.name] ?? f.choices ?? (f.kind === 'bool' ? [true, false] : undefined);
      const offered = part.offered?.[f.name] ?? [];
      const input: Question = { type: 'input', name: f.name, message: f.message, default: (answers) => display(field, soFar(answers)[f.name]), when, validate };
      if (!fixed && !offered.length) return [input];
      const values = (answers: Answers): unknown[] => {
        if (fixed) return [...fixed];
        const current = soFar(answers)[f.name];
        return [...new Set([...(current === undefined || current === '' ? [] : [current]), ...offered])];
      };
      const choices = (answers: Answers): Choice[] => {
        const items = values(answers).map((v): Choice => {
          const found = problems(f, v, answers);
          const name = f.kind === 'bool' ? (v ? 'yes' : 'no') : String(v);
          return found.length ? { name, value: v, disabled: found.map((i) => (i.field === f.name ? i.message : i.line)).join('; ') } : { name, value: v };
        });
        // Every choice refused: the cause is an earlier answer, which the final check names.
        const open = items.every((c) => c.disabled) ? items.map(({ name, value }) => ({ name, value })) : items;
        return fixed ? open : [...open, { name: 'other (type it)', value: OTHER }];
      };
      const list: Question = {
        type: 'list',
        name: f.name,
        message: f.message,
        choices,
        // The default choice, unless the rules refuse it (then the first they take).
        default: (answers) => {
          const all = choices(answers);
          const current = soFar(answers)[f.name];
          // No default (a new app's name): the user types one.
          if (current === undefined && !fixed) return OTHER;
          return all.find((c) => c.value === current && !c.disabled)?.value ?? all.find((c) => !c.disabled)?.value;
        },
        when,
      };
      if (fixed) return [list];
      return [list, { ...input, message: `${f.message} (type it)`, default: undefined, askAnswered: true, when: (answers) => answers[f.name] === OTHER && when(answers) }];
    });
}
