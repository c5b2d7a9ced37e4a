import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, sep } from 'node:path';
import { CliError } from './errors.js';

/**
 * Runs git in `dir`: its stdout, or undefined when `dir` is in no git repository. Anything else git
 * reports (dubious ownership, a corrupt index, a full disk, git missing) is that failure, named:
 * it is not "outside git", and the user should not be steered to skip the check because of it.
 */
function git(dir: string, args: string[]): string | undefined {
  // English messages, so "not a git repository" can be told from other failures (git/git setup.c).
  // Loaded here: node:child_process (with net, dgram, streams) costs a few ms, and a run with --allow-dirty never calls git.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new CliError(`git failed in ${dir}: ${code === 'ENOENT' ? 'git is not installed (not found on PATH)' : r.error.message}`, 1);
  }
  if (r.status === 0) return r.stdout;
  const message = (r.stderr.split('\n').find((l) => l.trim()) ?? `exit status ${r.status}`).replace(/^(fatal|error): /, '');
  if (message.startsWith('not a git repository')) return undefined;
  throw new CliError(`git failed in ${dir}: ${message}`, 1);
}

/** The nearest directory that exists: `--dest` may name one the tool is about to create. */
function existing(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** gitPrefix's answers in this run: the workflow note and the dirty-tree check both ask, and a git process costs 5-10 ms. */
const prefixes = new Map<string, string | undefined>();

/** Where `dir` sits inside its git work tree (`''` at the top, `sub/dir/` below it); undefined outside a work tree. */
export function gitPrefix(dir: string): string | undefined {
  if (prefixes.has(dir)) return prefixes.get(dir);
  const prefix = askPrefix(dir);
  prefixes.set(dir, prefix);
  return prefix;
}

function askPrefix(dir: string): string | undefined {
  const base = existing(dir);
  const out = git(base, ['rev-parse', '--is-inside-work-tree', '--show-prefix']);
  // Inside a .git directory or a bare repository git answers "false": no work tree to protect there.
  if (out === undefined || !out.startsWith('true\n')) return undefined;
  const below = relative(base, dir).split(sep).join('/');
  return `${out.split('\n')[1] ?? ''}${below ? `${below}/` : ''}`;
}

/** The top of the git work tree holding `dir`; undefined outside one. */
export function gitTopLevel(dir: string): string | undefined {
  if (gitPrefix(dir) === undefined) return undefined;
  return git(existing(dir), ['rev-parse', '--show-toplevel'])?.trim();
}

/** Paths (relative to dir) with uncommitted changes; undefined outside a git work tree. */
export function gitDirtyPaths(cwd: string): Set<string> | undefined {
  const prefix = gitPrefix(cwd);
  if (prefix === undefined) return undefined;
  // A directory that does not exist yet holds no uncommitted work.
  if (!existsSync(cwd)) return new Set();
  const out = git(cwd, ['status', '--porcelain', '-z', '--untracked-files=all', '--', '.']) ?? '';
  const paths = new Set<string>();
  const add = (p: string) => p.startsWith(prefix) && paths.add(p.slice(prefix.length));
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    add(entry.slice(3));
    // A rename or copy (`R  new\0old`): the next field is the old path, bare; a renamed file is gone from there.
    if (/[RC]/.test(entry.slice(0, 2))) add(fields[++i] ?? '');
  }
  return paths;
}
