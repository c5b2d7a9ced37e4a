import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConflictError, shown } from './errors.js';
import { outputPathProblem } from './repo-path.js';
import { errCode, type WriteFs } from './fs-seam.js';

const MAX_LINKS = 40; // what Linux allows in one path lookup (ELOOP beyond)

/**
 * The real path of `abs`, following every symlink on the way, also when the last parts do not
 * exist yet (a file about to be created) or a symlink dangles: those parts are appended as they are.
 */
export async function resolveReal(fs: WriteFs, abs: string, base: string = sep, links = { left: MAX_LINKS }): Promise<string> {
  // `base` is a real directory (no symlinks in it): lookups start there when abs is below it.
  const below = base !== sep && abs.startsWith(base + sep);
  const parts = (below ? abs.slice(base.length) : abs).split(sep).filter(Boolean);
  let cur: string = below ? base : sep;
  for (let i = 0; i < parts.length; i++) {
    const next = join(cur, parts[i]!);
    let st;
    try {
      st = await fs.lstat(next);
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return join(next, ...parts.slice(i + 1));
      throw e;
    }
    if (!st.isSymbolicLink()) {
      cur = next;
      continue;
    }
    if (--links.left < 0) throw new ConflictError(`${abs}: too many levels of symbolic links`);
    const to = await fs.readlink(next);
    cur = await resolveReal(fs, isAbsolute(to) ? to : join(cur, to), base, links);
  }
  return cur;
}

/** Where a change really lands: `real` (absolute, symlinks resolved) and `rel` (to the repo's real root). */
export interface Target {
  path: string;
  real: string;
  rel: string;
}

/**
 * Resolves each path the run writes or deletes, as it is when the write starts (computeChanges has
 * refused the same links already, with the plan; this catches one made in between). A symlink is
 * the repository's state, not an answer: refusing it is a conflict (exit 1), as in computeChanges. A symlink the user made is kept and its target
 * written, when that stays in the repository; anything that resolves outside it (or into .git/)
 * is refused before a byte is written. A deletion removes the named entry, so only its directory is resolved.
 */
export async function resolveTargets(fs: WriteFs, root: string, items: { path: string; deletes: boolean; record?: boolean }[]): Promise<Target[]> {
  const realRoot = await resolveReal(fs, resolve(root)); // a --dest not created yet resolves too
  const seen = new Map<string, string>();
  const out: Target[] = [];
  const walked = new Map<string, Promise<Walked>>();
  // What resolveReal gives below the real root, each directory looked at once for all the paths under it.
  const realOf = async (abs: string) => (await walk(fs, abs, realRoot, walked))?.real ?? resolveReal(fs, abs, realRoot);
  for (const { path, deletes, record } of items) {
    const lexical = join(realRoot, path);
    const real = deletes ? join(await realOf(dirname(lexical)), basename(lexical)) : await realOf(lexical);
    const rel = relative(realRoot, real);
    const posixRel = rel.split(sep).join('/');
    let problem: string | undefined;
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) problem = 'outside the repository';
    // Where it lands must pass the rule its own path passed: not into .git, nor (but for the records) into .cnpg/.
    else if (posixRel !== path) problem = outputPathProblem(posixRel, { records: record });
    if (problem) throw new ConflictError(`${path}: a symbolic link leads it to ${shown(real, 120)}, ${problem}: refusing to ${deletes ? 'delete' : 'write'} it`);
    const twin = seen.get(real);
    if (twin !== undefined) throw new ConflictError(`${path}: is the same file as ${twin} (through a symbolic link); the tool writes each file once`);
    seen.set(real, path);
    out.push({ path, real, rel });
  }
  return out;
}

/** A path below the real root as resolveReal walks it: its real path, and whether a part of it is missing. */
type Walked = { real: string; missing: boolean } | undefined;

/**
 * resolveReal for a lexical path below the real root, with every directory's lookup shared by the
 * paths under it (a regen of 1,000 apps writes 7,000 files: one lstat per directory and file, not
 * one per part of each path). Undefined when a symbolic link is on the way: resolveReal follows it.
 */
function walk(fs: WriteFs, abs: string, realRoot: string, walked: Map<string, Promise<Walked>>): Promise<Walked> {
  if (abs === realRoot) return Promise.resolve({ real: realRoot, missing: false });
  let known = walked.get(abs);
  if (!known) {
    known = (async (): Promise<Walked> => {
      const parent = await walk(fs, dirname(abs), realRoot, walked);
      if (!parent) return undefined;
      const next = join(parent.real, basename(abs));
      if (parent.missing) return { real: next, missing: true };
      try {
        return (await fs.lstat(next)).isSymbolicLink() ? undefined : { real: next, missing: false };
      } catch (e) {
        if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return { real: next, missing: true };
        throw e;
      }
    })();
    walked.set(abs, known);
  }
  return known;
}
