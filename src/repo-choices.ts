import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fillDefaults } from '../schema/fields.js';
import { repoFields } from '../schema/repo.js';
import type { RepoModel } from './plan/model.js';
import { RECORD_DIR } from './paths.js';

/** What the prompts offer as list choices, found in the repository (read only; interactive runs only). */
export interface RepoChoices {
  /** Namespace folders under the apps root, the recorded units' namespaces, and `default`. */
  namespaces: string[];
  /** ClusterSecretStore objects declared in the tree, and the stores the records name. */
  secretStores: string[];
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

/** Names of the ClusterSecretStores the tree's YAML files declare. */
async function declaredSecretStores(dest: string): Promise<string[]> {
  const found: string[] = [];
  let files = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (files >= MAX_FILES || SKIP.has(e.name)) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) {
        files++;
        if ((await stat(path)).size > MAX_BYTES) continue;
        const text = await readFile(path, 'utf8');
        if (!/^kind:\s*ClusterSecretStore\s*$/m.test(text)) continue;
        for (const doc of parseAllDocuments(text)) {
          const o = doc.errors.length ? undefined : (doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null);
          if (o?.kind === 'ClusterSecretStore' && typeof o.metadata?.name === 'string') found.push(o.metadata.name);
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
  return {
    namespaces: sorted(['default', ...folders, ...recordedNs]),
    secretStores: sorted([...(await declaredSecretStores(dest)), ...recordedStores]),
  };
}
