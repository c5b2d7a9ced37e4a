import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { ConflictError, InputError, shown } from './errors.js';
import { TOOL, TOOL_VERSION } from './paths.js';
import { proveYaml } from './format.js';
import type { Slots } from './patch.js';
import type { Plan } from './plan/types.js';
import { recordPaths, type RecordFile } from './records.js';
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
  return readTextSync(cwd, path);
}

// Reads are synchronous: a plan of 1,000 apps compares 9,000 files, and from the page cache
// readFileSync takes 50 ms for them where fs/promises (open, fstat, read, close: four trips
// through the thread pool each, bounded or not) took 250-500 ms.
function readTextSync(cwd: string, path: string): string | undefined {
  try {
    return readFileSync(join(cwd, path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw directoryInTheWay(path);
    if (code === 'ENOTDIR') {
      const file = fileInTheWay(cwd, path);
      throw new ConflictError(`${file}: is a file, where the tool needs a directory (for ${path}): move it away, then run again`);
    }
    throw new ConflictError(`${path}: cannot read (${code ?? (e as Error).message})`);
  }
}

/**
 * Reads `paths` (a path once however often it is planned). A failed read is thrown when its path
 * is asked for, so the first one met in the caller's order is the one named.
 */
function readTexts(cwd: string, paths: string[]): (path: string) => string | undefined {
  const byPath = new Map<string, { text?: string; error?: unknown }>();
  for (const p of paths) {
    if (byPath.has(p)) continue;
    try {
      byPath.set(p, { text: readTextSync(cwd, p) });
    } catch (error) {
      byPath.set(p, { error });
    }
  }
  return (path) => {
    const got = byPath.get(path)!;
    if (got.error !== undefined) throw got.error;
    return got.text;
  };
}

/** A directory where the tool keeps a file: found when the plan is compared, or again when the write starts. */
export const directoryInTheWay = (path: string) => new ConflictError(`${path}: is a directory, where the tool keeps a file: move it away, then run again`);

/** The first parent of `path` that is not a directory. */
function fileInTheWay(cwd: string, path: string): string {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    let isDir: boolean | undefined;
    try {
      isDir = statSync(join(cwd, dir)).isDirectory();
    } catch {
      isDir = undefined;
    }
    if (isDir === false) return dir;
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
    const fast = wellFormedEntry(raw);
    if (fast) {
      entries.set(fast.path, fast);
      return;
    }
    const e = manifestEntry.safeParse(raw);
    if (!e.success) {
      const issue = e.error.issues[0]!;
      throw new InputError(`${recordPaths.manifest}: files[${i}]${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message} (restore it from git)`);
    }
    entries.set(e.data.path, e.data);
  });
  return entries;
}

const MODES: ReadonlySet<unknown> = new Set(manifestEntry.shape.mode.options);
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * An entry that passes every rule of `manifestEntry`, checked by hand (9,000 entries at 1,000 apps
 * took zod 60 ms), built as zod builds it: its keys in the schema's order, unknown keys dropped.
 * Anything else (undefined) goes through zod, which names what is wrong.
 */
function wellFormedEntry(raw: unknown): ManifestEntry | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { path, unit, mode, sha256: hash, slots } = raw as Record<string, unknown>;
  if (typeof path !== 'string' || outputPathProblem(path) !== undefined) return undefined;
  if (typeof unit !== 'string' || unit.length < 1 || !MODES.has(mode) || typeof hash !== 'string' || !SHA256.test(hash)) return undefined;
  const entry: ManifestEntry = { path, unit, mode: mode as ManifestEntry['mode'], sha256: hash };
  if (slots === undefined) return entry;
  if (!slots || typeof slots !== 'object' || Array.isArray(slots) || Object.getPrototypeOf(slots) !== Object.prototype) return undefined;
  const copy: Record<string, string> = {};
  for (const [k, v] of Object.entries(slots)) {
    if (typeof v !== 'string' || k === '__proto__') return undefined;
    copy[k] = v;
  }
  return { ...entry, slots: copy };
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
export async function computeChanges(
  cwd: string,
  plan: Plan,
  records: RecordFile[],
  { frozen }: { frozen?: (unit: string) => boolean } = {},
): Promise<Change[]> {
  const manifestText = readTextSync(cwd, recordPaths.manifest);
  const manifest = parseManifest(manifestText);
  const changes: Change[] = [];
  const entries: ManifestEntry[] = [];
  const decide = (current: string | undefined, desired: string): Action => (current === undefined ? 'create' : current === desired ? 'unchanged' : 'update');

  const onlyWith = plan.files.flatMap((f) => (f.mode === 'scaffold' && f.onlyWith !== undefined ? [f.onlyWith] : []));
  const read = readTexts(cwd, [...records.map((r) => r.path), ...plan.files.map((f) => f.path), ...onlyWith]);
  // An owned or patched file of a unit this run leaves as it is (new-app: another app's), at a path
  // no other unit plans, that still holds exactly what the tool last wrote there: its manifest entry
  // is kept and it is not rendered. A file changed or deleted since is compared as any other, so a
  // hand edit is named as before; that the unit's own answers changed is regen --check's to find.
  // Written by another version of the tool, the same answers may render otherwise: nothing is frozen then.
  const sameTool = /^\{\s*"generator": "[^"]*",\s*"version": ("[^"\\]*")/.exec(manifestText ?? '')?.[1] === JSON.stringify(TOOL_VERSION);
  const isFrozen = (f: Plan['files'][number], current: string | undefined, known: ManifestEntry | undefined): boolean =>
    sameTool &&
    !!frozen?.(f.unit) && !f.alsoUnits && f.mode !== 'scaffold' && known?.unit === f.unit && known.mode === f.mode && current !== undefined && sha256(current) === known.sha256;
  for (const r of records) {
    const current = read(r.path);
    changes.push({ path: r.path, unit: 'records', mode: 'record', action: decide(current, r.contents), current, desired: r.contents });
  }
  for (const f of plan.files) {
    const known = manifest.get(f.path);
    const current = read(f.path);
    if (isFrozen(f, current, known)) {
      changes.push({ path: f.path, unit: f.unit, mode: f.mode, action: 'unchanged', current, desired: current });
      entries.push(known!);
      continue;
    }
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
  const readOld = readTexts(cwd, unplanned.map((old) => old.path));
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
