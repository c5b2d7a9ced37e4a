/**
 * A reader for the plain block YAML the tool itself writes (records, an app's ks.yaml), exact or
 * silent: it returns each document's value as the `yaml` package's `parseAllDocuments(text)` and
 * `toJS()` give it, or undefined for anything outside its small grammar, and the caller then parses
 * with `yaml` (which stays the reader of record, with its error messages). At 1,000 apps the `yaml`
 * document model cost a third of `regen --check`: every record and every ks.yaml was composed in
 * full to read a few values. test/yaml/simple-yaml.test.ts compares the two readers on every file of
 * the goldens and on generated texts, and checks that the tool's own files take this path.
 *
 * The grammar: `---` between documents, `#` comment lines, block maps with plain keys, block
 * sequences (also flush under their key, and `- key: v` compact maps), and one-line scalars: plain,
 * single- or double-quoted (common escapes), `[]` and `{}`, and literal blocks (`|`, `|-`: the
 * scripts of manifests). Plain scalars resolve as the YAML 1.2 core schema does (null, booleans,
 * decimal integers, strings; or as the caller's resolver says); anything else that the schema would
 * read as a number, any tag, anchor, alias, flow collection, other block scalar, multi-line scalar, tab,
 * CR, byte-order mark, directive or duplicate key is declined.
 */

interface Line {
  indent: number;
  text: string;
  /** The value of the literal block scalar this line opens (its lines are not lines of their own). */
  block?: string;
}

class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

// Characters the grammar leaves to the `yaml` package: tabs, CR, other controls, BOM, line separators.
const UNUSUAL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_./:-]*$/;
// What the core schema reads as a number (any spelling) or null/bool: plain text decided here or declined.
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const DECIMAL = /^(?:0|-?[1-9][0-9]*)$/;
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
// A plain scalar may not start with an indicator (YAML 1.2 [22]); `-`, `?`, `:` only before a non-space.
const INDICATOR_START = /^(?:[,[\]{}#&*!|>'"%@`<]|[-?:](?: |$))/;

/**
 * How a reader other than the core schema resolves an untagged one-line plain scalar (`validate`
 * reads manifests as Kubernetes' go-yaml v2 does): its value, or DECLINE to decline the text.
 * Keys it would resolve to anything but the same string are declined too.
 */
export type PlainResolver = (plain: string) => unknown;
export const DECLINE: unique symbol = Symbol('decline');

// The resolver of the read in progress (reads are synchronous, so one at a time).
let resolver: PlainResolver | undefined;

/** Each document's value, as `parseAllDocuments(text).map((d) => d.toJS())` gives it; undefined when declined. */
export function readSimpleYaml(text: string, resolvePlain?: PlainResolver): unknown[] | undefined {
  if (UNUSUAL.test(text)) return undefined;
  resolver = resolvePlain;
  try {
    const docs = documents(text);
    return docs.length ? docs.map(documentValue) : undefined;
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  } finally {
    resolver = undefined;
  }
}

/** The one document of `text` (what `parse(text)` returns), or undefined when declined or not exactly one. */
export function readSimpleYamlDocument(text: string, resolvePlain?: PlainResolver): unknown {
  const docs = readSimpleYaml(text, resolvePlain);
  return docs?.length === 1 ? docs[0] : undefined;
}

/** The content lines of each document (comments and blank lines dropped). */
function documents(text: string): Line[][] {
  const docs: Line[][] = [];
  let current: Line[] = [];
  let started = false;
  const raw = text.split('\n');
  for (let n = 0; n < raw.length; n++) {
    const line = raw[n]!;
    if (line === '---') {
      // Only comments before the first `---`: no document of their own.
      if (started || current.length) docs.push(current);
      current = [];
      started = true;
      continue;
    }
    if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) decline();
    const indent = line.length - line.trimStart().length;
    const body = line.slice(indent);
    if (body === '' || body.startsWith('#')) continue;
    if (body.endsWith(' ')) decline(); // trailing spaces: left to the full parser
    // Only a line ending in `|` or `|-` can be one: most lines skip the regex.
    const header = body.endsWith('|') || body.endsWith('|-') ? BLOCK_HEADER.exec(body) : null;
    if (header) {
      // The block's parent: the key (after any `- `), or the sequence of a `- |` entry.
      const parent = header[1] === undefined ? indent : indent + (body.length - body.replace(/^- +/, '').length);
      const [block, end] = literal(raw, n + 1, parent, header[2] === '-');
      current.push({ indent, text: body, block });
      n = end - 1;
      continue;
    }
    current.push({ indent, text: body });
  }
  if (started || current.length) docs.push(current);
  return docs;
}

// A line whose value is a literal block scalar, clipped or stripped: `key: |`, `- key: |-`, `- |`.
const BLOCK_HEADER = /^(?:- |[^#]*?(: ))?\|(-?)$/;

/**
 * The value of the literal block scalar whose lines start at `from`, as YAML reads `|` (clip) or
 * `|-` (strip), and the index of the first line after it. Its indentation is that of its first
 * line, deeper than `parent`; declined: an empty block, lines of spaces, trailing spaces, a block
 * that ends the text without a line break, or one followed by a comment or a line between indents.
 */
function literal(raw: string[], from: number, parent: number, strip: boolean): [string, number] {
  let i = from;
  while (raw[i] === '') i++;
  const first = raw[i];
  if (first === undefined) return decline();
  const n = first.length - first.trimStart().length;
  if (n <= parent || first.trim() === '') decline();
  const content: string[] = Array.from({ length: i - from }, () => '');
  let last = i; // the last content line
  for (; i < raw.length; i++) {
    const line = raw[i]!;
    if (line === '') {
      content.push('');
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (indent < n) {
      if (line.trim() === '' || indent > parent || line.trimStart().startsWith('#')) decline();
      break;
    }
    if (line.endsWith(' ')) decline();
    content.push(line.slice(n));
    last = i;
  }
  if (last === raw.length - 1) decline(); // no line break after the last line
  const body = content.slice(0, last - from + 1).join('\n');
  return [strip ? body : `${body}\n`, last + 1];
}

function documentValue(lines: Line[]): unknown {
  // An empty document (null), a scalar document: left to the full parser.
  if (!lines.length || lines[0]!.indent !== 0) decline();
  const [value, next] = block(lines, 0, 0);
  if (next !== lines.length) decline();
  return value;
}

const isItem = (t: string) => t === '-' || t.startsWith('- ');

/** The key of a `key:` or `key: value` line, or undefined when the line is not one. */
function keyOf(t: string): string | undefined {
  // The key ends at the first `: `, or at a `:` that ends the line (`k8s:io.kubernetes.pod.namespace: x`).
  const spaced = t.indexOf(': ');
  const colon = spaced !== -1 ? spaced : t.endsWith(':') ? t.length - 1 : -1;
  if (colon <= 0) return undefined;
  const key = t.slice(0, colon);
  const kind = keyKind(key);
  if (kind === 'none') return undefined;
  if (kind === 'declined') decline();
  if (resolver && resolver(key) !== key) decline();
  return key;
}

// The same few keys (apiVersion, kind, metadata, name...) recur on every line of every file: the
// five tests of a key are remembered, bounded for texts of many distinct keys.
const keyKinds = new Map<string, 'key' | 'none' | 'declined'>();
function keyKind(key: string): 'key' | 'none' | 'declined' {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    if (!KEY.test(key) || key.endsWith(':')) kind = 'none';
    // A key the core schema reads as something other than a string, or one JS objects treat apart.
    else if (NULL.test(key) || BOOL.test(key) || INT.test(key) || OTHER_NUMBER.test(key) || key === '__proto__') kind = 'declined';
    else kind = 'key';
    if (keyKinds.size >= 4096) keyKinds.clear();
    keyKinds.set(key, kind);
  }
  return kind;
}

function block(lines: Line[], i: number, indent: number): [unknown, number] {
  const t = lines[i]!.text;
  if (isItem(t)) return sequence(lines, i, indent);
  if (keyOf(t) !== undefined) return map(lines, i, indent);
  return decline();
}

/** The value after `key:` or `-` when nothing follows on the line: a nested block, or null. */
function nested(lines: Line[], i: number, indent: number, flushSeq: boolean): [unknown, number] {
  const next = lines[i];
  if (next && next.indent > indent) return block(lines, i, next.indent);
  if (next && flushSeq && next.indent === indent && isItem(next.text)) return sequence(lines, i, indent);
  return [null, i];
}

/** After a one-line scalar, a deeper line would continue it (or be an error): declined. */
function scalarEnds(lines: Line[], i: number, indent: number): void {
  const next = lines[i];
  if (next && next.indent > indent) decline();
}

function map(lines: Line[], i: number, indent: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.indent < indent) break;
    if (line.indent > indent) decline();
    const key = keyOf(line.text);
    if (key === undefined) {
      if (isItem(line.text)) break; // a flush sequence ends here: the caller decides
      decline();
    }
    if (Object.hasOwn(out, key!)) decline();
    const rest = line.text.slice(key!.length + 1).trimStart();
    if (rest === '' || rest.startsWith('#')) {
      [out[key!], i] = nested(lines, i + 1, indent, true);
    } else {
      out[key!] = scalar(rest, line.block);
      scalarEnds(lines, ++i, indent);
    }
  }
  return [out, i];
}

function sequence(lines: Line[], i: number, indent: number): [unknown[], number] {
  const out: unknown[] = [];
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.indent < indent) break;
    if (line.indent > indent) decline();
    if (!isItem(line.text)) {
      break; // back in the map this sequence sits flush under
    }
    const after = line.text.slice(1);
    const rest = after.trimStart();
    if (rest === '' || rest.startsWith('#')) {
      let value: unknown;
      [value, i] = nested(lines, i + 1, indent, false);
      out.push(value);
    } else if (isItem(rest)) {
      decline(); // `- - a`
    } else if (keyOf(rest) !== undefined) {
      // `- key: v`: a map whose keys sit where `key` starts.
      const col = indent + 1 + (after.length - rest.length);
      lines[i] = { indent: col, text: rest, block: line.block };
      let value: unknown;
      [value, i] = map(lines, i, col);
      out.push(value);
    } else {
      out.push(scalar(rest, line.block));
      scalarEnds(lines, ++i, indent);
    }
  }
  // Lines of the same indent that are not items end a sequence only where it sits flush under a key.
  return [out, i];
}

/** After a quoted scalar or `[]`: nothing, or a comment. */
function tail(rest: string): void {
  if (rest !== '' && !/^ +#/.test(rest)) decline();
}

function scalar(text: string, block?: string): unknown {
  if (block !== undefined) return text === '|' || text === '|-' ? block : decline();
  const c = text[0];
  if (c === '"') return doubleQuoted(text);
  if (c === "'") return singleQuoted(text);
  if (text.startsWith('[]') || text.startsWith('{}')) {
    tail(text.slice(2));
    return text[0] === '[' ? [] : {};
  }
  if (INDICATOR_START.test(text)) decline();
  const hash = text.indexOf(' #');
  const value = hash === -1 ? text : text.slice(0, hash).trimEnd();
  if (value.includes(': ') || value.endsWith(':')) decline();
  if (resolver) {
    const resolved = resolver(value);
    return resolved === DECLINE ? decline() : resolved;
  }
  if (NULL.test(value)) return null;
  if (BOOL.test(value)) return value[0] === 't' || value[0] === 'T';
  if (INT.test(value)) {
    const n = Number(value);
    if (!DECIMAL.test(value) || !Number.isSafeInteger(n)) decline();
    return n;
  }
  if (OTHER_NUMBER.test(value)) decline();
  return value;
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t', '/': '/', '0': '\0', r: '\r' };

function doubleQuoted(text: string): string {
  let out = '';
  let i = 1;
  for (;;) {
    const ch = text[i];
    if (ch === undefined) return decline(); // continues on the next line
    if (ch === '"') break;
    if (ch === '\\') {
      const e = text[i + 1]!;
      if (e in ESCAPES) {
        out += ESCAPES[e];
        i += 2;
        continue;
      }
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : 0;
      const digits = text.slice(i + 2, i + 2 + hex);
      if (!hex || !new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) decline();
      const code = Number.parseInt(digits, 16);
      if (code >= 0xd800 && code <= 0xdfff) decline();
      out += String.fromCharCode(code);
      i += 2 + hex;
      continue;
    }
    out += ch;
    i++;
  }
  tail(text.slice(i + 1));
  return out;
}

function singleQuoted(text: string): string {
  let out = '';
  let i = 1;
  for (;;) {
    const ch = text[i];
    if (ch === undefined) return decline();
    if (ch === "'") {
      if (text[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      break;
    }
    out += ch;
    i++;
  }
  tail(text.slice(i + 1));
  return out;
}

/**
 * The writer's half: `value` as `stringify(value, { lineWidth: 0 })` of the `yaml` package writes it,
 * or undefined where that takes rules this one does not model (then the caller stringifies). For the
 * records (`serializeRecord`), which a run writes or compares for every unit: maps and sequences in
 * block style, plain keys, and scalars whose quoting follows from yaml's plain-string rule alone.
 */
export function writeSimpleYaml(value: unknown): string | undefined {
  try {
    if (!isPlainObject(value) || !Object.keys(value).length) return undefined;
    return `${writeMap(value, 0).join('\n')}\n`;
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

// Characters whose quoting is decided by yaml's plain-string rule alone (no escapes, no quote marks).
const WRITABLE = /^[A-Za-z0-9_./@*,:+=~?() -]*$/;
// yaml's stringifyString plainString: what may not be written plain (an indicator first, `: `, ` #`, ...).
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const WRITE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const coreTagged = (s: string) => s === '' || NULL.test(s) || BOOL.test(s) || INT.test(s) || OTHER_NUMBER.test(s);

function writeScalar(v: unknown): string | undefined {
  if (typeof v === 'string') {
    if (!WRITABLE.test(v) || /^(?:---|\.\.\.)/.test(v)) decline();
    // Plain unless the rule or a core tag (a number, a boolean, null) would read it otherwise: then double-quoted.
    return NOT_PLAIN.test(v) || coreTagged(v) ? `"${v}"` : v;
  }
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : decline();
  if (Array.isArray(v) && !v.length) return '[]';
  if (isPlainObject(v) && !Object.keys(v).length) return '{}';
  if (Array.isArray(v) || isPlainObject(v)) return undefined;
  return decline();
}

function writeMap(m: Record<string, unknown>, col: number): string[] {
  const pad = ' '.repeat(col);
  const out: string[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (!WRITE_KEY.test(k) || coreTagged(k)) decline();
    const s = writeScalar(v);
    if (s !== undefined) out.push(`${pad}${k}: ${s}`);
    else out.push(`${pad}${k}:`, ...(Array.isArray(v) ? writeSeq(v, col + 2) : writeMap(v as Record<string, unknown>, col + 2)));
  }
  return out;
}

function writeSeq(items: unknown[], col: number): string[] {
  const pad = ' '.repeat(col);
  return items.flatMap((v) => {
    const s = writeScalar(v);
    if (s !== undefined) return [`${pad}- ${s}`];
    if (Array.isArray(v)) return decline();
    const [first, ...rest] = writeMap(v as Record<string, unknown>, col + 2);
    return [`${pad}- ${first!.trimStart()}`, ...rest];
  });
}
