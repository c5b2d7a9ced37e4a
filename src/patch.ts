import { type Document, isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type ToStringOptions } from 'yaml';
import { plainInBlock } from './yaml-scalar.js';

/**
 * Edits of a user's YAML through the document model: only the tool's entries are added or set;
 * every other document is kept byte for byte, and in the edited one comments and key order stay.
 * An edit that changes nothing returns the text unchanged, so applying twice is applying once.
 */

function styleOf(text: string): ToStringOptions {
  // Users write sequences either indented under their key or flush with it; keep theirs.
  const flush = /^( *)[^\s#-][^:\n]*:\s*\n\1- /m.test(text);
  const tightFlow = /[{[][^\s}\]]/.test(text) && !/[{[] [^\s]/.test(text);
  return { indentSeq: !flush, lineWidth: 0, flowCollectionPadding: !tightFlow };
}

type Edit = (doc: Document) => boolean;

/** Applies `edit` to the first document `select` accepts; returns undefined when none does. */
function editDocument(text: string, select: (doc: Document) => boolean, edit: Edit): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return undefined;
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length) throw new Error(doc.errors[0]!.message);
    if (!select(doc)) continue;
    if (!edit(doc)) return text;
    const start = i === 0 ? 0 : doc.range[0];
    const end = doc.range[2];
    let replacement = doc.toString(styleOf(text));
    if (end < text.length && !replacement.endsWith('\n')) replacement += '\n';
    return text.slice(0, start) + replacement + text.slice(end);
  }
  return undefined;
}

/** Appends each of `values` missing from the sequence at `path` (creating it); true when it changed. */
function ensureInSeq(doc: Document, path: string[], values: unknown[], same: (a: unknown, b: unknown) => boolean): boolean {
  let changed = false;
  for (const v of values) {
    const seq = doc.getIn(path);
    if (!isSeq(seq)) {
      doc.setIn(path, doc.createNode([v]));
      changed = true;
      continue;
    }
    if (!seq.toJSON().some((item: unknown) => same(item, v))) {
      seq.add(doc.createNode(v));
      changed = true;
    }
  }
  return changed;
}

/** The plain value at `path`, following an alias (`APP: *app`) to its anchor. */
function valueAt(doc: Document, path: string[]): unknown {
  const node = doc.getIn(path, true);
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return isScalar(target) ? target.value : undefined;
  }
  return isScalar(node) ? node.value : node;
}

const kindIs = (kind: string, name?: string) => (doc: Document) =>
  doc.get('kind') === kind && (name === undefined || valueAt(doc, ['metadata', 'name']) === name);

/** A kustomize `kustomization.yaml` lists each of `entries` under `resources`. */
export function ensureResources(current: string | undefined, entries: string[]): string {
  const base = current ?? 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';
  const norm = (x: unknown) => String(x).replace(/^\.\//, '').replace(/\/$/, '');
  const out = editDocument(base, kindIs('Kustomization'), (doc) => {
    if (isSeq(doc.get('resources')) && (doc.get('resources') as { items: unknown[] }).items.length === 0 && !current) doc.delete('resources');
    return ensureInSeq(doc, ['resources'], entries, (a, b) => norm(a) === norm(b));
  });
  if (out === undefined) throw new Error('no kind: Kustomization document to register resources in');
  if (!current) return out.replace(/resources:\n(\s*)- /, 'resources:\n  - ');
  return out;
}

export interface FluxKsEntries {
  name: string;
  /** Set when absent; the user's value wins. */
  defaults: Record<string, unknown>;
  dependsOn: { name: string; namespace: string }[];
  components: string[];
  /** postBuild.substitute keys the tool owns: set to these values. */
  substitute: Record<string, string>;
}

/** A string node YAML 1.1 and 1.2 readers both read back as `value` (`on`, `017` are quoted). */
function stringNode(doc: Document, value: string) {
  const node = doc.createNode(value);
  if (isScalar(node) && !plainInBlock(value)) node.type = 'QUOTE_DOUBLE';
  return node;
}

/** An app's `ks.yaml` holds the tool's Flux Kustomization entries; `created` is the text for a new file. */
export function ensureFluxKustomization(current: string | undefined, want: FluxKsEntries, created: string): string {
  if (current === undefined) return created;
  const edit: Edit = (doc) => {
    let changed = false;
    for (const [key, value] of Object.entries(want.defaults)) {
      if (!doc.hasIn(['spec', key])) {
        doc.setIn(['spec', key], doc.createNode(value));
        changed = true;
      }
    }
    changed = ensureInSeq(doc, ['spec', 'dependsOn'], want.dependsOn, (a, b) => (a as { name?: string }).name === (b as { name: string }).name) || changed;
    if (want.components.length) changed = ensureInSeq(doc, ['spec', 'components'], want.components, (a, b) => a === b) || changed;
    for (const [key, value] of Object.entries(want.substitute)) {
      if (valueAt(doc, ['spec', 'postBuild', 'substitute', key]) !== value) {
        if (!isMap(doc.getIn(['spec', 'postBuild', 'substitute']))) doc.setIn(['spec', 'postBuild', 'substitute'], doc.createNode({}));
        doc.setIn(['spec', 'postBuild', 'substitute', key], stringNode(doc, value));
        changed = true;
      }
    }
    return changed;
  };
  const out = editDocument(current, kindIs('Kustomization', want.name), edit);
  if (out !== undefined) return out;
  // No Kustomization for the app yet: append the tool's whole document.
  const sep = current.endsWith('\n') || current === '' ? '' : '\n';
  const body = parseDocument(created).toString({ lineWidth: 0 });
  return `${current}${sep}---\n${body}`;
}

/** A line-based ignore file (`.sourceignore`, gitignore syntax): append the entries it lacks, touch nothing else. */
export function ensureLines(current: string | undefined, entries: string[], comment: string): string {
  const norm = (l: string) => l.trim().replace(/^\//, '').replace(/\/$/, '');
  const have = new Set((current ?? '').split('\n').map(norm));
  const missing = entries.filter((e) => !have.has(norm(e)));
  if (current !== undefined && missing.length === 0) return current;
  const base = current === undefined || current === '' ? '' : current.endsWith('\n') ? current : `${current}\n`;
  return `${base}# ${comment}\n${missing.join('\n')}\n`;
}
