import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments, parseDocument, type ToStringOptions, type YAMLMap, type YAMLSeq } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { readSimpleYaml } from './simple-yaml.js';
import { blockScalar, scalarText } from './yaml-scalar.js';

/**
 * Edits of a user's YAML: the document model decides what changes (which keys and items are
 * missing or differ), and the change is made as a splice into the original text at the nodes'
 * source ranges. So every byte the tool does not change stays as the user wrote it: comments and
 * their spacing, key order, quoting, flow style, anchors, a byte-order mark, CRLF line ends. Added
 * lines copy the file's line end and indentation. An edit that changes nothing returns the text
 * unchanged, so applying twice is applying once.
 *
 * Each patch also reports the tool's entries ("slots") as a text holds them, so the caller can
 * tell a slot the user edited since the tool wrote it from one the tool merely has to update.
 */

/** The tool's entries in a patched file: slot -> the value it holds there (absent: not there). */
export type Slots = Record<string, string>;

interface Style {
  eol: string;
  /** Block sequences indented under their key (`key:\n  - a`) rather than flush with it. */
  indentSeq: boolean;
  /** One level of indentation. */
  unit: number;
}

function styleOf(text: string): Style {
  const flush = /^( *)[^\s#-][^:\n]*:\s*\n\1- /m.test(text.replace(/\r\n/g, '\n'));
  const indents = [...text.matchAll(/^( +)[^\s#]/gm)].map((m) => m[1]!.length);
  return { eol: /\r\n/.test(text) ? '\r\n' : '\n', indentSeq: !flush, unit: indents.length ? Math.min(...indents) : 2 };
}

// One quoting rule for everything the tool writes (src/yaml-scalar.ts): plain only when go-yaml v2
// (Kubernetes' decoder) and YAML 1.1/1.2 readers all read the same string, else double-quoted with
// what YAML 1.1 would fold or reject escaped.
export function renderScalar(v: unknown, context: 'block' | 'flow' = 'flow'): string {
  // After `key: ` or `- ` in block style more stays plain (`0 3 * * *`); in a flow collection less.
  if (typeof v === 'string') return context === 'block' ? blockScalar(v) : scalarText(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  throw new Error(`cannot write a ${typeof v} as a YAML scalar`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function renderFlow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(renderFlow).join(', ')}]`;
  if (isObject(v)) return `{${Object.entries(v).map(([k, x]) => `${renderScalar(k)}: ${renderFlow(x)}`).join(', ')}}`;
  return renderScalar(v);
}

/** Block lines (no line ends) of a map's entries at column `col`. */
function blockMap(v: Record<string, unknown>, col: number, s: Style): string[] {
  const pad = ' '.repeat(col);
  const lines: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    const key = `${pad}${renderScalar(k)}:`;
    if (Array.isArray(x) && x.length) lines.push(key, ...blockSeq(x, col + (s.indentSeq ? s.unit : 0), s));
    else if (isObject(x) && Object.keys(x).length) lines.push(key, ...blockMap(x, col + s.unit, s));
    else lines.push(`${key} ${isObject(x) || Array.isArray(x) ? renderFlow(x) : renderScalar(x, 'block')}`);
  }
  return lines;
}

/** Block lines of sequence items whose `-` sits at column `col`. */
function blockSeq(items: unknown[], col: number, s: Style): string[] {
  const pad = ' '.repeat(col);
  return items.flatMap((item) => {
    if (isObject(item) && Object.keys(item).length) {
      const [first, ...rest] = blockMap(item, col + 2, s);
      return [`${pad}- ${first!.trimStart()}`, ...rest];
    }
    if (Array.isArray(item) || isObject(item)) return [`${pad}- ${renderFlow(item)}`];
    return [`${pad}- ${renderScalar(item, 'block')}`];
  });
}

interface Splice {
  at: number;
  end: number;
  text: string;
  /** Column of inserted lines: where a nested map ends with its parent, its lines go first. */
  col?: number;
}

/** One document being edited: the model (kept in step) and the splices into the file's text. */
class Editor implements DocReader {
  readonly splices: Splice[] = [];
  constructor(
    readonly doc: Document,
    readonly text: string,
    readonly style: Style,
  ) {}

  kind(): unknown {
    return this.doc.get('kind');
  }

  private column(pos: number): number {
    return pos - (this.text.lastIndexOf('\n', pos - 1) + 1);
  }

  private range(node: Node | null | undefined): [number, number, number] {
    if (!node?.range) throw new Error('a node without a source range');
    return node.range;
  }

  /** Inserts block lines at `at` (the end of a collection's last line). */
  private insertLines(at: number, lines: string[], col: number): void {
    const { eol } = this.style;
    const lead = at > 0 && this.text[at - 1] !== '\n' ? eol : '';
    this.splices.push({ at, end: at, text: `${lead}${lines.join(eol)}${eol}`, col });
  }

  /** The plain value at `path`, following an alias (`APP: *app`) to its anchor. */
  valueAt(path: string[]): unknown {
    const node = this.doc.getIn(path, true);
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return isScalar(target) ? target.value : target?.toJSON();
    }
    return isScalar(node) ? node.value : (node as { toJSON?: () => unknown } | undefined)?.toJSON?.();
  }

  private mapAt(path: string[]): YAMLMap | null | undefined {
    const node = path.length ? this.doc.getIn(path, true) : this.doc.contents;
    if (isMap(node)) return node;
    if (node === undefined || (isScalar(node) && node.value === null)) return node === undefined ? undefined : null;
    throw new Error(`${path.join('.')} is not a map`);
  }

  /** Sets each of `entries` under the map at `path` (creating it); true when anything changed. */
  setIn(path: string[], entries: Record<string, unknown>, only: 'missing' | 'differing'): boolean {
    const missing: Record<string, unknown> = {};
    let changed = false;
    const holder = this.doc.getIn(path, true);
    const context = isMap(holder) && holder.flow ? 'flow' : 'block';
    for (const [k, v] of Object.entries(entries)) {
      const has = this.doc.hasIn([...path, k]);
      if (has && (only === 'missing' || isDeepStrictEqual(this.valueAt([...path, k]), v))) continue;
      const node = has ? this.doc.getIn([...path, k], true) : undefined;
      if (has && (isScalar(node) || isAlias(node)) && !isObject(v) && !Array.isArray(v) && !(isScalar(node) && node.value === null && this.range(node)[0] === this.range(node)[1])) {
        const [start, end] = this.range(node as Node);
        const text = renderScalar(v, context);
        this.splices.push({ at: start, end, text });
        if (isScalar(node)) {
          node.value = v; // the node, and the comment after it, stay
          node.type = text.startsWith('"') ? 'QUOTE_DOUBLE' : 'PLAIN';
        } else this.doc.setIn([...path, k], this.doc.createNode(v));
        changed = true;
        continue;
      }
      if (has && isScalar(node) && node.value === null) {
        // `key:` with nothing after it: the value goes on the lines below.
        const keyCol = this.column(this.range(this.keyNode(path, k))[0]);
        const [at] = this.range(node);
        const lines = Array.isArray(v) ? blockSeq(v, keyCol + (this.style.indentSeq ? this.style.unit : 0), this.style) : isObject(v) ? blockMap(v, keyCol + this.style.unit, this.style) : undefined;
        this.splices.push(lines ? { at, end: at, text: `${this.style.eol}${lines.join(this.style.eol)}` } : { at, end: at, text: ` ${renderScalar(v, 'block')}` });
        this.doc.setIn([...path, k], this.doc.createNode(v));
        changed = true;
        continue;
      }
      if (has) throw new Error(`${[...path, k].join('.')} holds a collection where the tool keeps a value`);
      missing[k] = v;
    }
    if (!Object.keys(missing).length) return changed;
    const map = this.mapAt(path);
    if (!map) {
      if (!path.length) throw new Error('the document is not a map');
      return this.setIn(path.slice(0, -1), { [path.at(-1)!]: missing }, 'differing') || changed;
    }
    if (map.flow) {
      const last = map.items.at(-1);
      const at = last ? this.range((last.value ?? last.key) as Node)[1] : this.range(map)[0] + 1;
      const body = Object.entries(missing).map(([k, v]) => `${renderScalar(k)}: ${renderFlow(v)}`).join(', ');
      this.splices.push({ at, end: at, text: last ? `, ${body}` : body });
    } else {
      const col = map.items.length ? this.column(this.range(map.items[0]!.key as Node)[0]) : 0;
      this.insertLines(this.range(map)[1], blockMap(missing, col, this.style), col);
    }
    for (const [k, v] of Object.entries(missing)) map.set(k, this.doc.createNode(v));
    return true;
  }

  private keyNode(path: string[], key: string): Node {
    const map = this.mapAt(path);
    const pair = map?.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
    return pair!.key as Node;
  }

  /**
   * Appends each of `values` missing from the sequence at `path` (creating it); true when it changed.
   * Items are the same when `key` gives the same value (a Set: a namespace lists a thousand apps).
   */
  addToSeq(path: string[], values: unknown[], key: (item: unknown) => unknown): boolean {
    const seq = this.doc.getIn(path, true) as YAMLSeq | undefined;
    const seen = new Set<unknown>(isSeq(seq) ? (seq.toJSON() as unknown[]).map(key) : []);
    const missing = values.filter((v) => !seen.has(key(v)) && seen.add(key(v)));
    if (!missing.length) return false;
    if (!isSeq(seq)) return this.setIn(path.slice(0, -1), { [path.at(-1)!]: missing }, 'differing');
    if (seq.flow) {
      const last = seq.items.at(-1) as Node | undefined;
      const at = last ? this.range(last)[1] : this.range(seq)[0] + 1;
      const body = missing.map(renderFlow).join(', ');
      this.splices.push({ at, end: at, text: last ? `, ${body}` : body });
    } else {
      const col = this.column(this.range(seq)[0]);
      const flowItems = (seq.items as Node[]).some((n) => (isMap(n) || isSeq(n)) && n.flow);
      this.insertLines(this.range(seq)[1], flowItems ? missing.map((v) => `${' '.repeat(col)}- ${renderFlow(v)}`) : blockSeq(missing, col, this.style), col);
    }
    for (const v of missing) seq.add(this.doc.createNode(v));
    return true;
  }

  /** From the start of the line `from` is on to past the end of the line `to` is on. */
  private lines(from: number, to: number): [number, number] {
    const start = this.text.lastIndexOf('\n', from - 1) + 1;
    const nl = this.text.indexOf('\n', to);
    return [start, nl === -1 ? this.text.length : nl + 1];
  }

  /**
   * Removes the key at `path` with its value, and the map holding it when nothing else is left there
   * (up to `spec`, never the document's top level). Block style is cut out line by line; the caller
   * falls back to the model's rendering where a cut would not mean what the model says.
   */
  removePair(path: string[]): boolean {
    const parentPath = path.slice(0, -1);
    const parent = parentPath.length ? this.doc.getIn(parentPath, true) : this.doc.contents;
    if (!isMap(parent)) return false;
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === path.at(-1));
    if (!pair) return false;
    if (parent.items.length === 1 && parentPath.length > 1) return this.removePair(parentPath);
    const value = (pair.value ?? pair.key) as Node;
    this.splices.push({ ...this.cut(this.range(pair.key as Node)[0], this.range(value)[1]) });
    parent.delete(pair.key);
    return true;
  }

  private cut(from: number, to: number): Splice {
    const [at, end] = this.lines(from, Math.max(from, to - 1));
    return { at, end, text: '' };
  }

  /** Removes the keys `keys` of the map at `path` (and the map when none is left); true when any was there. */
  removeKeys(path: string[], keys: string[]): boolean {
    const map = this.doc.getIn(path, true);
    if (!isMap(map)) return false;
    const present = map.items.filter((p) => keys.includes(String(isScalar(p.key) ? p.key.value : p.key)));
    if (!present.length) return false;
    if (present.length === map.items.length) return this.removePair(path);
    for (const pair of present) {
      this.splices.push(this.cut(this.range(pair.key as Node)[0], this.range((pair.value ?? pair.key) as Node)[1]));
      map.delete(pair.key);
    }
    return true;
  }

  /** Removes the items of the sequence at `path` that `drop` picks (and the key when none is left). */
  removeFromSeq(path: string[], drop: (v: unknown) => boolean): boolean {
    const seq = this.doc.getIn(path, true);
    if (!isSeq(seq)) return false;
    const gone = (seq.items as Node[]).filter((n) => drop((n as { toJSON?: () => unknown }).toJSON?.() ?? (isScalar(n) ? n.value : n)));
    if (!gone.length) return false;
    if (gone.length === seq.items.length) return this.removePair(path);
    for (const n of gone) {
      this.splices.push(this.cut(this.range(n)[0], this.range(n)[1]));
      seq.items.splice(seq.items.indexOf(n), 1);
    }
    return true;
  }
}

type Edit = (e: Editor) => boolean;

function spliced(text: string, splices: Splice[]): string {
  // Later splices first, so earlier offsets stay right. At one offset the text applied last ends up
  // first: deeper lines (a nested map ending with its parent), then the order they were made in.
  const order = splices.map((s, i) => ({ s, i })).sort((a, b) => b.s.at - a.s.at || (a.s.col ?? 0) - (b.s.col ?? 0) || b.i - a.i);
  let out = text;
  for (const { s } of order) out = out.slice(0, s.at) + s.text + out.slice(s.end);
  return out;
}

/** The model's own rendering: the fallback when a splice would not mean what the model says. */
function reserialized(text: string, i: number, doc: Document.Parsed, style: Style): string {
  const opts: ToStringOptions = { indentSeq: style.indentSeq, lineWidth: 0 };
  const start = i === 0 ? 0 : doc.range[0];
  const end = doc.range[2];
  let replacement = doc.toString(opts).replace(/\n/g, style.eol);
  if (end < text.length && !replacement.endsWith('\n')) replacement += style.eol;
  return text.slice(0, start) + (i === 0 && text.startsWith('\ufeff') ? '\ufeff' : '') + replacement + text.slice(end);
}

type Parsed = ReturnType<typeof parseAllDocuments>;

/**
 * Texts parsed by the last edits that changed nothing, for reading their slots next: a run compares
 * a file's text with what it should be and then reads the tool's entries from the same text (an
 * app's ks.yaml, a thousand times), so it is parsed once. Only unedited models are kept, the last few.
 */
class ParsedTexts {
  private readonly docs = new Map<string, Parsed>();
  constructor(private readonly max: number) {}
  get(text: string): Parsed | undefined {
    return this.docs.get(text);
  }
  keep(text: string, docs: Parsed): void {
    if (this.docs.size >= this.max) this.docs.delete(this.docs.keys().next().value!);
    this.docs.set(text, docs);
  }
}
const unedited = new ParsedTexts(4);

/** Applies `edit` to the first document `select` accepts; returns undefined when none does. */
function editDocument(text: string, select: (e: Editor) => boolean, edit: Edit): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return undefined;
  const style = styleOf(text);
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length) throw new Error(doc.errors[0]!.message);
    const editor = new Editor(doc, text, style);
    if (!select(editor)) continue;
    if (!edit(editor)) {
      // An edit that changed nothing left the model as parsed.
      unedited.keep(text, docs);
      return text;
    }
    const out = spliced(text, editor.splices);
    const again = parseAllDocuments(out);
    const agrees = Array.isArray(again) && again.length === docs.length && again.every((d, j) => !d.errors.length && isDeepStrictEqual(d.toJS(), j === i ? doc.toJS() : docs[j]!.toJS()));
    return agrees ? out : reserialized(text, i, doc, style);
  }
  return undefined;
}

/** What the slot readers and the selectors need of a document: its kind and the plain value at a path. */
interface DocReader {
  kind(): unknown;
  valueAt(path: string[]): unknown;
}

const isPlainMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A document as plain values (simple-yaml.ts): what an Editor reads, without the document model. */
class PlainDoc implements DocReader {
  constructor(readonly value: unknown) {}
  kind(): unknown {
    return isPlainMap(this.value) ? this.value.kind : undefined;
  }
  valueAt(path: string[]): unknown {
    let v = this.value;
    for (const k of path) {
      if (!isPlainMap(v) || !Object.hasOwn(v, k)) return undefined;
      v = v[k];
    }
    return v;
  }
  has(path: string[]): boolean {
    const holder = this.valueAt(path.slice(0, -1));
    return isPlainMap(holder) && Object.hasOwn(holder, path.at(-1)!);
  }
}

/**
 * The documents of the last few texts the simple reader took, as plain values: a run asks whether a
 * file needs the tool's entries and then reads its slots, from the same text, an app's ks.yaml a
 * thousand times; undefined for a text it leaves to the `yaml` package.
 */
const plainTexts = new Map<string, PlainDoc[] | undefined>();
function plainDocs(text: string): PlainDoc[] | undefined {
  if (plainTexts.has(text)) return plainTexts.get(text);
  const docs = readSimpleYaml(text)?.map((d) => new PlainDoc(d));
  if (plainTexts.size >= 4) plainTexts.delete(plainTexts.keys().next().value!);
  plainTexts.set(text, docs);
  return docs;
}

function readDocument(text: string | undefined, select: (e: DocReader) => boolean): DocReader | undefined {
  if (text === undefined) return undefined;
  const plain = plainDocs(text);
  if (plain) return plain.find(select);
  const docs = unedited.get(text) ?? parseAllDocuments(text);
  if (!Array.isArray(docs)) return undefined;
  const style = styleOf(text);
  for (const doc of docs) {
    const e = new Editor(doc, text, style);
    if (!doc.errors.length && select(e)) return e;
  }
  return undefined;
}

const kindIs = (kind: string, name?: string) => (e: DocReader) => e.kind() === kind && (name === undefined || e.valueAt(['metadata', 'name']) === name);

const normResource = (x: unknown) => String(x).replace(/^\.\//, '').replace(/\/$/, '');

/** A kustomize `kustomization.yaml` lists each of `entries` under `resources`. */
export function ensureResources(current: string | undefined, entries: string[]): string {
  const base = current ?? 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
  const out = editDocument(base, kindIs('Kustomization'), (e) => e.addToSeq(['resources'], entries, normResource));
  if (out === undefined) throw new Error('no kind: Kustomization document to register resources in');
  return out;
}

/** The slots of ensureResources: each entry listed or not. */
export function resourcesSlots(text: string | undefined, entries: string[]): Slots {
  const e = readDocument(text, kindIs('Kustomization'));
  const listed = new Set(((e?.valueAt(['resources']) as unknown[] | undefined) ?? []).map(normResource));
  return Object.fromEntries(entries.filter((x) => listed.has(normResource(x))).map((x) => [`resources: ${normResource(x)}`, 'listed']));
}

/** The inverse of ensureResources: `entries` leave `resources` (the key too when none is left). */
export function removeResources(text: string, entries: string[]): string {
  const gone = new Set(entries.map(normResource));
  return editDocument(text, kindIs('Kustomization'), (e) => e.removeFromSeq(['resources'], (v) => gone.has(normResource(v)))) ?? text;
}

export interface FluxKsEntries {
  name: string;
  /** Set when absent; the user's value wins. */
  defaults: Record<string, unknown>;
  dependsOn: { name: string; namespace: string }[];
  components: string[];
  /** postBuild.substitute keys the tool owns: set to these values. */
  substitute: Record<string, string>;
  /** Before each slot's name, where one file holds several of the tool's Kustomizations. */
  slotPrefix?: string;
}

const nameOf = (item: unknown) => (item as { name?: unknown } | null)?.name;
const byName = (a: unknown, b: unknown) => nameOf(a) === nameOf(b);

/**
 * An app's `ks.yaml` holds the tool's Flux Kustomization entries; `created` is the text for a new file
 * (or a function that renders it: most runs find the file there already and never need it).
 */
export function ensureFluxKustomization(current: string | undefined, want: FluxKsEntries, created: string | (() => string)): string {
  const createdText = () => (typeof created === 'string' ? created : created());
  if (current === undefined) return createdText();
  const plain = plainDocs(current)?.find(kindIs('Kustomization', want.name)) as PlainDoc | undefined;
  if (plain && holdsFluxEntries(plain, want)) return current;
  const edit: Edit = (e) => {
    let changed = e.setIn(['spec'], want.defaults, 'missing');
    changed = e.addToSeq(['spec', 'dependsOn'], want.dependsOn, nameOf) || changed;
    if (want.components.length) changed = e.addToSeq(['spec', 'components'], want.components, (c) => c) || changed;
    changed = e.setIn(['spec', 'postBuild', 'substitute'], want.substitute, 'differing') || changed;
    return changed;
  };
  const out = editDocument(current, kindIs('Kustomization', want.name), edit);
  if (out !== undefined) return out;
  // No Kustomization for the app yet: a document of its own after the user's.
  const { eol } = styleOf(current);
  const sep = current.endsWith('\n') || current === '' ? '' : eol;
  const body = parseDocument(createdText()).toString({ lineWidth: 0 }).replace(/\n/g, eol);
  return `${current}${sep}---${eol}${body}`;
}

/**
 * True when the edit of ensureFluxKustomization would change nothing in `d`, read as its Editor
 * would: every default key present, every dependency (by name) and component listed, every
 * substitution holding the tool's value. Then the file is its own result and no document model is built.
 */
function holdsFluxEntries(d: PlainDoc, want: FluxKsEntries): boolean {
  if (!Object.keys(want.defaults).every((k) => d.has(['spec', k]))) return false;
  const listed = (path: string[], key: (item: unknown) => unknown) => {
    const seq = d.valueAt(path);
    return new Set(Array.isArray(seq) ? seq.map(key) : []);
  };
  const deps = listed(['spec', 'dependsOn'], nameOf);
  if (!want.dependsOn.every((x) => deps.has(nameOf(x)))) return false;
  const comps = listed(['spec', 'components'], (c) => c);
  if (want.components.length && !want.components.every((c) => comps.has(c))) return false;
  const sub = ['spec', 'postBuild', 'substitute'];
  return Object.entries(want.substitute).every(([k, v]) => d.has([...sub, k]) && isDeepStrictEqual(d.valueAt([...sub, k]), v));
}

/**
 * The inverse of ensureFluxKustomization in a file the user keeps: a Kustomization the tool declares
 * beside the user's (`slotPrefix`: a per-app cluster's) goes whole; from the user's own, the tool's
 * dependsOn, components and postBuild.substitute entries go. The fields it set only when absent
 * (path, sourceRef, ...) are the user's values by now and stay.
 */
export function removeFluxKustomization(text: string, want: FluxKsEntries): string {
  if (want.slotPrefix !== undefined) return removeDocument(text, kindIs('Kustomization', want.name));
  const deps = new Set(want.dependsOn.map((d) => d.name));
  const out = editDocument(text, kindIs('Kustomization', want.name), (e) => {
    let changed = e.removeFromSeq(['spec', 'dependsOn'], (v) => deps.has((v as { name?: string } | null)?.name ?? ''));
    if (want.components.length) changed = e.removeFromSeq(['spec', 'components'], (v) => want.components.includes(v as string)) || changed;
    return e.removeKeys(['spec', 'postBuild', 'substitute'], Object.keys(want.substitute)) || changed;
  });
  return out ?? text;
}

/** Removes the first document `select` accepts, with the `---` that starts it; '' when it was the only one. */
function removeDocument(text: string, select: (e: Editor) => boolean): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  const style = styleOf(text);
  const i = docs.findIndex((d) => !d.errors.length && select(new Editor(d, text, style)));
  if (i === -1) return text;
  if (docs.length === 1) return '';
  // A document starts at its `---` line (the first one may have none); it ends where the next starts.
  const marker = (j: number) => {
    const from = j === 0 ? 0 : docs[j - 1]!.range[2];
    const m = /^---/m.exec(text.slice(from, docs[j]!.range[0] + 3));
    return m ? from + m.index : from;
  };
  const start = i === 0 ? 0 : marker(i);
  const end = i + 1 < docs.length ? marker(i + 1) : text.length;
  const out = text.slice(0, start) + text.slice(end);
  const again = parseAllDocuments(out);
  const others = docs.filter((_, j) => j !== i);
  if (Array.isArray(again) && again.length === others.length && again.every((d, j) => !d.errors.length && isDeepStrictEqual(d.toJS(), others[j]!.toJS()))) return out;
  return others.map((d) => d.toString({ lineWidth: 0 })).join('---\n').replace(/\n/g, style.eol);
}

/** The slots of ensureFluxKustomization: its defaults, dependencies, components and substitutions. */
export function fluxKustomizationSlots(text: string | undefined, want: FluxKsEntries): Slots {
  const e = readDocument(text, kindIs('Kustomization', want.name));
  if (!e) return {};
  const slots: Slots = {};
  const pre = want.slotPrefix ?? '';
  const put = (slot: string, v: unknown) => v !== undefined && (slots[`${pre}${slot}`] = JSON.stringify(v));
  for (const k of Object.keys(want.defaults)) put(`spec.${k}`, e.valueAt(['spec', k]));
  const deps = (e.valueAt(['spec', 'dependsOn']) as unknown[] | undefined) ?? [];
  for (const d of want.dependsOn) put(`spec.dependsOn: ${d.name}`, deps.find((x) => byName(x, d)));
  const comps = (e.valueAt(['spec', 'components']) as unknown[] | undefined) ?? [];
  for (const c of want.components) if (comps.includes(c)) slots[`${pre}spec.components: ${c}`] = 'listed';
  for (const k of Object.keys(want.substitute)) put(`spec.postBuild.substitute.${k}`, e.valueAt(['spec', 'postBuild', 'substitute', k]));
  return slots;
}

const normLine = (l: string) => l.trim().replace(/^\//, '').replace(/\/$/, '');

/** A line-based ignore file (`.sourceignore`, gitignore syntax): append the entries it lacks, touch nothing else. */
export function ensureLines(current: string | undefined, entries: string[], comment: string): string {
  const have = new Set((current ?? '').split('\n').map(normLine));
  const missing = entries.filter((e) => !have.has(normLine(e)));
  if (current !== undefined && missing.length === 0) return current;
  const { eol } = styleOf(current ?? '');
  const base = current === undefined || current === '' ? '' : current.endsWith('\n') ? current : `${current}${eol}`;
  return `${base}# ${comment}${eol}${missing.join(eol)}${eol}`;
}

/** The slots of ensureLines: each entry present or not. */
export function linesSlots(text: string | undefined, entries: string[]): Slots {
  const have = new Set((text ?? '').split('\n').map(normLine));
  return Object.fromEntries(entries.filter((e) => have.has(normLine(e))).map((e) => [`line: ${normLine(e)}`, 'listed']));
}

/** A document the tool keeps entries in: by kind and name, and the map that holds them. */
export interface MapEntries {
  kind: string;
  name: string;
  /** The map under which the entries sit, e.g. `metadata.labels` of a Namespace, `data` of a ConfigMap. */
  path: string[];
  entries: Record<string, string>;
}

/**
 * The document `want` names holds each of its entries with the tool's value (a Namespace's PSA
 * labels, a ConfigMap's `CNPG_OPERATOR_VERSION`); the user's other keys and documents stay.
 * `created` is the text for a new file (or, added as a document of its own, for a file without one).
 */
export function ensureMapEntries(current: string | undefined, want: MapEntries, created: string): string {
  const edit: Edit = (e) => e.setIn(want.path, want.entries, 'differing');
  const base = current ?? created;
  const out = editDocument(base, kindIs(want.kind, want.name), edit);
  if (out !== undefined) return out;
  const { eol } = styleOf(base);
  const sep = base.endsWith('\n') || base === '' ? '' : eol;
  const doc = editDocument(created, kindIs(want.kind, want.name), edit);
  if (doc === undefined) throw new Error(`the created text holds no ${want.kind} ${want.name}`);
  return `${base}${sep}---${eol}${doc.replace(/\r?\n/g, eol)}`;
}

/** The slots of ensureMapEntries: each entry's value as the text holds it. */
export function mapEntriesSlots(text: string | undefined, want: MapEntries): Slots {
  const e = readDocument(text, kindIs(want.kind, want.name));
  if (!e) return {};
  const slots: Slots = {};
  for (const k of Object.keys(want.entries)) {
    const v = e.valueAt([...want.path, k]);
    if (v !== undefined) slots[`${want.path.join('.')}.${k}`] = JSON.stringify(v);
  }
  return slots;
}
