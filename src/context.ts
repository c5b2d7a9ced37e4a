import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import type { GlobalFlags } from './args.js';
import type { WriteFs } from './fs-seam.js';
import type { Interrupts } from './interrupts.js';
import { InputError, shown } from './errors.js';
import { gitTopLevel } from './git.js';
import { PATH_MAX, SEGMENT_MAX } from './repo-path.js';

/** Linux's PATH_MAX: --dest plus the tool's paths below it (at most PATH_MAX) must fit. */
const LINUX_PATH_MAX = 4096;
import { ttyProgress, type Progress } from './progress.js';
import type { Answers } from '../schema/fields.js';
import type { RepoModel } from './plan/model.js';
import type { RepoChoices } from './repo-choices.js';

/** What the prompts are given besides the answers already known (src/interactive.ts builds it). */
export interface PromptInput {
  /** The repository's records (defaults, recorded units), read before the lock. */
  model: RepoModel | undefined;
  /** List choices found in the repository. */
  choices: RepoChoices;
  /** Answers a stopped run kept, offered first. */
  saved?: { path: string; answers: Answers };
  /** Where the summary of the answers goes. */
  out: (line: string) => void;
  dest: string;
  dryRun: boolean;
  /** Given what returns the answers so far, while the prompts run (kept if the run stops). */
  live: (current: () => Answers) => void;
  /** Ctrl-C in a prompt: the run stops as on SIGINT (the answers are kept first). */
  interrupt: () => void;
}

/** Asks for answers; given what is known so far, returns the answers the user gave (the known ones included). */
export type PromptFn = (generator: 'new-cluster' | 'new-app', known: Answers, input: PromptInput) => Promise<Answers>;

/** What every command works with; tests build one pointing at a temp dir with canned answers. */
export interface Context {
  /** The user's directory (relative paths resolve against it). */
  cwd: string;
  /** The GitOps repository written into. */
  dest: string;
  dryRun: boolean;
  /** With dryRun: the changes as one JSON document, nothing else on stdout. */
  json?: boolean;
  yes: boolean;
  force: boolean;
  allowDirty: boolean;
  /** Prompts run only in a TTY without --yes/--answers; tests inject their own. */
  prompt?: PromptFn;
  /** Where interactive runs keep typed answers when they stop before writing (src/saved-answers.ts). */
  stateHome?: string;
  out: (line: string) => void;
  /** A transient status line on long runs (a TTY's stderr); tests leave it out. */
  progress?: Progress;
  /** The file system the write path uses (lock, journal, files); the real one unless a test passes another. */
  fs?: WriteFs;
  /** SIGINT/SIGTERM handling for this run (the CLI installs it); without it signals act as usual. */
  interrupts?: Interrupts;
  /** Warnings (stderr, so `--json` output stays one document); console.error unless a test collects them. */
  warn?: (line: string) => void;
  /** The clock support status is judged by (end-of-life dates); the real one unless a test sets a day. */
  now?: () => Date;
  /** `--strict`: an end-of-life or vulnerable pin is an error, not a warning. */
  strict?: boolean;
}

/** `--dest`, or the git top-level of the user's directory (INIT_CWD under npm run). */
export function resolveDest(userCwd: string, dest: string | undefined): string {
  if (dest) {
    const dir = isAbsolute(dest) ? dest : resolve(userCwd, dest);
    // Linux's limits (NAME_MAX 255, PATH_MAX 4096), with room for the tool's paths below --dest
    // (at most 1024, src/repo-path.ts): else every file would fail with ENAMETOOLONG, far from the cause.
    if (dir.split(sep).some((s) => Buffer.byteLength(s) > SEGMENT_MAX)) throw new InputError(`--dest: each directory name must be at most ${SEGMENT_MAX} bytes (got ${shown(dest)})`);
    if (Buffer.byteLength(dir) > LINUX_PATH_MAX - PATH_MAX) throw new InputError(`--dest: must be at most ${LINUX_PATH_MAX - PATH_MAX} bytes as an absolute path (got ${shown(dest)})`);
    // git's own directory is never a target, however it is reached (a path, a link).
    if (insideGitDir(dir)) throw new InputError(`--dest: must not be inside a .git directory (got ${shown(dest)})`);
    return dir;
  }
  // A git failure (dubious ownership, git missing) is reported as itself by gitTopLevel, exit 1.
  const top = gitTopLevel(userCwd);
  if (top === undefined) throw new InputError(`--dest: required outside a git work tree (${userCwd} is not in one)`);
  return top;
}

/** Whether `dir`, as given or resolved through links (of its nearest existing parent), lies in a `.git` directory. */
function insideGitDir(dir: string): boolean {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  return [dir, realpathSync(existing)].some((p) => p.split(sep).some((s) => s.toLowerCase() === '.git'));
}

/** An answers file is a few dozen lines; the cap keeps `--answers /dev/zero` from filling memory. */
const ANSWERS_MAX = 1024 * 1024;

/** Reads at most `max` bytes (a pipe such as `<(...)` works; a file without end is refused). */
async function readCapped(path: string, max: number, tooLarge: () => Error): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, null);
      if (bytesRead === 0) return Buffer.concat(chunks).toString('utf8');
      total += bytesRead;
      if (total > max) throw tooLarge();
      chunks.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/** An answers file: a flat YAML map, or a record the tool wrote (`schemaVersion` + `answers`). */
export async function loadAnswersFile(userCwd: string, file: string | undefined, flag = '--answers'): Promise<Answers> {
  if (!file) return {};
  let text: string;
  try {
    text = await readCapped(resolve(userCwd, file), ANSWERS_MAX, () => new InputError(`${flag}: ${shown(file)} is larger than ${ANSWERS_MAX / 1024} KiB: not an answers file`));
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message);
    throw new InputError(`${flag}: cannot read ${shown(file)} (${why})`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new InputError(`${flag}: ${shown(file)} is not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (data && typeof data === 'object' && 'answers' in data && 'schemaVersion' in data) data = (data as { answers: unknown }).answers;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${flag}: ${shown(file)} must hold a YAML map of answers`);
  return data as Answers;
}

/** `$XDG_STATE_HOME`, or `~/.local/state` when it is unset or not absolute (the XDG base directory spec ignores a relative one). */
export function stateHome(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_STATE_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'state');
}

export function makeContext(flags: GlobalFlags, out: (line: string) => void, prompt?: PromptFn): Context {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const interactive = Boolean(process.stdin.isTTY) && !flags.yes && !flags.answers && !flags.profile;
  return {
    cwd,
    dest: resolveDest(cwd, flags.dest),
    dryRun: flags.dryRun,
    json: flags.json,
    yes: !interactive,
    force: flags.force,
    allowDirty: flags.allowDirty,
    prompt: interactive ? prompt : undefined,
    ...(interactive ? { stateHome: stateHome(process.env, homedir()) } : {}),
    out,
    progress: ttyProgress(),
    warn: (line) => console.error(line),
    now: () => new Date(),
    strict: flags.strict,
  };
}
