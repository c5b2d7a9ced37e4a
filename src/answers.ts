import type { z } from 'zod';
import { credentialIn } from '../schema/credentials.js';
import { InputError, shown } from './errors.js';

/**
 * A field's path as an error line shows it: `parameters.work_mem`, but a map key that is not a
 * plain name (a line break, a space, a quote) in JSON brackets, so the line stays one line.
 */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (/^[\w.-]+$/.test(String(p)) ? `${i ? '.' : ''}${String(p)}` : `[${shown(String(p), 40)}]`)).join('');
}

/** A broken answer as its error line says it; `field` is the answer (the path's first key) it belongs to. */
export interface AnswerIssue {
  field: string;
  line: string;
  /** The rule's words alone (a list shows them beside the choice they refuse). */
  message: string;
}

/** One line per broken answer (the first rule each breaks): the field, the rule, the value. */
export function answerIssues(where: string, issues: readonly z.core.$ZodIssue[], data: unknown): AnswerIssue[] {
  const lines = new Map<string, AnswerIssue>();
  for (const issue of issues) {
    const path = issue.path.map(String);
    let value: unknown = data;
    for (const p of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[p] : undefined;
    const field = path.length ? fieldPath(path) : '(answers)';
    if (lines.has(field)) continue;
    const got = value === undefined ? 'missing' : `got ${shown(value)}`;
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown answer(s) ${issue.keys.join(', ')}`
        : value === undefined
          ? issue.message.startsWith('is required') ? issue.message : 'is required (it has no default)'
          : issue.message;
    lines.set(field, { field: path[0] ?? '(answers)', line: `${where}${field}: ${message} (${got})`, message });
  }
  return [...lines.values()];
}

/** Every broken answer, one line each; a default derived from a broken answer given (`cluster-Bad` from `Bad`) is not named on top of it. */
export function answerError(where: string, error: z.ZodError, data: unknown, given?: ReadonlySet<string>): InputError {
  const givenBroken = given && error.issues.some((i) => given.has(String(i.path[0])));
  const issues = givenBroken ? error.issues.filter((i) => given.has(String(i.path[0]))) : error.issues;
  return new InputError(answerIssues(where, issues, data).map((i) => i.line).join('\n'));
}

/**
 * What no answer may hold: line breaks and other control characters (C0, DEL, C1 with NEL), the
 * Unicode line/paragraph separators, a BOM, non-characters and lone surrogates. YAML 1.1 readers
 * (go-yaml v2, as Kubernetes decodes) fold or reject them, so no quoting carries them through
 * kustomize's re-serialisation; every answer is one line.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|\p{Cs}/u;

/**
 * Rules for every string answer, wherever it sits (a list item, a map value): one line, no
 * padding (a space around a name is a typo, never trimmed silently), no credential. Checked
 * before the schema so a pasted secret is named as such and never echoed.
 */
export function screenStrings(where: string, data: unknown): void {
  const visit = (value: unknown, path: string[], field: string): void => {
    if (typeof value === 'string') {
      const at = `${where}${fieldPath(path)}`;
      if (CONTROL.test(value)) throw new InputError(`${at}: must be one line without control characters (got ${shown(value)})`);
      if (value !== value.trim()) throw new InputError(`${at}: must not start or end with spaces (got ${shown(value)})`);
      const why = credentialIn(value, field);
      if (why)
        throw new InputError(`${at}: must not hold a credential (found ${why}): answers only name Secrets and secret-store items; keep the value in the secret store (got a value of ${value.length} characters, not shown)`);
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, String(i)], field));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        // A map's keys are answers too (a parameter's name): one line, like its values.
        if (path.length && CONTROL.test(k)) throw new InputError(`${where}${fieldPath(path)}: keys must be one line without control characters (got ${shown(k)})`);
        visit(v, [...path, k], path.length ? field : k);
      }
  };
  visit(data, [], '');
}

/** Validates answers; throws an InputError with a line for each broken answer. */
export function validateAnswers<T>(schema: z.ZodType<T>, data: unknown, where: string, given?: ReadonlySet<string>): T {
  screenStrings(where, data);
  const result = schema.safeParse(data);
  if (!result.success) throw answerError(where, result.error, data, given);
  return result.data;
}
