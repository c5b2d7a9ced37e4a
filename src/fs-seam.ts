import * as fsp from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Every file-system call the write path makes (lock, journal, staging, renames, rollback), so a
 * test can pass one that fails or is interrupted at any chosen call. Passed explicitly (Context.fs,
 * commitChanges' options); the default is the real file system.
 */
export interface WriteFs {
  readFile(path: string): Promise<string>;
  /** Writes and flushes; `exclusive` fails with EEXIST when the file exists (O_EXCL). */
  writeFile(path: string, data: string, opts?: { exclusive?: boolean }): Promise<void>;
  /** One level; fails with EEXIST when it exists (callers track what they created). */
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  utimes(path: string, time: Date): Promise<void>;
  readdir(path: string): Promise<string[]>;
  lstat(path: string): Promise<{ mode: number; mtimeMs: number; isDirectory(): boolean; isSymbolicLink(): boolean }>;
  stat(path: string): Promise<{ mode: number; isDirectory(): boolean }>;
  readlink(path: string): Promise<string>;
  realpath(path: string): Promise<string>;
}

export const nodeFs: WriteFs = {
  readFile: (p) => fsp.readFile(p, 'utf8'),
  // flush (fsync before close; nodejs/node PR #50009, in 20.10): the data is on disk before a rename shows it under the target's name.
  writeFile: (p, data, opts) => fsp.writeFile(p, data, { encoding: 'utf8', flag: opts?.exclusive ? 'wx' : 'w', flush: true }),
  mkdir: async (p) => {
    await fsp.mkdir(p);
  },
  rename: (a, b) => fsp.rename(a, b),
  link: (a, b) => fsp.link(a, b),
  unlink: (p) => fsp.unlink(p),
  rmdir: (p) => fsp.rmdir(p),
  chmod: (p, m) => fsp.chmod(p, m),
  utimes: (p, t) => fsp.utimes(p, t, t),
  readdir: (p) => fsp.readdir(p),
  lstat: (p) => fsp.lstat(p),
  stat: (p) => fsp.stat(p),
  readlink: (p) => fsp.readlink(p),
  realpath: (p) => fsp.realpath(p),
};

export const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException)?.code;

/** Whether `path` exists (the entry itself: a dangling symlink exists). */
export async function exists(fs: WriteFs, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (e) {
    if (errCode(e) === 'ENOENT') return false;
    throw e;
  }
}

/** `mkdir -p` that returns the directories it created, outermost first, so a rollback can remove exactly those. */
export async function mkdirs(fs: WriteFs, dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; !(await exists(fs, d)); d = dirname(d)) missing.unshift(d);
  for (const d of missing) await fs.mkdir(d);
  return missing;
}

/** Removes those of `dirs` that are empty, innermost first; one that is not (or is gone) is left. */
export async function rmdirsIfEmpty(fs: WriteFs, dirs: string[]): Promise<void> {
  for (const d of [...dirs].reverse()) await fs.rmdir(d).catch(() => {});
}
