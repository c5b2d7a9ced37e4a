import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { GlobalFlags } from './args.js';
import type { WriteFs } from './fs-seam.js';
import type { Interrupts } from './interrupts.js';
import { InputError } from './errors.js';
import { ttyProgress, type Progress } from './progress.js';
import type { Answers } from '../schema/fields.js';

/** Asks for answers; given what is known so far, returns the answers the user gave. */
export type PromptFn = (generator: 'new-cluster' | 'new-app', known: Answers, defaults: { ctx: unknown }) => Promise<Answers>;

/** What every command works with; tests build one pointing at a temp dir with canned answers. */
export interface Context {
  /** The user's directory (relative paths resolve against it). */
  cwd: string;
  /** The GitOps repository written into. */
  dest: string;
  dryRun: boolean;
  yes: boolean;
  force: boolean;
  allowDirty: boolean;
  /** Prompts run only in a TTY without --yes/--answers; tests inject their own. */
  prompt?: PromptFn;
  out: (line: string) => void;
  /** A transient status line on long runs (a TTY's stderr); tests leave it out. */
  progress?: Progress;
  /** The file system the write path uses (lock, journal, files); the real one unless a test passes another. */
  fs?: WriteFs;
  /** SIGINT/SIGTERM handling for this run (the CLI installs it); without it signals act as usual. */
  interrupts?: Interrupts;
}

/** `--dest`, or the git top-level of the user's directory (INIT_CWD under npm run). */
export function resolveDest(userCwd: string, dest: string | undefined): string {
  if (dest) return isAbsolute(dest) ? dest : resolve(userCwd, dest);
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: userCwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new InputError(`--dest: required outside a git repository (${userCwd} is not in one)`);
  }
}

/** An answers file: a flat YAML map, or a record the tool wrote (`schemaVersion` + `answers`). */
export async function loadAnswersFile(userCwd: string, file: string | undefined): Promise<Answers> {
  if (!file) return {};
  let text: string;
  try {
    text = await readFile(resolve(userCwd, file), 'utf8');
  } catch {
    throw new InputError(`--answers: cannot read ${file}`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new InputError(`--answers: ${file} is not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (data && typeof data === 'object' && 'answers' in data && 'schemaVersion' in data) data = (data as { answers: unknown }).answers;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`--answers: ${file} must hold a YAML map of answers`);
  return data as Answers;
}

export function makeContext(flags: GlobalFlags, out: (line: string) => void, prompt?: PromptFn): Context {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const interactive = Boolean(process.stdin.isTTY) && !flags.yes && !flags.answers;
  return {
    cwd,
    dest: resolveDest(cwd, flags.dest),
    dryRun: flags.dryRun,
    yes: !interactive,
    force: flags.force,
    allowDirty: flags.allowDirty,
    prompt: interactive ? prompt : undefined,
    out,
    progress: ttyProgress(),
  };
}
