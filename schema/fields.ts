import type { z } from 'zod';

/**
 * One answer: its flag (same name), its prompt and its default. The zod schema next to each
 * field list holds the rules; this holds what the prompt, the flag parser and `--help` need.
 */
export interface Field<Ctx> {
  name: string;
  kind: 'string' | 'int' | 'bool' | 'list' | 'map' | 'enum';
  message: string;
  choices?: readonly string[];
  /** Default from earlier answers and the repository's records; absent means required. */
  default?: (answers: Answers, ctx: Ctx) => unknown;
  /** Asked only when this holds; the default is recorded otherwise. */
  when?: (answers: Answers, ctx: Ctx) => boolean;
}

export type Answers = Record<string, unknown>;

export interface AnswerSchema<Ctx, T> {
  unit: string;
  fields: readonly Field<Ctx>[];
  schema: (ctx: Ctx) => z.ZodType<T>;
}

/** Turns a flag's text into the field's type; YAML answers files are typed already. */
export function coerce(field: Field<unknown>, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  switch (field.kind) {
    case 'int':
      return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    case 'bool':
      if (/^(true|yes|on|1)$/i.test(value)) return true;
      if (/^(false|no|off|0)$/i.test(value)) return false;
      return value;
    case 'list':
      return value.trim() === '' ? [] : value.split(',').map((s) => s.trim()).filter(Boolean);
    case 'map':
      return Object.fromEntries(
        value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((kv) => {
            const i = kv.indexOf('=');
            return i < 0 ? [kv, ''] : [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
          }),
      );
    default:
      return value;
  }
}

/** Fills every answer not given, in field order, so later defaults see earlier answers. */
export function fillDefaults<Ctx>(fields: readonly Field<Ctx>[], given: Answers, ctx: Ctx): Answers {
  const out: Answers = {};
  for (const f of fields) {
    if (given[f.name] !== undefined) out[f.name] = coerce(f as Field<unknown>, given[f.name]);
    else if (f.default) out[f.name] = f.default(out, ctx);
  }
  return out;
}
