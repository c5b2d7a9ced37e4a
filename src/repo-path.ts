import { RECORD_DIR } from './paths.js';

/**
 * The one rule for paths inside the target repository. Two layers:
 * - `outputPathProblem`: may the tool write (or delete) this path at all? Used by the planner's
 *   output, by the manifest check (an entry names a file regen may delete) and, through the answer
 *   rule, by every path answer. A path it accepts is in normal form, so the same file always has
 *   the same manifest key.
 * - `normalizeAnswerPath`: a directory answer (appsRoot, operatorPath, componentsPath, an app's
 *   path). Harmless spellings (`./x`, `x/`, `a//b`, `a/./b`) become the normal form, which is what
 *   gets recorded; anything else is refused. Every path the planner builds below a valid answer
 *   passes `outputPathProblem`.
 */

/**
 * Why the tool must not write `path` (undefined when it may). Records are written by the records
 * code only: `records` lets a path below the records directory pass (the writer's own transaction
 * and the record files), never one into .git.
 */
export function outputPathProblem(path: string, { records = false } = {}): string | undefined {
  if (path.length === 0) return 'must not be empty';
  if (path.includes('\\')) return 'must use "/" between directories (no "\\")';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not hold control characters';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'must be relative to the repository root';
  const segments = path.split('/');
  if (segments.includes('..')) return 'must stay inside the repository (no "..")';
  if (segments.some((s) => s === '' || s === '.')) return 'must be in normal form (no "./", "//" or trailing "/")';
  // In any letter case: git refuses `.git` case-insensitively everywhere (git/git read-cache.c
  // verify_dotfile), and on a case-insensitive file system `.CNPG/` is the records directory.
  if (segments.some((s) => s.toLowerCase() === '.git')) return 'must not be inside .git';
  if (!records && segments[0]!.toLowerCase() === RECORD_DIR) return `must not be inside ${RECORD_DIR}/ (the tool's records)`;
  return undefined;
}

/** NAME_MAX on Linux and macOS file systems: one directory name is at most 255 bytes (ASCII here, so characters). */
export const SEGMENT_MAX = 255;
/**
 * A whole answer: generated names add under 100 characters below it and `--dest` comes before it;
 * 1024 keeps the result well under PATH_MAX (4096 on Linux).
 */
export const PATH_MAX = 1024;

/** A directory answer in normal form, or why it is refused. */
export function normalizeAnswerPath(raw: string): { path: string } | { problem: string } {
  if (raw.length > PATH_MAX) return { problem: `must be at most ${PATH_MAX} characters` };
  if (raw.includes('\\')) return { problem: 'must use "/" between directories (no "\\")' };
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return { problem: 'must be relative to the repository root (no leading "/")' };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { problem: 'must stay inside the repository (no "..")' };
  if (segments.length === 0) return { problem: 'must name a directory below the repository root (not the root itself)' };
  for (const s of segments) {
    if (s.length > SEGMENT_MAX) return { problem: `each directory name must be at most ${SEGMENT_MAX} characters` };
    // Hidden directories are never applied: Flux leaves .git/ and .github/ out of every artifact
    // (fluxcd/pkg sourceignore/sourceignore.go ExcludeVCS, ExcludeCI) and .cnpg/ holds the records.
    if (s.startsWith('.')) return { problem: `must not contain a hidden directory: Flux skips .git/ and .github/, and ${RECORD_DIR}/ holds the tool's records` };
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(s)) return { problem: 'each directory name must hold only letters, digits, ".", "_" and "-"' };
  }
  const path = segments.join('/');
  const problem = outputPathProblem(path);
  return problem ? { problem } : { path };
}

/** Whether two directories (normal form) are the same or one holds the other: their files would mix. */
export function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}
