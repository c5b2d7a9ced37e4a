import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from './errors.js';
import { errCode, mkdirs, rmdirsIfEmpty, type WriteFs } from './fs-seam.js';
import type { Interrupts } from './interrupts.js';
import { RECORD_DIR } from './paths.js';

export const LOCK_PATH = `${RECORD_DIR}/lock`;
/** A holder refreshes its lock's mtime this often... */
const HEARTBEAT_MS = 30_000;
/** ...so one untouched for this long has no live holder (killed on another host, or its pid reused). */
const STALE_MS = 10 * 60_000;

interface Holder {
  pid: number;
  host: string;
  command: string;
  started: string;
  token: string;
}

export interface LockOptions {
  fs: WriteFs;
  command: string;
  out: (line: string) => void;
  interrupts?: Interrupts;
  /** How long to wait for another run to finish before giving up (exit 1). */
  waitMs?: number;
  /** Age of an untouched lock after which it counts as stale. */
  staleMs?: number;
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === 'EPERM'; // exists, owned by someone else
  }
};

const describe = (h: Holder | undefined) => (h ? `held by \`${h.command}\` (pid ${h.pid} on ${h.host}, since ${h.started})` : 'held by a run that is starting');

async function readHolder(fs: WriteFs, path: string): Promise<{ holder?: Holder; mtimeMs: number } | undefined> {
  try {
    const { mtimeMs } = await fs.lstat(path);
    const text = await fs.readFile(path);
    try {
      return { holder: JSON.parse(text) as Holder, mtimeMs };
    } catch {
      return { mtimeMs }; // being written by a run that has just created it (or damaged): stale once old
    }
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Runs `fn` holding the repository's lock: one writing run at a time reads the recorded answers,
 * plans and writes, so concurrent runs each see the others' results. Taken with O_EXCL; others
 * wait (bounded) and say once what they wait for. A lock whose pid is gone (same host) or that
 * was not refreshed for `staleMs` is taken over, so a killed run cannot leave the repo stuck.
 */
export async function withRepoLock<T>(root: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const { fs } = opts;
  const path = join(root, LOCK_PATH);
  const waitMs = opts.waitMs ?? 120_000;
  const staleMs = opts.staleMs ?? STALE_MS;
  const me: Holder = { pid: process.pid, host: hostname(), command: opts.command, started: new Date().toISOString(), token: randomUUID() };
  let createdDirs: string[] = [];
  // An attempt to create the lock may be in flight when a signal comes: release waits for it.
  let attempt: Promise<boolean> | undefined;
  // Once: the signal handler and the normal end may both call it, and both wait for the same removal.
  let releasing: Promise<void> | undefined;
  const release = () => (releasing ??= removeLock());
  const removeLock = async () => {
    await attempt?.catch(() => false);
    // The token, not a flag, says whether the file there is ours.
    const now = await readHolder(fs, path).catch(() => undefined);
    if (now?.holder?.token === me.token) await fs.unlink(path);
    await rmdirsIfEmpty(fs, createdDirs); // a first run leaves no empty .cnpg/ behind when it writes nothing
  };
  const unregister = opts.interrupts?.onInterrupt(release);
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    createdDirs = await mkdirs(fs, join(root, RECORD_DIR));
    const deadline = Date.now() + waitMs;
    let announced = false;
    for (;;) {
      opts.interrupts?.check(); // a signal came while waiting: its handler is ending the run
      attempt = tryCreate(fs, path, me);
      if (await attempt) break;
      const seen = await readHolder(fs, path);
      if (!seen) continue; // released in between
      const { holder, mtimeMs } = seen;
      const dead = holder && holder.host === me.host && !pidAlive(holder.pid);
      if (dead || Date.now() - mtimeMs > staleMs) {
        await takeOver(fs, path, holder, me.token);
        opts.out(`note: ${LOCK_PATH}: ${describe(holder)} is stale (${dead ? 'that process is gone' : `untouched for over ${Math.round(staleMs / 60_000)} min`}); taking it over`);
        continue;
      }
      if (Date.now() > deadline)
        throw new ConflictError(`${LOCK_PATH}: ${describe(holder)}; waited ${Math.round(waitMs / 1000)} s. Run again when it has finished (remove the file only if that run is gone)`);
      if (!announced) opts.out(`waiting for ${LOCK_PATH}: ${describe(holder)}`);
      announced = true;
      await new Promise((r) => setTimeout(r, 40 + Math.random() * 80));
    }
    heartbeat = setInterval(() => void fs.utimes(path, new Date()).catch(() => {}), HEARTBEAT_MS);
    heartbeat.unref();
    return await fn();
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    // The work is done (or failed on its own); a lock left behind is taken over as stale by the next run.
    // Released before the signal cleanup is unregistered, so a signal now cannot exit with the lock still there.
    await release().catch((e: Error) => opts.out(`note: could not remove ${LOCK_PATH} (${e.message}); the next run takes it over`));
    unregister?.();
  }
}

/**
 * Creates the lock (O_EXCL); false when another run holds it. A write that fails after the file
 * was created (a full disk) removes it again: what is there is ours if it is a prefix of our record.
 */
async function tryCreate(fs: WriteFs, path: string, me: Holder): Promise<boolean> {
  const text = `${JSON.stringify(me)}\n`;
  try {
    await fs.writeFile(path, text, { exclusive: true });
    return true;
  } catch (e) {
    if (errCode(e) === 'EEXIST') return false;
    const there = await fs.readFile(path).catch(() => undefined);
    if (there !== undefined && text.startsWith(there)) await fs.unlink(path).catch(() => {});
    throw e;
  }
}

/**
 * Removes a stale lock without removing a fresh one another waiter put there meanwhile: the file
 * is renamed aside first (atomic), and put back if it turns out to be someone else's new lock.
 */
async function takeOver(fs: WriteFs, path: string, stale: Holder | undefined, token: string): Promise<void> {
  const aside = `${path}.stale-${token}`;
  try {
    await fs.rename(path, aside);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return; // another waiter took it over first
    throw e;
  }
  const moved = await readHolder(fs, aside);
  if (moved?.holder && moved.holder.token !== stale?.token) {
    try {
      await fs.link(aside, path);
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
    }
  }
  await fs.unlink(aside);
}
