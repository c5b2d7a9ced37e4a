import type { z } from 'zod';
import { parse } from 'yaml';
import { InputError } from '../src/errors.js';

/**
 * One answer: its flag (same name), its prompt and its default. The zod schema next to each
 * field list holds the rules; this holds what the prompt, the flag parser and `--help` need.
 */
export interface Field<Ctx> {
  name: string;
  /** `objects`: a list of maps (tolerations), given on a flag line as a YAML/JSON flow sequence. */
  kind: 'string' | 'int' | 'bool' | 'list' | 'map' | 'enum' | 'objects';
  message: string;
  choices?: readonly string[];
  /** Default from earlier answers and the repository's records; absent means required. */
  default?: (answers: Answers, ctx: Ctx) => unknown;
  /** How --help states a default that depends on the repository's files, which --help does not read. */
  shownDefault?: string;
  /** Asked only when this holds; the default is recorded otherwise. */
  when?: (answers: Answers, ctx: Ctx) => boolean;
}

export type Answers = Record<string, unknown>;

export interface AnswerSchema<Ctx, T> {
  unit: string;
  fields: readonly Field<Ctx>[];
  schema: (ctx: Ctx) => z.ZodType<T>;
}

/**
 * `k=v,k=v` as a map. A comma starts a new entry only where `key=` follows, so a value may hold
 * commas (`datestyle=iso, mdy` is one entry); an entry without `=` is refused, never read as ''.
 * Values are kept as given: padding is refused by the answer rules, not trimmed here.
 */
function parseMap(field: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === '') return out;
  for (const entry of text.split(/,\s*(?=[A-Za-z_][A-Za-z0-9_.$]*=)/)) {
    const i = entry.indexOf('=');
    if (i <= 0) throw new InputError(`${field}: each entry must be key=value (got ${JSON.stringify(entry.length > 80 ? `${entry.slice(0, 80)}...` : entry)})`);
    out[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return out;
}

/**
 * `[{key: a, operator: Exists}, ...]` as a list. Read as YAML 1.1, as the answers files are; the
 * items are checked by the field's schema, one by one, so an error names the item.
 */
function parseObjects(field: string, text: string): unknown {
  if (text === '') return [];
  let value: unknown;
  try {
    value = parse(text, { version: '1.1' });
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) throw new InputError(`${field}: must be a YAML or JSON list such as [{key: k, operator: Exists}] (got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text)})`);
  return value;
}

/** Turns a flag's text into the field's type; YAML answers files are typed already. */
export function coerce(field: Field<unknown>, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  switch (field.kind) {
    case 'int':
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case 'bool':
      if (/^(true|yes|on|1)$/i.test(value)) return true;
      if (/^(false|no|off|0)$/i.test(value)) return false;
      return value;
    case 'list':
      // Spaces after a separating comma are layout; an item's own padding is refused later.
      return value === '' ? [] : value.split(/,\s*/);
    case 'map':
      return parseMap(field.name, value);
    case 'objects':
      return parseObjects(field.name, value);
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
