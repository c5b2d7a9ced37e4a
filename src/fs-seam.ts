import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * Every file-system call the write path makes (lock, journal, staging, renames, rollback), so a
 * test can pass one that fails or is interrupted at any chosen call. Passed explicitly (Context.fs,
 * commitChanges' options); the default is the real file system.
 */
export interface WriteFs {
  readFile(path: string): Promise<string>;
  /**
   * Writes and flushes; `exclusive` fails with EEXIST when the file exists (O_EXCL). `unflushed`
   * leaves the flush to a later `flush` of the same path, so that many files' flushes overlap.
   */
  writeFile(path: string, data: string, opts?: { exclusive?: boolean; unflushed?: boolean }): Promise<void>;
  /** Flushes a file written `unflushed` (fsync): its data and mode are on disk when this settles. */
  flush(path: string): Promise<void>;
  /**
   * Flushes the whole file system holding `path` at once (syncfs), true when that succeeded; false
   * where it is not available or failed, and then the caller flushes file by file (which names a failure).
   */
  flushFileSystem(path: string): Promise<boolean>;
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

/**
 * The real file system, through Node's synchronous calls: a run makes a few hundred small calls one
 * after another, and each asynchronous one waits a round trip through libuv's thread pool (at
 * start-up that wait was a fifth of a small new-app). Each call is still a function returning a
 * promise, so a failure is a rejection as the seam promises, and a signal is handled between calls.
 */
export const nodeFs: WriteFs = {
  readFile: async (p) => fs.readFileSync(p, 'utf8'),
  // fsync before close, so the data is on disk before a rename shows it under the target's name.
  // Not writeFileSync's `flush`: with a string and `encoding: 'utf8'` its fast path skips the fsync
  // (nodejs/node#60552; Node 20.20 still does), and the tool's writes were never flushed.
  writeFile: async (p, data, opts) => {
    const fd = fs.openSync(p, opts?.exclusive ? 'wx' : 'w');
    try {
      fs.writeFileSync(fd, data, 'utf8');
      if (!opts?.unflushed) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  // The one asynchronous call: an fsync waits on the disk, not the CPU, so the thread pool runs
  // four at once (7,000 staged files flushed one after another took about 3 s here, overlapped 0.7 s).
  // Read-only where writing is refused: a staged copy of a 0444 file of the user's already has its
  // mode, and fsync needs no write access on Linux or macOS (Windows needs it: 'r+' first).
  flush: async (p) => {
    const handle = await fs.promises.open(p, 'r+').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EACCES' || e.code === 'EPERM') return fs.promises.open(p, 'r');
      throw e;
    });
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  mkdir: async (p) => {
    fs.mkdirSync(p);
  },
  // Node has no syncfs; coreutils' `sync -f` is one (Linux). Elsewhere false: BSD's and macOS's sync
  // ignore their arguments, exit 0 and only schedule the writes (sync(2)), which is no flush.
  flushFileSystem: async (p) => {
    if (process.platform !== 'linux') return false;
    const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    return spawnSync('sync', ['-f', p], { stdio: 'ignore' }).status === 0;
  },
  rename: async (a, b) => fs.renameSync(a, b),
  link: async (a, b) => fs.linkSync(a, b),
  unlink: async (p) => fs.unlinkSync(p),
  rmdir: async (p) => fs.rmdirSync(p),
  chmod: async (p, m) => fs.chmodSync(p, m),
  utimes: async (p, t) => fs.utimesSync(p, t, t),
  readdir: async (p) => fs.readdirSync(p),
  lstat: async (p) => fs.lstatSync(p),
  stat: async (p) => fs.statSync(p),
  readlink: async (p) => fs.readlinkSync(p),
  realpath: async (p) => fs.realpathSync(p),
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
