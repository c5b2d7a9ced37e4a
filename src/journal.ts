import { hostname } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { ConflictError } from './errors.js';
import { errCode, exists, rmdirsIfEmpty, type WriteFs } from './fs-seam.js';
import { RECORD_DIR } from './paths.js';
import { outputPathProblem } from './repo-path.js';

/**
 * One run's transaction area: staged new contents (`<i>.new`), the files they replace (`<i>.old`,
 * moved aside by rename) and the journal. Flat, inside the repository (so every rename stays on
 * one file system), and only there while a write is under way or after a run was killed.
 */
export const TXN_DIR = `${RECORD_DIR}/txn`;
const JOURNAL = 'journal.json';

// The journal is input after a crash: every path in it must pass the repository's one path rule.
const relPath = z.string().refine((p) => outputPathProblem(p, { records: true }) === undefined, 'must be a relative path inside the repository, in normal form, not in .git');
const journalSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  started: z.string(),
  /** Directories the run creates, outermost first (relative to the repository's real root). */
  dirs: z.array(relPath),
  ops: z.array(
    z.object({
      /** The real file replaced, created or deleted (symlinks resolved), relative to the real root. */
      target: relPath,
      /** Its new contents, staged under TXN_DIR; none for a deletion. */
      staged: z.string().regex(/^\d+\.new$/).optional(),
      /** Where the old file is moved aside; none when the target did not exist. */
      backup: z.string().regex(/^\d+\.old$/).optional(),
    }),
  ),
});
export type Journal = z.infer<typeof journalSchema>;

/** Absolute paths of the pieces of a transaction in the repository whose real root is `root`. */
export function txnPaths(root: string) {
  const dir = join(root, ...TXN_DIR.split('/'));
  return { dir, journal: join(dir, JOURNAL), at: (name: string) => join(dir, name), target: (rel: string) => join(root, ...rel.split('/')) };
}

export const newJournal = (): Journal => ({ pid: process.pid, host: hostname(), started: new Date().toISOString(), dirs: [], ops: [] });

/** Written before the first rename into the tree: from then on a killed run can be undone from it. */
export async function writeJournal(fs: WriteFs, root: string, journal: Journal): Promise<void> {
  const p = txnPaths(root);
  const tmp = p.at(`${JOURNAL}.tmp`);
  await fs.writeFile(tmp, `${JSON.stringify(journal, null, 2)}\n`);
  await fs.rename(tmp, p.journal); // whole or absent: a killed run never leaves half a journal
}

/** Empties the (flat) transaction area and removes it. */
export async function discardTxn(fs: WriteFs, root: string): Promise<void> {
  const p = txnPaths(root);
  let names: string[];
  try {
    names = await fs.readdir(p.dir);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return;
    throw e;
  }
  // The journal goes last: while it is there, what is left can still be rolled back.
  for (const n of names.filter((x) => x !== JOURNAL)) await fs.unlink(p.at(n));
  if (names.includes(JOURNAL)) await fs.unlink(p.journal);
  await fs.rmdir(p.dir);
}

/**
 * Undoes a journaled run, whether it stopped before, during or after its renames: every file
 * moved aside goes back, every file it created goes, then the directories it created. Safe to
 * repeat (a rollback that is itself killed is finished by the next run).
 */
export async function rollBack(fs: WriteFs, root: string, journal: Journal): Promise<number> {
  const p = txnPaths(root);
  let restored = 0;
  for (const op of [...journal.ops].reverse()) {
    const target = p.target(op.target);
    if (op.backup) {
      if (await exists(fs, p.at(op.backup))) {
        await fs.rename(p.at(op.backup), target);
        restored++;
      }
    } else if (op.staged && !(await exists(fs, p.at(op.staged))) && (await exists(fs, target))) {
      await fs.unlink(target); // created by this run: its staged copy was renamed into place
      restored++;
    }
  }
  await rmdirsIfEmpty(
    fs,
    journal.dirs.map((d) => p.target(d)),
  );
  await discardTxn(fs, root);
  return restored;
}

async function readJournal(fs: WriteFs, root: string): Promise<Journal | undefined> {
  let text: string;
  try {
    text = await fs.readFile(txnPaths(root).journal);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = (() => {
    try {
      return journalSchema.safeParse(JSON.parse(text));
    } catch {
      return undefined;
    }
  })();
  if (!parsed?.success) throw new ConflictError(`${TXN_DIR}/${JOURNAL}: damaged; an interrupted run's changes cannot be undone automatically: restore the tree with git, then remove ${TXN_DIR}/`);
  return parsed.data;
}

/**
 * Finishes what a killed run left, under the repo lock before anything is read: with a journal,
 * the run had started renaming and is rolled back; without one, it had only staged (or had
 * completed and not yet cleaned up) and its temp files go. Returns a note for the user, if any.
 */
export async function recoverInterrupted(fs: WriteFs, root: string): Promise<string | undefined> {
  if (!(await exists(fs, txnPaths(root).dir))) return undefined;
  const journal = await readJournal(fs, root);
  if (!journal) {
    await discardTxn(fs, root);
    return `removed the temp files of an interrupted run (${TXN_DIR}/); the tree was not changed by it`;
  }
  const n = await rollBack(fs, root, journal);
  return `undid an interrupted run (pid ${journal.pid} on ${journal.host}, started ${journal.started}): ${n} file(s) put back as they were before it`;
}

/** For runs that write nothing (--check, --dry-run): a pending transaction makes what they read unreliable. */
export async function refuseIfInterrupted(fs: WriteFs, root: string): Promise<void> {
  if (await exists(fs, txnPaths(root).dir))
    throw new ConflictError(`${TXN_DIR}/: a run is writing, or one was interrupted before it finished; when none is running, any writing command (e.g. \`regen\`) undoes the interrupted one first`);
}

