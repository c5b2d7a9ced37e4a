import { posix } from 'node:path';
import { type Change, type ManifestEntry, parseManifest, serializeManifest, sha256 } from './changes.js';
import { ConflictError } from './errors.js';
import { ensureResources } from './patch.js';
import type { Plan, PlannedFile } from './plan/types.js';
import { recordPaths } from './records.js';
import { buildable, referencesOf, resourcesOf } from './removal-refs.js';

/**
 * What remove-app does to the tree, from the plans with and without the app: pure, the texts and the
 * files below each directory read beforehand by the command.
 * - The removed units' owned files go (computeChanges already deletes those still as the tool wrote
 *   them; one changed by hand is a conflict, deleted only with --force: left behind, CNPG would keep
 *   managing what it declares).
 * - Their write-once files go while they are as the tool wrote them; one the user changed stays theirs.
 * - In a user's file the removed units' entries go (`unpatch`); a file the tool created, holding nothing
 *   else, goes whole once nothing else is left in its directory (a ks.yaml still applies whatever the
 *   user added to its app's directory).
 * - What stays must still build (`keepReferencesWhole`): an entry of a file that stays keeps naming a
 *   file that stays, and a file that stays never names one that goes.
 */
export interface RemovalInput {
  app: string;
  withApp: Plan;
  without: Plan;
  /** computeChanges(without): the orphaned owned files' deletions, the manifest's new text. */
  changes: Change[];
  /** The current text of every file the plan with the app holds (undefined: absent). */
  texts: ReadonlyMap<string, string | undefined>;
  /**
   * Every file on disk below a directory of one of those files, repository-relative. The texts also
   * hold the kustomization.yaml of each directory above them, which may list them.
   */
  filesBelow: (dir: string) => readonly string[];
}

export interface Removal {
  changes: Change[];
  /** Files that stay, each with why: the user's now, or a changed write-once file. */
  kept: { path: string; why: string }[];
}

export function planRemoval(input: RemovalInput): Removal {
  const { withApp, without, texts } = input;
  const owners = (p: Plan) => new Set(p.files.map((f) => f.unit));
  const stays = owners(without);
  const removed = new Set([...owners(withApp)].filter((u) => !stays.has(u)));
  const after = new Map(without.files.map((f) => [f.path, f]));
  const manifest = parseManifest(input.changes.at(-1)!.current);
  const byPath = new Map(input.changes.map((c) => [c.path, c]));
  const kept: Removal['kept'] = [];
  const deleted = new Set(input.changes.filter((c) => c.action === 'delete').map((c) => c.path));
  const set = (c: Change) => {
    byPath.set(c.path, c);
    if (c.action === 'delete') deleted.add(c.path);
  };
  const change = (f: PlannedFile, current: string, desired: string | undefined, conflict?: Change['conflict']): Change => ({
    path: f.path,
    unit: f.unit,
    mode: f.mode,
    action: desired === undefined ? 'delete' : desired === current ? 'unchanged' : 'update',
    current,
    desired,
    ...(conflict ? { conflict } : {}),
  });

  for (const f of withApp.files) {
    const current = texts.get(f.path);
    if (current === undefined || after.has(f.path) || !removed.has(f.unit)) continue;
    if (f.mode === 'owned' && byPath.get(f.path)?.conflict === 'leftover') set(change(f, current, undefined, 'edited'));
    if (f.mode !== 'scaffold') continue;
    if (manifest.get(f.path)?.sha256 === sha256(current)) set(change(f, current, undefined));
    else kept.push({ path: f.path, why: 'changed since the tool wrote it: yours, kept' });
  }
  // Deepest first: an app's ks.yaml goes before its namespace folder's kustomization.yaml is judged.
  const patched = withApp.files.filter((f): f is Extract<PlannedFile, { mode: 'patched' }> => f.mode === 'patched' && !!f.unpatch);
  patched.sort((a, b) => b.path.split('/').length - a.path.split('/').length);
  const released = new Set<string>();
  const strippedOf = new Map<string, string>();
  for (const f of patched) {
    const current = texts.get(f.path);
    if (current === undefined) continue;
    const unpatched = f.unpatch!(current, removed);
    const next = after.get(f.path);
    if (next?.mode === 'patched') {
      if (unpatched !== current) set({ ...change(f, current, next.apply(unpatched)), unit: next.unit });
      continue;
    }
    const stripped = buildable(f.path, unpatched);
    strippedOf.set(f.path, stripped);
    if (next || !removed.has(f.unit) && stripped === current) continue;
    const dir = posix.dirname(f.path);
    const alone = input.filesBelow(dir).every((p) => p === f.path || deleted.has(p));
    if (alone && current === createdText(f)) set(change(f, current, undefined));
    else {
      set(change(f, current, stripped));
      released.add(f.path);
      kept.push({ path: f.path, why: stripped === current ? 'yours: nothing of the tool\'s was left in it' : 'yours: the tool\'s entries removed, the rest kept' });
    }
  }
  keepReferencesWhole({ app: input.app, texts, filesBelow: input.filesBelow, byPath, deleted, set, released, kept, strippedOf });
  const changes = [...byPath.values()].filter((c) => c.path !== recordPaths.manifest);
  changes.push(recordDeletion(input.app, texts));
  changes.push(manifestChange(input.changes.at(-1)!, changes, released, after));
  return { changes, kept };
}

interface Whole {
  app: string;
  texts: ReadonlyMap<string, string | undefined>;
  filesBelow: (dir: string) => readonly string[];
  byPath: Map<string, Change>;
  deleted: Set<string>;
  set: (c: Change) => void;
  released: Set<string>;
  kept: Removal['kept'];
  strippedOf: ReadonlyMap<string, string>;
}

/**
 * What stays must build. A user's kustomization that keeps a file of theirs (an app's ks.yaml kept for
 * what they added beside it) keeps listing it; a file the tool created that such a file needs (the
 * ks.yaml's `path`, a namespace folder's `./namespace.yaml`) stays too, as the user's. A file of the
 * user's that names one of the tool's own files, which must go (CNPG would keep managing what it
 * declares), is refused: the user removes that entry first. Each step only keeps more, so it ends.
 */
function keepReferencesWhole(w: Whole): void {
  const after = (path: string): string | undefined => {
    const c = w.byPath.get(path);
    return c ? c.desired : w.texts.get(path);
  };
  const present = (file: string) => !w.deleted.has(file) && (after(file) !== undefined || w.filesBelow(posix.dirname(file)).includes(file));
  // A directory entry builds from its kustomization.yaml: other files kept below it are not enough.
  const stays = (target: string): boolean =>
    /\.ya?ml$/.test(target) ? present(target) : ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((k) => present(posix.join(target, k)));
  for (;;) {
    // Entries the run takes out of a file that stays, though what they name stays: kept listed.
    for (const c of [...w.byPath.values()]) {
      if (c.action !== 'update' || c.mode !== 'patched' || c.desired === undefined) continue;
      const gone = resourcesOf(c.current).filter((e) => !resourcesOf(c.desired).includes(e));
      const back = gone.filter((e) => stays(posix.normalize(posix.join(posix.dirname(c.path), e)).replace(/\/$/, '')));
      if (back.length) w.set({ ...c, desired: ensureResources(c.desired, back) });
    }
    const broken = [...w.texts.keys()]
      .filter((p) => /\.ya?ml$/.test(p) && !w.deleted.has(p))
      .flatMap((p) => {
        const text = after(p);
        // kustomize lets a kustomization.yaml leave out its kind; a Flux Kustomization names it.
        return text === undefined || !(/(^|\/)kustomization\.ya?ml$/.test(p) || /^kind:\s*Kustomization\s*$/m.test(text)) ? [] : referencesOf(p, text);
      })
      .flatMap((r) => {
        const below = r.dir ? w.filesBelow(r.target) : [];
        if (!r.dir) return w.deleted.has(r.target) ? [{ ...r, file: r.target }] : [];
        // A directory whose files all go: its kustomization.yaml is what kustomize and Flux need.
        if (!below.length || !below.every((p) => w.deleted.has(p))) return [];
        return [{ ...r, file: below.find((p) => /\/kustomization\.ya?ml$/.test(p) && posix.dirname(p) === r.target) ?? below[0]! }];
      });
    if (!broken.length) return;
    for (const b of broken) {
      const c = w.byPath.get(b.file)!;
      if (c.mode === 'owned' || c.mode === 'record')
        throw new ConflictError(`${b.from}: lists ${b.entry}, which goes with app ${w.app} (${b.file}): remove that entry, then run remove-app again`);
      const desired = c.mode === 'patched' ? (w.strippedOf.get(b.file) ?? c.current) : c.current;
      w.set({ ...c, action: desired === c.current ? 'unchanged' : 'update', desired });
      w.deleted.delete(b.file);
      w.released.add(b.file);
      w.kept.push({ path: b.file, why: `${b.from} names it (${b.entry}) and stays: kept, yours now` });
    }
  }
}

/** The text the tool creates a user's file with; undefined where it never creates one (the flat layout's root). */
function createdText(f: Extract<PlannedFile, { mode: 'patched' }>): string | undefined {
  try {
    return f.apply(undefined);
  } catch {
    return undefined;
  }
}

/** The app's answers record goes with it. */
function recordDeletion(app: string, texts: ReadonlyMap<string, string | undefined>): Change {
  const path = recordPaths.app(app);
  return { path, unit: 'records', mode: 'record', action: 'delete', current: texts.get(path), desired: undefined };
}

/**
 * The manifest computeChanges wrote, less the files this run deletes or hands to the user, and with
 * the hashes and slots of the user's files that other units still keep entries in.
 */
function manifestChange(was: Change, changes: readonly Change[], released: ReadonlySet<string>, after: ReadonlyMap<string, PlannedFile>): Change {
  const entries: ManifestEntry[] = [];
  const byPath = new Map(changes.map((c) => [c.path, c]));
  for (const e of parseManifest(was.desired).values()) {
    const c = byPath.get(e.path);
    if (released.has(e.path) || c?.action === 'delete') continue;
    const next = after.get(e.path);
    if (c?.action === 'update' && next?.mode === 'patched') entries.push({ ...e, sha256: sha256(c.desired!), slots: next.slots(c.desired) });
    else entries.push(e);
  }
  const desired = serializeManifest(entries);
  return { ...was, desired, action: was.current === desired ? 'unchanged' : was.current === undefined ? 'create' : 'update' };
}
