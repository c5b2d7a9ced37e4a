import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * What a file left after remove-app points at: a kustomize kustomization's `resources` and
 * `components`, and a Flux Kustomization's `spec.path` (from the repository's root). Remote entries
 * (URLs, `github.com/...?ref=`) are not the tree's.
 */
export interface Reference {
  /** The file that holds the reference. */
  from: string;
  /** As written there. */
  entry: string;
  /** Repository path of the file or directory it names. */
  target: string;
  /** A directory: kustomize and Flux read its kustomization.yaml. */
  dir: boolean;
}

const local = (entry: string) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) && !entry.includes('?') && !/^(github|gitlab|bitbucket)\.(com|org)\//.test(entry);
const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

interface Doc {
  apiVersion?: unknown;
  kind?: unknown;
  resources?: unknown;
  components?: unknown;
  spec?: { path?: unknown };
}

function docsOf(text: string): Doc[] {
  try {
    return parseAllDocuments(text).flatMap((d) => (d.errors.length ? [] : [d.toJS() as Doc | null])).filter((d): d is Doc => !!d && typeof d === 'object');
  } catch {
    return [];
  }
}

/** The references of one file's text, read as kustomize and Flux read them. */
export function referencesOf(path: string, text: string): Reference[] {
  const out: Reference[] = [];
  const dir = posix.dirname(path);
  for (const d of docsOf(text)) {
    // kustomize reads a kustomization.yaml without `kind` as one.
    if (d.kind !== 'Kustomization' && !(d.kind === undefined && KUSTOMIZATION.test(path))) continue;
    const api = typeof d.apiVersion === 'string' ? d.apiVersion : '';
    if (api.startsWith('kustomize.toolkit.fluxcd.io/')) {
      const p = d.spec?.path;
      if (typeof p === 'string' && local(p)) out.push({ from: path, entry: p, target: posix.normalize(p.replace(/^\.?\/+/, '')).replace(/\/$/, '') || '.', dir: true });
    } else if (KUSTOMIZATION.test(path) && (api === '' || api.startsWith('kustomize.config.k8s.io/'))) {
      for (const key of ['resources', 'components'] as const) {
        const list = d[key];
        if (!Array.isArray(list)) continue;
        for (const e of list) if (typeof e === 'string' && local(e)) out.push({ from: path, entry: e, target: posix.normalize(posix.join(dir, e)).replace(/\/$/, ''), dir: !/\.ya?ml$/.test(e) });
      }
    }
  }
  return out;
}

/** A file's `resources` entries, as written (for telling which ones a change removed). */
export function resourcesOf(text: string | undefined): string[] {
  if (text === undefined) return [];
  const k = docsOf(text).find((d) => (d.kind === 'Kustomization' || d.kind === undefined) && Array.isArray(d.resources));
  return ((k?.resources as unknown[] | undefined) ?? []).filter((e): e is string => typeof e === 'string');
}

/**
 * A kustomization.yaml left with nothing but `apiVersion` and `kind` once the tool's entries are out:
 * kustomize refuses it ("kustomization.yaml is empty"), so it keeps an empty `resources` list.
 */
export function buildable(path: string, text: string): string {
  if (!KUSTOMIZATION.test(path)) return text;
  const docs = docsOf(text);
  if (docs.length !== 1 || Object.keys(docs[0]!).some((k) => k !== 'apiVersion' && k !== 'kind')) return text;
  return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}resources: []\n`;
}
