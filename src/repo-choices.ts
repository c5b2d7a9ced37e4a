import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fillDefaults } from '../schema/fields.js';
import { repoFields } from '../schema/repo.js';
import { readManifest } from './changes.js';
import type { RepoModel } from './plan/model.js';
import { RECORD_DIR } from './paths.js';

/** What the prompts offer as list choices, found in the repository (read only; interactive runs only). */
export interface RepoChoices {
  /** Namespace folders under the apps root, the recorded units' namespaces, and `default`. */
  namespaces: string[];
  /** ClusterSecretStore objects declared in the tree, and the stores the records name. */
  secretStores: string[];
  /** Namespaces a file outside the tool's declares (a `kind: Namespace`), each with the first such file. */
  declaredNamespaces: ReadonlyMap<string, string>;
}

/** A walk of the tree stays short on a large monorepo: a few thousand YAML files, none larger than a manifest. */
const MAX_FILES = 5000;
const MAX_BYTES = 256 * 1024;
const SKIP = new Set(['.git', RECORD_DIR, 'node_modules']);

async function dirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Kinds the scan collects; a file is parsed only when a line of its text names one (most never do). */
const KINDS = /^kind:\s*(ClusterSecretStore|Namespace)\s*$/m;

export interface Declared {
  secretStores: string[];
  /** Namespace name -> the first file (repository path) that declares it. */
  namespaces: Map<string, string>;
}

/**
 * The ClusterSecretStores and Namespaces the tree's YAML files declare, in one bounded walk (at most
 * MAX_FILES files, none over MAX_BYTES), in a stable order. The files the tool wrote (its manifest,
 * scaffolds included) are not the user's declarations and are skipped.
 */
export async function declaredObjects(dest: string): Promise<Declared> {
  const found: Declared = { secretStores: [], namespaces: new Map() };
  let own: ReadonlySet<string>;
  try {
    own = new Set((await readManifest(dest)).keys());
  } catch {
    own = new Set(); // A broken manifest is the command's to report; the choices only lose the filter.
  }
  let files = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const e of entries) {
      if (files >= MAX_FILES || SKIP.has(e.name)) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) {
        files++;
        const rel = relative(dest, path).split(sep).join('/');
        if (own.has(rel) || (await stat(path)).size > MAX_BYTES) continue;
        const text = await readFile(path, 'utf8');
        if (!KINDS.test(text)) continue;
        for (const doc of parseAllDocuments(text)) {
          const o = doc.errors.length ? undefined : (doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null);
          const name = o?.metadata?.name;
          if (typeof name !== 'string') continue;
          if (o?.kind === 'ClusterSecretStore') found.secretStores.push(name);
          else if (o?.kind === 'Namespace' && !found.namespaces.has(name)) found.namespaces.set(name, rel);
        }
      }
    }
  };
  await walk(dest);
  return found;
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

export async function repoChoices(dest: string, model: RepoModel | undefined): Promise<RepoChoices> {
  const repo = fillDefaults(repoFields, {}, { recorded: model?.repo });
  // The ks layout keeps one folder per namespace under the apps root; the flat layout one per app.
  const folders = repo.fluxLayout === 'flat' ? [] : await dirs(join(dest, String(repo.appsRoot)));
  const recordedNs = model ? [model.repo.namespace, ...model.apps.map((a) => a.namespace)] : [];
  const recordedStores = model ? [model.repo.secretStore, ...model.apps.map((a) => a.secretStore)] : [];
  const declared = await declaredObjects(dest);
  return {
    namespaces: sorted(['default', ...folders, ...recordedNs, ...declared.namespaces.keys()]),
    secretStores: sorted([...declared.secretStores, ...recordedStores]),
    declaredNamespaces: declared.namespaces,
  };
}
