import { isDeepStrictEqual } from 'node:util';
import type { Answers, Field } from '../schema/fields.js';
import { type QuestionPart, partRules } from './questions.js';

const shownValue = (v: unknown): string => (v === '' ? '""' : Array.isArray(v) || (v && typeof v === 'object') ? JSON.stringify(v) : String(v));

/**
 * The answers a run is about to record, part by part, as the summary before writing: every answer
 * that applies (asked, given or defaulted), and for a recorded unit what it was before.
 */
export function summaryLines(parts: readonly QuestionPart<unknown>[], known: Answers, answers: Answers): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const { soFar, merged } = partRules(part, known);
    const all = merged(answers);
    if (part.skip?.(all)) continue;
    const values = soFar(answers);
    const ctx = part.ctxOf(all);
    const recorded = part.recorded?.(all);
    lines.push(`${part.title(values)}${recorded ? ' (recorded: changes marked)' : ''}:`);
    for (const f of part.spec.fields as readonly Field<unknown>[]) {
      if (values[f.name] === undefined || (f.when && !f.when(values, ctx))) continue;
      const was = recorded && !isDeepStrictEqual(recorded[f.name], values[f.name]) ? ` (was ${shownValue(recorded[f.name])})` : '';
      lines.push(`  ${f.name}: ${shownValue(values[f.name])}${was}`);
    }
  }
  return lines;
}
