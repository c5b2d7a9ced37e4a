import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Change, isToolManifest, type ManifestEntry, readManifest, sha256 } from './changes.js';
import { isCanonicalRecord, recordPaths } from './records.js';
import { ConflictError } from './errors.js';
import { gitDirtyPaths } from './git.js';

export interface WriteOptions {
  /** The repository written into (not the user's directory: `--dest` may point elsewhere). */
  dest: string;
  force?: boolean;
  allowDirty?: boolean;
}

/**
 * Whether `c.current` is what the tool itself last wrote there (its own uncommitted output is not
 * the user's work): an owned or patched file by its manifest hash, a record by being in the exact
 * form the tool writes (a comment or any reformatting is the user's), the manifest by its own digest.
 */
function isToolOutput(c: Change, manifest: Map<string, ManifestEntry>): boolean {
  if (c.current === undefined) return false;
  if (c.path === recordPaths.manifest) return isToolManifest(c.current);
  if (c.mode === 'record') return isCanonicalRecord(c.current, c.desired ?? '');
  return manifest.get(c.path)?.sha256 === sha256(c.current);
}

/** Refuses to run over a hand-edited file or uncommitted work, before anything is written. */
export async function checkWritable(changes: Change[], opts: WriteOptions): Promise<void> {
  const touched = changes.filter((c) => c.action !== 'unchanged');
  if (touched.length === 0) return;
  const leftovers = changes.filter((c) => c.conflict === 'leftover');
  if (leftovers.length && !opts.force) {
    const list = leftovers.map((c) => `${c.path} (${c.unit})`).join(', ');
    throw new ConflictError(`${list}: still hold entries of units no longer recorded; remove those entries (or the files) by hand first, or pass --force to write the rest anyway`);
  }
  const conflicts = touched.filter((c) => c.conflict);
  if (conflicts.length && !opts.force) {
    const why = (c: Change) =>
      c.editedSlots ? `its entries ${c.editedSlots.join(', ')} changed by hand; --force sets them and keeps the rest of the file` : c.conflict === 'edited' ? 'changed by hand since the tool wrote it' : 'not written by the tool';
    const list = conflicts.map((c) => `${c.path} (${why(c)})`);
    throw new ConflictError(`refusing to overwrite ${list.join(', ')}; pass --force to overwrite`);
  }
  if (opts.allowDirty) return;
  const dirty = gitDirtyPaths(opts.dest);
  if (!dirty) throw new ConflictError(`${opts.dest} is not in a git work tree; pass --allow-dirty to write anyway`);
  // Every file about to change counts, records and the manifest too; a file deleted without a commit
  // is work as well: writing it again would undo the deletion.
  const manifest = await readManifest(opts.dest);
  const userWork = touched.filter((c) => dirty.has(c.path) && !isToolOutput(c, manifest));
  if (userWork.length)
    throw new ConflictError(
      `uncommitted changes in ${userWork.map((c) => `${c.path}${c.current === undefined ? ' (deleted)' : ''}`).join(', ')}; commit or stash them, or pass --allow-dirty`,
    );
}

/**
 * Writes every change or none: new contents go to temporary files beside their targets first,
 * then each is renamed into place; if anything fails, what was replaced is put back.
 */
export async function commitChanges(cwd: string, changes: Change[]): Promise<void> {
  const todo = changes.filter((c) => c.action !== 'unchanged');
  const staged: { tmp: string; target: string }[] = [];
  const done: Change[] = [];
  const createdDirs: string[] = [];
  try {
    for (const c of todo) {
      if (c.action === 'delete') continue;
      const target = join(cwd, c.path);
      const made = await mkdir(dirname(target), { recursive: true });
      if (made) createdDirs.push(made);
      const tmp = `${target}.cnpg-tmp-${process.pid}`;
      await writeFile(tmp, c.desired!, 'utf8');
      staged.push({ tmp, target });
    }
    let i = 0;
    for (const c of todo) {
      if (c.action === 'delete') await rm(join(cwd, c.path));
      else await rename(staged[i++]!.tmp, join(cwd, c.path));
      done.push(c);
    }
  } catch (error) {
    for (const s of staged) await rm(s.tmp, { force: true });
    for (const c of done.reverse()) {
      const target = join(cwd, c.path);
      if (c.current === undefined) await rm(target, { force: true });
      else await writeFile(target, c.current, 'utf8');
    }
    for (const d of createdDirs.reverse()) await rm(d, { recursive: true, force: true });
    throw error;
  }
  for (const c of todo) if (c.action === 'delete') await removeEmptyParents(cwd, dirname(c.path));
}

/** After deletions: directories left empty go too (git does not keep them; neither should the tree). */
async function removeEmptyParents(cwd: string, dir: string): Promise<void> {
  for (let d = dir; d !== '.' && d !== '' && d !== '/'; d = dirname(d)) {
    try {
      await rmdir(join(cwd, d));
    } catch {
      return; // not empty (or already gone): stop climbing
    }
  }
}
