import { dirname, relative, resolve, sep } from 'node:path';
import { type Change, directoryInTheWay, isToolManifest, type ManifestEntry, readManifest, sha256 } from './changes.js';
import { isCanonicalRecord, recordPaths } from './records.js';
import { CliError, ConflictError } from './errors.js';
import { gitDirtyPaths } from './git.js';
import { errCode, exists, mkdirs, nodeFs, rmdirsIfEmpty, type WriteFs } from './fs-seam.js';
import { Interrupts } from './interrupts.js';
import { type Journal, TXN_DIR, discardTxn, newJournal, rollBack, txnPaths, writeJournal } from './journal.js';
import { resolveReal, resolveTargets, type Target } from './targets.js';

export interface WriteOptions {
  /** The repository written into (not the user's directory: `--dest` may point elsewhere). */
  dest: string;
  force?: boolean;
  allowDirty?: boolean;
  fs?: WriteFs;
}

/**
 * Whether `c.current` is what the tool itself last wrote there (its own uncommitted output is not
 * the user's work): an owned or patched file by its manifest hash, a record by being in the exact
 * form the tool writes (a comment or any reformatting is the user's), the manifest by its own digest.
 */
function isToolOutput(c: Change, manifest: Map<string, ManifestEntry>): boolean {
  if (c.current === undefined) return false;
  if (c.path === recordPaths.manifest) return isToolManifest(c.current);
  if (c.mode === 'record') return isCanonicalRecord(c.current, c.desired ?? '', c.path);
  return manifest.get(c.path)?.sha256 === sha256(c.current);
}

/** One reason not to write, and the flag that lifts it. */
interface Refusal {
  reason: string;
  flag: '--force' | '--allow-dirty';
}

/**
 * Refuses to run over a hand-edited file or uncommitted work, before anything is written. Every
 * obstacle is found first and named in one error with every flag that lifts them, so a user who
 * needs both `--force` and `--allow-dirty` learns it from one run, not two.
 */
export async function checkWritable(changes: Change[], opts: WriteOptions): Promise<void> {
  const touched = changes.filter((c) => c.action !== 'unchanged');
  if (touched.length === 0) return;
  // Also under --dry-run: a path that leads out of the repository is refused before anything else.
  await resolveTargets(opts.fs ?? nodeFs, opts.dest, touched.map((c) => ({ path: c.path, deletes: c.action === 'delete', record: c.mode === 'record' })));
  const refusals = [...(opts.force ? [] : handEdits(changes, touched)), ...(opts.allowDirty ? [] : await uncommitted(touched, opts.dest))];
  if (refusals.length === 0) return;
  const flags = [...new Set(refusals.map((r) => r.flag))];
  const lift = flags.length === 1 ? `pass ${flags[0]} to write anyway` : `pass ${flags.join(' and ')} together to write anyway`;
  throw new ConflictError(`${refusals.map((r) => r.reason).join('; ')}; ${lift}`);
}

/** Files the tool would overwrite that it did not write as they are: `--force` writes over them. */
function handEdits(changes: Change[], touched: Change[]): Refusal[] {
  const refusals: Refusal[] = [];
  const leftovers = changes.filter((c) => c.conflict === 'leftover');
  if (leftovers.length) {
    const list = leftovers.map((c) => `${c.path} (${c.unit})`).join(', ');
    refusals.push({ flag: '--force', reason: `${list}: still hold entries of units no longer recorded; remove those entries (or the files) by hand first` });
  }
  const conflicts = touched.filter((c) => c.conflict && c.conflict !== 'leftover');
  if (conflicts.length) {
    const why = (c: Change) =>
      c.editedSlots ? `its entries ${c.editedSlots.join(', ')} changed by hand; --force sets them and keeps the rest of the file` : c.conflict === 'edited' ? 'changed by hand since the tool wrote it' : 'not written by the tool';
    refusals.push({ flag: '--force', reason: `refusing to overwrite ${conflicts.map((c) => `${c.path} (${why(c)})`).join(', ')}` });
  }
  return refusals;
}

/** The user's uncommitted work among the files about to change: `--allow-dirty` writes over it. */
async function uncommitted(touched: Change[], dest: string): Promise<Refusal[]> {
  const dirty = gitDirtyPaths(dest);
  if (!dirty) return [{ flag: '--allow-dirty', reason: `${dest} is not in a git work tree` }];
  // Every file about to change counts, records and the manifest too; a file deleted without a commit
  // is work as well: writing it again would undo the deletion.
  const manifest = await readManifest(dest);
  const userWork = touched.filter((c) => dirty.has(c.path) && !isToolOutput(c, manifest));
  if (userWork.length === 0) return [];
  // One readable line however many files: the first few, then how many more.
  const named = userWork.slice(0, 5).map((c) => `${c.path}${c.current === undefined ? ' (deleted)' : ''}`);
  const more = userWork.length > named.length ? ` and ${userWork.length - named.length} more` : '';
  return [{ flag: '--allow-dirty', reason: `uncommitted changes in ${named.join(', ')}${more}; commit or stash them` }];
}

export interface CommitOptions {
  /** The file system (tests pass one that fails or is interrupted at a chosen call). */
  fs?: WriteFs;
  interrupts?: Interrupts;
}

/**
 * Writes every change or none, including edits of existing files and deletions. New contents are
 * staged under TXN_DIR (with the mode of the file they replace); a journal is written; then each
 * old file is moved aside and its replacement renamed into place. Any failure, or SIGINT/SIGTERM,
 * before the journal is removed puts everything back; a run killed outright is undone by the next
 * one (recoverInterrupted). Paths are resolved first: a symlink is kept and its target written,
 * anything resolving outside the repository is refused.
 */
export async function commitChanges(cwd: string, changes: Change[], opts: CommitOptions = {}): Promise<void> {
  const fs = opts.fs ?? nodeFs;
  const guard = opts.interrupts ?? new Interrupts();
  const todo = changes.filter((c) => c.action !== 'unchanged');
  if (todo.length === 0) return;
  await guard.critical(async () => {
    const root = await resolveReal(fs, resolve(cwd));
    // The staging area is resolved with the targets: it, too, must stay inside.
    const items = todo.map((c) => ({ path: c.path, deletes: c.action === 'delete', record: c.mode === 'record' }));
    const targets = (await resolveTargets(fs, root, [...items, { path: TXN_DIR, deletes: false, record: true }])).slice(0, -1);
    const p = txnPaths(root);
    const journal = newJournal();
    // The file being written when something fails, named in the error (the temp copy's name means nothing to the user).
    let at: string = TXN_DIR;
    // Directories made for the staging area above it (a first run's .cnpg/): removed again if left empty.
    const madeAbove = (await mkdirs(fs, p.dir)).filter((d) => d !== p.dir);
    try {
      const needed = new Set<string>();
      const ops: (Journal['ops'][number] | undefined)[] = new Array(todo.length);
      const isDir = new Map<string, Promise<boolean>>();
      const dirExists = (d: string) => isDir.get(d) ?? isDir.set(d, exists(fs, d)).get(d)!;
      // Staged unflushed, then flushed in a pass whose fsyncs overlap (one after another, 7,000
      // files waited on 7,000 fsyncs in turn). Every staged file is on disk before the journal is
      // written, so no rename ever shows a file whose data a crash could still lose.
      // The journal lists them in plan order all the same.
      await eachBounded(todo.length, (i) => todo[i]!.path, async (i) => {
        guard.check();
        const c = todo[i]!;
        const t = targets[i]!;
        const old = await existing(fs, t, c.action === 'delete');
        if (c.action !== 'delete') {
          const staged = `${i}.new`;
          await fs.writeFile(p.at(staged), c.desired!, { unflushed: true });
          if (old) await fs.chmod(p.at(staged), old.mode & 0o7777); // an executable script stays executable
          ops[i] = { target: toPosix(t.rel), staged, backup: old ? `${i}.old` : undefined };
          for (let d = dirname(t.real); d !== root && !(await dirExists(d)); d = dirname(d)) needed.add(d);
        } else if (old) ops[i] = { target: toPosix(t.rel), backup: `${i}.old` };
      });
      // Many files at once: one syncfs (7,000 fsyncs, even overlapped, took 0.7 s; a syncfs 60 ms).
      const many = ops.filter((op) => op?.staged).length >= FLUSH_ALL_FROM;
      if (!(many && (await fs.flushFileSystem(p.dir)))) {
        await eachBounded(todo.length, (i) => todo[i]!.path, async (i) => {
          guard.check();
          const staged = ops[i]?.staged;
          if (staged) await fs.flush(p.at(staged));
        });
      }
      journal.ops = ops.filter((op) => op !== undefined);
      journal.dirs = [...needed].sort((a, b) => a.length - b.length).map((d) => toPosix(relative(root, d)));
      guard.check();
      at = TXN_DIR;
      await writeJournal(fs, root, journal);
    } catch (error) {
      await discardTxn(fs, root).catch(() => {});
      await rmdirsIfEmpty(fs, madeAbove);
      throw explain(error instanceof AtPath ? error.cause : error, error instanceof AtPath ? error.path : at);
    }
    try {
      // Directories a level at a time (each after its parent), those of one level concurrently:
      // 1,000 new apps need 3,000 of them.
      const levels = new Map<number, string[]>();
      for (const d of journal.dirs) {
        const depth = d.split('/').length;
        (levels.get(depth) ?? levels.set(depth, []).get(depth)!).push(d);
      }
      for (const depth of [...levels.keys()].sort((a, b) => a - b)) {
        const level = levels.get(depth)!;
        await eachBounded(level.length, (i) => level[i]!, async (i) => {
          guard.check();
          await fs.mkdir(p.target(level[i]!));
        });
      }
      // Each file's two renames in order, files concurrently: whatever stops the run, every file is
      // untouched, moved aside, or replaced, the states rollBack undoes.
      await eachBounded(journal.ops.length, (i) => journal.ops[i]!.target, async (i) => {
        const op = journal.ops[i]!;
        guard.check();
        if (op.backup) await fs.rename(p.target(op.target), p.at(op.backup));
        guard.check();
        if (op.staged) await fs.rename(p.at(op.staged), p.target(op.target));
      });
      guard.check();
      at = TXN_DIR;
      await fs.unlink(p.journal); // the commit point: from here on the new tree stays
    } catch (caught) {
      const error = caught instanceof AtPath ? caught.cause : caught;
      if (caught instanceof AtPath) at = caught.path;
      try {
        await rollBack(fs, root, journal);
      } catch (undo) {
        // The journal stays: the next writing run finishes the undo before anything else.
        throw new ConflictError(`${at}: cannot write (${String((error as Error).message)}), and undoing the run failed too (${String((undo as Error).message)}); the next run of the tool finishes the undo`);
      }
      await rmdirsIfEmpty(fs, madeAbove);
      throw explain(error, at);
    }
    // Done; what is left is tidying. If it fails, the next run removes the leftovers (no journal: nothing to undo).
    await discardTxn(fs, root).catch(() => {});
    await rmdirsIfEmpty(fs, madeAbove);
    for (const [i, c] of todo.entries()) if (c.action === 'delete') await removeEmptyParents(fs, root, dirname(targets[i]!.real));
  });
}

const toPosix = (rel: string) => rel.split(sep).join('/');

/** A failure of the step for one file, with the file it was for (as the repository names it). */
class AtPath extends Error {
  constructor(
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(String((cause as Error)?.message ?? cause));
  }
}

/**
 * Runs `step` for indices 0..n-1, at most WRITERS at once. After a failure no new step starts; once
 * those under way have settled, the failure of the lowest index is thrown (as AtPath, naming its
 * file), so the caller undoes a run that is no longer moving.
 */
async function eachBounded(n: number, pathOf: (i: number) => string, step: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: { i: number; error: unknown }[] = [];
  const worker = async () => {
    while (!failures.length && next < n) {
      const i = next++;
      try {
        await step(i);
      } catch (error) {
        failures.push({ i, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITERS, n) }, worker));
  if (failures.length) {
    const first = failures.reduce((a, b) => (b.i < a.i ? b : a));
    throw new AtPath(pathOf(first.i), first.error);
  }
}

/** File-system calls under way at once while staging and renaming (the thread pool runs four). */
const WRITERS = 16;

/**
 * Staged files from which one syncfs flushes them (it waits for every dirty file of the file system,
 * and starting `sync` costs a few ms): below, file by file, each fsync overlapping the others.
 */
const FLUSH_ALL_FROM = 256;

/** A file-system error after the rollback: one line naming the file (as the repository names it) and the cause, exit 1. */
function explain(error: unknown, at: string): unknown {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof CliError || !e?.code) return error;
  return new ConflictError(`${at}: cannot write (${e.code}: ${e.message.replace(/^\w+: /, '').replace(/, \w+( '.*)?$/, '')}); nothing was changed`);
}

/** The file a change replaces or deletes (mode kept), if any; a directory in its place is refused. A deletion removes a symlink itself. */
async function existing(fs: WriteFs, t: Target, deletes: boolean): Promise<{ mode: number } | undefined> {
  let st;
  try {
    st = deletes ? await fs.lstat(t.real) : await fs.stat(t.real);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  if (st.isDirectory()) throw directoryInTheWay(t.path);
  return st;
}

/** After deletions: directories left empty go too (git does not keep them; neither should the tree). */
async function removeEmptyParents(fs: WriteFs, root: string, dir: string): Promise<void> {
  for (let d = dir; d !== root && d.startsWith(root + sep); d = dirname(d)) {
    try {
      await fs.rmdir(d);
    } catch {
      return; // not empty (or already gone): stop climbing
    }
  }
}
