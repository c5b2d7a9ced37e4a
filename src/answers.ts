import type { z } from 'zod';
import { InputError, shown } from './errors.js';

/** One line for the first broken rule: the field, the rule, the value. */
export function answerError(where: string, error: z.ZodError, data: unknown): InputError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  let value: unknown = data;
  for (const p of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[p] : undefined;
  const field = path.length ? path.join('.') : '(answers)';
  const got = value === undefined ? 'missing' : `got ${shown(value)}`;
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown answer(s) ${issue.keys.join(', ')}`
      : value === undefined
        ? issue.message.startsWith('is required') ? issue.message : 'is required (it has no default)'
        : issue.message;
  return new InputError(`${where}${field}: ${message} (${got})`);
}

/** Validates answers; throws an InputError naming the first broken rule. */
export function validateAnswers<T>(schema: z.ZodType<T>, data: unknown, where: string): T {
  const result = schema.safeParse(data);
  if (!result.success) throw answerError(where, result.error, data);
  return result.data;
}
