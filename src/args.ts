import { InputError } from './errors.js';
import { didYouMean } from './suggest.js';
import type { Field } from '../schema/fields.js';

export interface GlobalFlags {
  yes: boolean;
  dest?: string;
  answers?: string;
  profile?: string;
  dryRun: boolean;
  json: boolean;
  force: boolean;
  allowDirty: boolean;
  debug: boolean;
  help: boolean;
  check: boolean;
  schemaLocation: string[];
  ignoreMissingSchemas: boolean;
  strict: boolean;
  to?: string;
  dropData: boolean;
  skipKubectl: boolean;
}

const GLOBAL_BOOLS: Record<string, keyof GlobalFlags> = {
  yes: 'yes', y: 'yes', 'dry-run': 'dryRun', json: 'json', force: 'force', 'allow-dirty': 'allowDirty', debug: 'debug', help: 'help', h: 'help', check: 'check', 'ignore-missing-schemas': 'ignoreMissingSchemas', strict: 'strict', 'drop-data': 'dropData', 'skip-kubectl': 'skipKubectl',
};
const GLOBAL_VALUES: Record<string, keyof GlobalFlags> = { dest: 'dest', answers: 'answers', profile: 'profile', 'schema-location': 'schemaLocation', to: 'to' };

/** The common flags each command reads; any other is refused, never silently ignored (`new-app --check` wrote files). */
export const COMMAND_FLAGS: Record<string, readonly (keyof GlobalFlags)[]> = {
  'new-cluster': ['yes', 'dest', 'answers', 'profile', 'dryRun', 'json', 'force', 'allowDirty', 'strict'],
  'new-app': ['yes', 'dest', 'answers', 'dryRun', 'json', 'force', 'allowDirty'],
  regen: ['check', 'dest', 'dryRun', 'json', 'force', 'allowDirty', 'strict'],
  validate: ['dest', 'schemaLocation', 'ignoreMissingSchemas', 'skipKubectl', 'strict'],
  upgrade: ['to', 'dest', 'dryRun', 'json', 'force', 'allowDirty', 'strict'],
  graph: ['dest'],
  'remove-app': ['dest', 'dryRun', 'json', 'force', 'allowDirty', 'dropData'],
};

const camel = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * Parses `--flag value`, `--flag=value`, `--bool`, `--no-bool`; answer flags are named after the
 * fields. `allowed`: the common flags the command reads (`--help` and `--debug` always are).
 */
export function parseArgs(
  argv: string[],
  fields: readonly Field<never>[],
  allowed: readonly (keyof GlobalFlags)[] = Object.values({ ...GLOBAL_BOOLS, ...GLOBAL_VALUES }),
  command = 'this command',
): { flags: GlobalFlags; given: Record<string, unknown> } {
  const takes = (key: keyof GlobalFlags, name: string) => {
    if (key !== 'help' && key !== 'debug' && !allowed.includes(key)) throw new InputError(`--${name}: not a flag of ${command} (see ${command} --help)`);
  };
  const flags: GlobalFlags = { yes: false, dryRun: false, json: false, force: false, allowDirty: false, debug: false, help: false, check: false, schemaLocation: [], ignoreMissingSchemas: false, strict: false, dropData: false, skipKubectl: false };
  const given: Record<string, unknown> = {};
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new InputError(`unexpected argument ${JSON.stringify(arg)} (flags are --name value)`);
    let [, name, inline] = m as unknown as [string, string, string | undefined];
    const next = () => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new InputError(`--${name}: needs a value`);
      i++;
      return v;
    };
    if (name in GLOBAL_BOOLS) {
      takes(GLOBAL_BOOLS[name]!, name);
      (flags as unknown as Record<string, unknown>)[GLOBAL_BOOLS[name]!] = inline === undefined ? true : !/^(false|no|0)$/i.test(inline);
      continue;
    }
    if (name in GLOBAL_VALUES) {
      const key = GLOBAL_VALUES[name]!;
      takes(key, name);
      if (key === 'schemaLocation') flags.schemaLocation.push(next());
      else (flags as unknown as Record<string, unknown>)[key] = next();
      continue;
    }
    const negated = name.startsWith('no-') && byName.get(camel(name.slice(3)))?.kind === 'bool';
    if (negated) name = name.slice(3);
    // `--restore-from` is `--restoreFrom`: answers are camelCase, flags may be spelt either way.
    const key = byName.has(name) ? name : camel(name);
    const field = byName.get(key);
    if (!field) {
      const known = [...fields.map((f) => f.name), ...Object.keys(GLOBAL_BOOLS), ...Object.keys(GLOBAL_VALUES)].filter((k) => k.length > 1);
      throw new InputError(`--${name}: unknown flag${didYouMean(name, known, '--')} (see --help)`);
    }
    if (field.kind === 'bool') {
      if (negated) given[key] = false;
      else if (inline !== undefined) given[key] = inline;
      else if (/^(true|false|yes|no)$/i.test(argv[i + 1] ?? '')) given[key] = argv[++i];
      else given[key] = true;
      continue;
    }
    given[key] = next();
  }
  if (flags.json && !flags.dryRun) throw new InputError('--json: only with --dry-run (it describes what would change)');
  return { flags, given };
}
