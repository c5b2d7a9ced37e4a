import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { appSchema, type AppAnswers } from '../schema/app.js';
import { clusterSchema, type ClusterAnswers } from '../schema/cluster.js';
import { repoSchema, type RepoAnswers } from '../schema/repo.js';
import { validateAnswers } from './answers.js';
import { CliError, InputError } from './errors.js';
import { RECORD_DIR, TOOL } from './paths.js';
import type { RepoModel } from './plan/model.js';
import { placeClusters } from './plan/topology.js';
import { pinComment, pinsOf, type RecordKind } from './pins.js';
import { readSimpleYamlDocument, writeSimpleYaml } from './simple-yaml.js';

/** The tool's records in the target repo: answers per unit and the manifest of written files. */
export { RECORD_DIR };
export const SCHEMA_VERSION = 1;

export const recordPaths = {
  repo: `${RECORD_DIR}/answers/repo.yaml`,
  cluster: (name: string) => `${RECORD_DIR}/answers/clusters/${name}.yaml`,
  app: (name: string) => `${RECORD_DIR}/answers/apps/${name}.yaml`,
  manifest: `${RECORD_DIR}/manifest.json`,
};

/** Which record a path is (the comments above its pins depend on it). */
export const recordKindOf = (path: string): RecordKind => (path.includes('/answers/clusters/') ? 'cluster' : path.includes('/answers/apps/') ? 'app' : 'repo');

/**
 * A record's body: the YAML of `doc`, with a `# renovate:` line above each pin of its answers
 * (src/pins.ts). Pins are scalars at the answers' top level, so the line to annotate is found by
 * its key at that indent.
 */
function recordBody(kind: RecordKind, doc: unknown): string {
  // The simple writer gives yaml's text for plain answers (every app's record) at a fraction of its cost.
  const text = writeSimpleYaml(doc) ?? stringify(doc, { lineWidth: 0 });
  const answers = doc && typeof doc === 'object' ? (doc as { answers?: unknown }).answers : undefined;
  if (!answers || typeof answers !== 'object' || Array.isArray(answers)) return text;
  const comments = new Map(pinsOf(kind, answers as Record<string, unknown>).map((p) => [p.key, pinComment(p)]));
  if (!comments.size) return text;
  // A map's entries (extensionImages) sit one level deeper, under their answer's line.
  let parent = '';
  return text.replace(/^( {2}| {4})([A-Za-z][\w-]*):/gm, (line, indent: string, key: string) => {
    if (indent.length === 2) parent = key;
    const comment = comments.get(indent.length === 2 ? key : `${parent}.${key}`);
    return comment ? `${indent}# ${comment}\n${line}` : line;
  });
}

export function serializeRecord(unit: string, answers: object, kind: RecordKind): string {
  return `# ${TOOL} answers for ${unit}: the input \`regen\` renders from. Edit and run \`${TOOL} regen\`.\n${recordBody(kind, { schemaVersion: SCHEMA_VERSION, answers })}`;
}

/**
 * True when a record's text is exactly what serializeRecord writes for the answers it holds (its
 * header being `desired`'s): rewriting it would lose nothing of the user's, no comment, no layout.
 */
export function isCanonicalRecord(text: string, desired: string, path: string): boolean {
  const header = desired.slice(0, desired.indexOf('\n') + 1);
  try {
    return text === `${header}${recordBody(recordKindOf(path), parse(text))}`;
  } catch {
    return false;
  }
}

type Migration = (answers: Record<string, unknown>) => Record<string, unknown>;

/**
 * Upgrades recorded answers from schema version N (the key) to N + 1. Version 1 is the first
 * schema, so there are none yet; a schema change that alters an answer's meaning adds one here,
 * and `regen --check` then reports the rewritten record as drift instead of re-reading it silently.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

/** The answers of a parsed record, migrated to SCHEMA_VERSION; a version it cannot read is one clear error. */
export function migrateRecord(path: string, doc: { schemaVersion?: unknown; answers?: unknown }, migrations = MIGRATIONS): unknown {
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new InputError(
      `${path}: schemaVersion: must be a whole number (got ${version === undefined ? 'nothing' : JSON.stringify(version)}); a record ${TOOL} wrote starts with \`schemaVersion: ${SCHEMA_VERSION}\` and holds \`answers:\``,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new InputError(`${path}: schemaVersion: ${version} was written by a newer ${TOOL} (this one reads up to ${SCHEMA_VERSION}): upgrade ${TOOL}`);
  }
  let answers = doc.answers;
  if (!answers || typeof answers !== 'object' || Array.isArray(answers)) {
    throw new InputError(`${path}: answers: must be a map of answers (got ${answers === undefined ? 'nothing' : JSON.stringify(answers)})`);
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    const step = migrations[v];
    if (!step) {
      throw new InputError(
        `${path}: schemaVersion: ${version} has no migration to ${SCHEMA_VERSION}; check the answers against \`${TOOL} ${path.includes('/apps/') ? 'new-app' : 'new-cluster'} --help\`, set \`schemaVersion: ${SCHEMA_VERSION}\` and run \`${TOOL} regen --check\``,
      );
    }
    answers = step((answers ?? {}) as Record<string, unknown>);
  }
  return answers;
}

// Read synchronously: from the page cache that is several times faster than fs/promises (see changes.ts).
function readRecordText(cwd: string, path: string): string | undefined {
  try {
    return readFileSync(join(cwd, path), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 1);
  }
}

function readRecord(cwd: string, path: string): unknown {
  return parseRecord(path, readRecordText(cwd, path));
}

/** Every record of `paths`; a failed read is thrown when checkModel reaches it (see loadModel). */
const readRecords = (cwd: string, paths: string[]): (() => string | undefined)[] =>
  paths.map((p) => {
    try {
      const text = readRecordText(cwd, p);
      return () => text;
    } catch (e) {
      return () => {
        throw e;
      };
    }
  });

function parseRecord(path: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  let doc: { schemaVersion?: unknown; answers?: unknown };
  try {
    // The tool's own records take the simple reader; anything else (and every error) the `yaml` package.
    doc = (readSimpleYamlDocument(text) as typeof doc | undefined) ?? parse(text) ?? {};
  } catch (e) {
    throw new InputError(`${path}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`${path}: must hold a YAML map with schemaVersion and answers`);
  return migrateRecord(path, doc);
}

function listNames(cwd: string, dir: string): string[] {
  try {
    return readdirSync(join(cwd, dir)).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
  } catch (e) {
    // Only an absent directory means "none recorded": read as empty, a file in its place would make
    // every unit's files look like orphans.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`${dir}: cannot list the recorded answers (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): it must be a directory`);
  }
}

/** Every recorded unit, validated against the current schemas; undefined when nothing is recorded. */
export async function loadModel(cwd: string): Promise<RepoModel | undefined> {
  const rawRepo = readRecord(cwd, recordPaths.repo);
  if (rawRepo === undefined) {
    const others = [...listNames(cwd, `${RECORD_DIR}/answers/clusters`), ...listNames(cwd, `${RECORD_DIR}/answers/apps`)];
    if (others.length) throw new InputError(`${recordPaths.repo}: missing, but clusters or apps are recorded beside it: restore it from git`);
    return undefined;
  }
  // Parsed only when checkModel reaches each record (a getter): in name order, so the first problem
  // reported is the one a sequential read would meet.
  const read = (dir: string, path: (name: string) => string): RawUnit[] => {
    const names = listNames(cwd, `${RECORD_DIR}/answers/${dir}`);
    const texts = readRecords(cwd, names.map(path));
    return names.map((name, i) => ({ name, get raw() { return parseRecord(path(name), texts[i]!()); } }));
  };
  return checkModel({ repo: rawRepo, clusters: read('clusters', recordPaths.cluster), apps: read('apps', recordPaths.app) });
}

interface RawUnit {
  name: string;
  raw: unknown;
}

/**
 * Answers checked as records are: each unit against the schemas and the units before it, errors
 * named by the record that holds the answer. loadModel reads records through it, and a command that
 * changes recorded answers (upgrade) checks its result through it before anything is written.
 */
export function checkModel(raw: { repo: unknown; clusters: readonly RawUnit[]; apps: readonly RawUnit[] }): RepoModel {
  const repo: RepoAnswers = validateAnswers(repoSchema, raw.repo, `${recordPaths.repo}: `);
  const clusters: ClusterAnswers[] = [];
  for (const { name, raw: r } of raw.clusters) {
    // Rules across units hold for records too: each is checked against the ones read before it.
    const c = validateAnswers(clusterSchema({ repo, others: clusters }), r, `${recordPaths.cluster(name)}: `);
    if (c.clusterName !== name) throw new InputError(`${recordPaths.cluster(name)}: clusterName: must match the file name (got ${JSON.stringify(c.clusterName)})`);
    clusters.push(c);
  }
  const apps: AppAnswers[] = [];
  // One schema for every app: its rules read `apps` as it grows, so each record is still checked against those read before it.
  const schema = appSchema({ repo, clusters, others: apps });
  for (const { name, raw: r } of raw.apps) {
    const a = validateAnswers(schema, r, `${recordPaths.app(name)}: `);
    if (a.name !== name) throw new InputError(`${recordPaths.app(name)}: name: must match the file name (got ${JSON.stringify(a.name)})`);
    apps.push(a);
  }
  return { repo, clusters, apps };
}

/** A model's answers checked again as records, after a command set some of them. */
export const recheckModel = (m: RepoModel): RepoModel =>
  checkModel({ repo: m.repo, clusters: m.clusters.map((c) => ({ name: c.clusterName, raw: c })), apps: m.apps.map((a) => ({ name: a.name, raw: a })) });

/**
 * Secrets, as `namespace/name`, that recorded answers name and the user provides outside the
 * tree: today the object store endpoint's CA (`backupEndpointCA: <secret>/<key>`), read by the
 * Cluster's barmanObjectStore or the plugin's ObjectStore in the operator's namespace.
 */
export function externalSecrets(m: RepoModel): string[] {
  return placeClusters(m)
    .filter((p) => p.answers.backups && p.answers.backupEndpointCA)
    .map((p) => `${p.namespace}/${p.answers.backupEndpointCA.split('/')[0]}`);
}

/** The Flux Kustomizations the answers name but the tree does not hold (secret store, storage, cert-manager). */
export function externalKustomizations(m: RepoModel): string[] {
  const r = m.repo;
  return [r.secretStoreKustomization, r.storageKustomization, r.certManagerKustomization].filter(Boolean).map((k) => `${r.fluxNamespace}/${k}`);
}

/** A record file as the tool writes it; an app's names the app's unit (`app/<name>`). */
export interface RecordFile {
  path: string;
  contents: string;
  unit?: string;
}

/** The record files of a model, as the tool writes them (each serialised when first read: new-app reads its own). */
export function recordFiles(m: RepoModel): RecordFile[] {
  const lazily = (path: string, serialize: () => string, unit?: string): RecordFile => {
    let text: string | undefined;
    return Object.defineProperty({ path, ...(unit ? { unit } : {}) }, 'contents', { get: () => (text ??= serialize()), enumerable: true }) as RecordFile;
  };
  return [
    lazily(recordPaths.repo, () => serializeRecord('the repository (operator, Flux, layout)', m.repo, 'repo')),
    ...m.clusters.map((c) => lazily(recordPaths.cluster(c.clusterName), () => serializeRecord(`cluster ${c.clusterName}`, c, 'cluster'))),
    ...m.apps.map((a) => lazily(recordPaths.app(a.name), () => serializeRecord(`app ${a.name}`, a, 'app'), `app/${a.name}`)),
  ];
}
