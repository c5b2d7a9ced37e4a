import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { settleBounded, unwrap } from './bounded.js';
import { ConflictError, InputError, shown } from './errors.js';
import { TOOL, TOOL_VERSION } from './paths.js';
import { proveYaml } from './format.js';
import type { Slots } from './patch.js';
import type { Plan } from './plan/types.js';
import { recordPaths } from './records.js';
import { outputPathProblem } from './repo-path.js';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// The manifest decides what regen may delete: an entry must name a path the tool may write at all
// (the planner's own rule, so every path it records passes here).
const manifestEntry = z.object({
  path: z.string().superRefine((p, ctx) => {
    const problem = outputPathProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  unit: z.string().min(1),
  mode: z.enum(['owned', 'patched', 'scaffold', 'record']),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
  /** A patched file: the tool's entries as it last wrote them (see Slots in patch.ts). */
  slots: z.record(z.string(), z.string()).optional(),
});

export type ManifestEntry = z.infer<typeof manifestEntry>;

export type Action = 'create' | 'update' | 'delete' | 'unchanged';

export interface Change {
  path: string;
  unit: string;
  mode: ManifestEntry['mode'];
  action: Action;
  current: string | undefined;
  desired: string | undefined;
  /**
   * Why a file needs the user: an owned file changed by hand or never written by the tool, or a
   * user's file that still holds the entries of a unit no longer recorded (`leftover`).
   */
  conflict?: 'edited' | 'foreign' | 'leftover';
  /** A patched file: the tool's entries the user changed, which this run would set back. */
  editedSlots?: string[];
}

/** A file's text, undefined when absent; anything in the way is one line naming the path. */
export async function readText(cwd: string, path: string): Promise<string | undefined> {
  try {
    return await readFile(join(cwd, path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw directoryInTheWay(path);
    if (code === 'ENOTDIR') {
      const file = await fileInTheWay(cwd, path);
      throw new ConflictError(`${file}: is a file, where the tool needs a directory (for ${path}): move it away, then run again`);
    }
    throw new ConflictError(`${path}: cannot read (${code ?? (e as Error).message})`);
  }
}

/**
 * Reads `paths` concurrently (bounded; a plan of 1,000 apps compares 8,000 files). A failed read is
 * thrown when its path is asked for, so the first one met in the caller's order is the one named.
 */
async function readTexts(cwd: string, paths: string[]): Promise<(path: string) => string | undefined> {
  const unique = [...new Set(paths)];
  const got = await settleBounded(unique, (p) => readText(cwd, p));
  const byPath = new Map(unique.map((p, i) => [p, got[i]!]));
  return (path) => unwrap(byPath.get(path)!);
}

/** A directory where the tool keeps a file: found when the plan is compared, or again when the write starts. */
export const directoryInTheWay = (path: string) => new ConflictError(`${path}: is a directory, where the tool keeps a file: move it away, then run again`);

/** The first parent of `path` that is not a directory. */
async function fileInTheWay(cwd: string, path: string): Promise<string> {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const s = await stat(join(cwd, dir)).catch(() => undefined);
    if (s && !s.isDirectory()) return dir;
  }
  return path;
}

/** The manifest's entries by path; a damaged manifest is an InputError naming what is wrong. */
export function parseManifest(text: string | undefined): Map<string, ManifestEntry> {
  let doc: unknown;
  try {
    doc = text === undefined ? { files: [] } : JSON.parse(text);
  } catch {
    throw new InputError(`${recordPaths.manifest}: not valid JSON: restore it from git; it tells the tool's files from yours`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new InputError(`${recordPaths.manifest}: must be a JSON object with a files list (got ${shown(doc)}): restore it from git; it tells the tool's files from yours`);
  const files = (doc as { files?: unknown }).files;
  if (!Array.isArray(files)) throw new InputError(`${recordPaths.manifest}: files: must be a list (restore it from git)`);
  const entries = new Map<string, ManifestEntry>();
  files.forEach((raw, i) => {
    const e = manifestEntry.safeParse(raw);
    if (!e.success) {
      const issue = e.error.issues[0]!;
      throw new InputError(`${recordPaths.manifest}: files[${i}]${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message} (restore it from git)`);
    }
    entries.set(e.data.path, e.data);
  });
  return entries;
}

export async function readManifest(cwd: string): Promise<Map<string, ManifestEntry>> {
  return parseManifest(await readText(cwd, recordPaths.manifest));
}

export function serializeManifest(entries: ManifestEntry[]): string {
  const files = [...entries].sort((a, b) => a.path.localeCompare(b.path));
  return manifestText(TOOL, TOOL_VERSION, files);
}

// `filesSha256` is the manifest's digest of its own list: an edit by hand shows, so the writer can
// tell the tool's uncommitted output from the user's uncommitted work in this file too.
const manifestText = (generator: unknown, version: unknown, files: unknown) =>
  `${JSON.stringify({ generator, version, files, filesSha256: sha256(JSON.stringify(files)) }, null, 2)}\n`;

/** True when `text` is a manifest exactly as the tool writes it: no byte of it was changed by hand. */
export function isToolManifest(text: string): boolean {
  try {
    const m = JSON.parse(text) as { generator?: unknown; version?: unknown; files?: unknown };
    return manifestText(m.generator, m.version, m.files) === text;
  } catch {
    return false;
  }
}

/**
 * Compares a plan (and the answer records) with the tree: what to create, update or delete, and
 * which owned files were changed by hand. The last change is always the manifest's own.
 * Reads only; nothing is written here.
 */
export async function computeChanges(cwd: string, plan: Plan, records: { path: string; contents: string }[]): Promise<Change[]> {
  const manifestText = await readText(cwd, recordPaths.manifest);
  const manifest = parseManifest(manifestText);
  const changes: Change[] = [];
  const entries: ManifestEntry[] = [];
  const decide = (current: string | undefined, desired: string): Action => (current === undefined ? 'create' : current === desired ? 'unchanged' : 'update');

  const onlyWith = plan.files.flatMap((f) => (f.mode === 'scaffold' && f.onlyWith !== undefined ? [f.onlyWith] : []));
  const read = await readTexts(cwd, [...records.map((r) => r.path), ...plan.files.map((f) => f.path), ...onlyWith]);
  for (const r of records) {
    const current = read(r.path);
    changes.push({ path: r.path, unit: 'records', mode: 'record', action: decide(current, r.contents), current, desired: r.contents });
  }
  for (const f of plan.files) {
    const current = read(f.path);
    const known = manifest.get(f.path);
    if (f.mode === 'owned') {
      const change: Change = { path: f.path, unit: f.unit, mode: 'owned', action: decide(current, f.contents), current, desired: f.contents };
      if (change.action !== 'unchanged' && f.templates) proveYaml(f.contents, f.templates);
      if (change.action === 'update' && (!known || known.sha256 !== sha256(current!))) change.conflict = known ? 'edited' : 'foreign';
      changes.push(change);
      entries.push({ path: f.path, unit: f.unit, mode: 'owned', sha256: sha256(f.contents) });
    } else if (f.mode === 'patched') {
      let desired: string;
      try {
        desired = f.apply(current);
      } catch (e) {
        // The YAML parser's message ends its first line with ':' before a code excerpt; one line, no excerpt.
        const why = (e as Error).message.split('\n')[0]!.replace(/:\s*$/, '');
        throw new ConflictError(`${f.path}: cannot add the tool's entries: ${why}; fix the file (or move it away), then run again`);
      }
      // An edit's text was parsed by the patcher; a file it creates is the template's text.
      if (current === undefined && f.templates) proveYaml(desired, f.templates);
      const change: Change = { path: f.path, unit: f.unit, mode: 'patched', action: decide(current, desired), current, desired };
      const slots = f.slots(desired);
      const editedSlots = handEditedSlots(current === desired ? slots : f.slots(current), slots, known?.slots);
      if (change.action === 'update' && editedSlots.length) Object.assign(change, { conflict: 'edited', editedSlots });
      changes.push(change);
      entries.push({ path: f.path, unit: f.unit, mode: 'patched', sha256: sha256(desired), slots });
    } else {
      const scaffold = scaffoldChange(read, f, current, known);
      if (scaffold) {
        changes.push(scaffold.change);
        entries.push(scaffold.entry);
      }
    }
  }
  // Owned files the tool wrote before that no unit produces now: orphans. The manifest is input (a
  // bad merge, a hand edit), so it alone never decides a deletion: only a file that still holds
  // exactly what the tool wrote, inside the directories the answers give the tool, is removed.
  const planned = new Set(changes.map((c) => c.path));
  const inRoots = (p: string) => plan.roots.some((r) => p.startsWith(`${r}/`));
  const unplanned = [...manifest.values()].filter((old) => !planned.has(old.path) && (old.mode === 'owned' || old.mode === 'patched'));
  const readOld = await readTexts(cwd, unplanned.map((old) => old.path));
  for (const old of unplanned) {
    const current = readOld(old.path);
    if (current === undefined) continue;
    if (old.mode === 'patched') {
      // The tool never edits its entries away from a user's file. Until the user changes the file,
      // it is reported and its manifest entry kept, so the report does not vanish after one regen.
      if (sha256(current) !== old.sha256) continue;
      changes.push({ path: old.path, unit: old.unit, mode: 'patched', action: 'unchanged', current, desired: current, conflict: 'leftover' });
      entries.push(old);
      continue;
    }
    if (sha256(current) !== old.sha256 || !inRoots(old.path)) {
      // Not provably the tool's: reported (until the user deletes or moves it), never deleted.
      changes.push({ path: old.path, unit: old.unit, mode: 'owned', action: 'unchanged', current, desired: current, conflict: 'leftover' });
      entries.push(old);
      continue;
    }
    changes.push({ path: old.path, unit: old.unit, mode: 'owned', action: 'delete', current, desired: undefined });
  }
  const desired = serializeManifest(entries);
  changes.push({ path: recordPaths.manifest, unit: 'records', mode: 'record', action: decide(manifestText, desired), current: manifestText, desired });
  return changes;
}

/**
 * The tool's entries in a patched file that this run would change although they are the user's: a
 * three-way comparison of what the file holds now with what the tool last wrote there (`was`) and
 * what it wants. An entry still as the tool left it is the tool's to update (the answers changed);
 * one the user changed or removed since, or a value of the user's where the tool had written none,
 * needs --force, like a hand-edited owned file.
 */
function handEditedSlots(now: Slots, want: Slots, was: Slots | undefined): string[] {
  return [...new Set([...Object.keys(now), ...Object.keys(want)])]
    .filter((k) => want[k] !== now[k] && (was && k in was ? now[k] !== was[k] : now[k] !== undefined))
    .sort();
}

/**
 * A file written once, then the user's. Deleted later: theirs to delete, neither restored nor
 * reported. With `onlyWith`, it comes together with the creation of that other file (then it is
 * written even if it was deleted before, since the new file lists it); if that file exists already,
 * a copy the tool never wrote is the user's own and not recorded.
 */
function scaffoldChange(
  read: (path: string) => string | undefined,
  f: Extract<Plan['files'][number], { mode: 'scaffold' }>,
  current: string | undefined,
  known: ManifestEntry | undefined,
): { change: Change; entry: ManifestEntry } | undefined {
  const base = { path: f.path, unit: f.unit, mode: 'scaffold' as const, current };
  const withNew = f.onlyWith !== undefined && read(f.onlyWith) === undefined;
  if (f.onlyWith !== undefined && !known && (!withNew || current !== undefined)) return undefined;
  if (current === undefined && known && !withNew) return { change: { ...base, action: 'unchanged', desired: undefined }, entry: known };
  const entry = { path: f.path, unit: f.unit, mode: 'scaffold' as const, sha256: known?.sha256 ?? sha256(f.contents) };
  if (current === undefined && f.templates) proveYaml(f.contents, f.templates);
  return { change: { ...base, action: current === undefined ? 'create' : 'unchanged', desired: current ?? f.contents }, entry };
}
