import { Document, parse, visit } from 'yaml';

/**
 * How the readers that matter see a plain YAML scalar, and how to write a string so that every
 * one of them reads it back unchanged.
 *
 * Kubernetes and Flux decode with sigs.k8s.io/yaml, i.e. go-yaml v2 (YAML 1.1 rules). Its resolver
 * (go-yaml v2 resolve.go, as forked in kubernetes-sigs/yaml@742f5e6 goyaml.v2/resolve.go) is not
 * the `yaml` package's 1.1 schema: it reads `0o17`, `0x_1F`, `08` as numbers and `1:20` as a
 * string, so it is modelled here from that source; the `yaml` package's 1.1 and 1.2 readers are
 * checked as well, so a value is written plain only when all of them agree it is that string.
 */

/** Exact words go-yaml v2 maps to bool, null, float or merge (resolve.go resolveMapList). */
const V2_WORDS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((w) => [w, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((w) => [w, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((w) => [w, null] as const),
  ...['.nan', '.NaN', '.NAN'].map((w) => [w, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((w) => [w, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((w) => [w, Number.NEGATIVE_INFINITY] as const),
  ['<<', '<<'],
]);

/** Go strconv.ParseInt/ParseUint with base 0 (after go-yaml removed every `_`). */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** resolve.go yamlStyleFloat. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go strconv.ParseFloat for a value starting with `.` (decimal forms; Go also takes `_` between digits). */
const GO_DOT_FLOAT = /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/;
/** resolve.go allowedTimestampFormats, loosely: a value starting `YYYY-M-D` is a timestamp candidate. */
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/;
/** encode.go isBase60Float: quoted on the way out although the v2 reader takes it as a string. */
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

export type V2Kind = 'str' | 'bool' | 'null' | 'int' | 'float' | 'timestamp' | 'merge';

/** The tag go-yaml v2 gives a plain scalar, and its value (a timestamp keeps its text here; through JSON Kubernetes gets it as an RFC 3339 string, so only its spelling changes). */
export function resolvePlainV2(s: string): { kind: V2Kind; value: unknown } {
  if (V2_WORDS.has(s)) {
    const v = V2_WORDS.get(s);
    const kind: V2Kind = v === null ? 'null' : typeof v === 'boolean' ? 'bool' : v === '<<' ? 'merge' : 'float';
    return { kind, value: v };
  }
  const c = s[0] ?? '';
  if (c === '.') {
    if (GO_DOT_FLOAT.test(s)) return { kind: 'float', value: Number(s.replace(/_/g, '')) };
    return { kind: 'str', value: s };
  }
  if (/[-+0-9]/.test(c)) {
    if (TIMESTAMP.test(s)) return { kind: 'timestamp', value: s };
    const plain = s.replace(/_/g, '');
    if (GO_INT.test(plain)) return { kind: 'int', value: goInt(plain) };
    if (YAML_STYLE_FLOAT.test(plain)) return { kind: 'float', value: Number(plain) };
    if (/^-0b[01]+$/.test(plain)) return { kind: 'int', value: -Number.parseInt(plain.slice(3), 2) };
  }
  return { kind: 'str', value: s };
}

function goInt(s: string): number {
  const neg = s.startsWith('-');
  const body = s.replace(/^[-+]/, '');
  const n = /^0[0-7]+$/.test(body) ? Number.parseInt(body, 8) : /^0[oO]/.test(body) ? Number.parseInt(body.slice(2), 8) : Number(body);
  return neg ? -n : n;
}

/** A string go-yaml v2's encoder would not write plain (it resolves to another tag, or looks sexagesimal). */
export function v2NeedsQuotes(s: string): boolean {
  return resolvePlainV2(s).kind !== 'str' || BASE60.test(s);
}

/**
 * What npmReadersAgree found for a string: it parses twice, and a repository's answers repeat the
 * same few values (namespaces, store names, schedules) in every app. A pure function's results, so
 * sharing them across runs in one process changes nothing; bounded so a long process stays small.
 */
const agreed = new Map<string, boolean>();
const AGREED_MAX = 50_000;

/** True when `key: <s>` reads back as exactly `s` in the `yaml` package's 1.1 and 1.2 readers. */
function npmReadersAgree(s: string): boolean {
  let known = agreed.get(s);
  if (known === undefined) {
    if (agreed.size >= AGREED_MAX) agreed.clear();
    known = readersAgree(s);
    agreed.set(s, known);
  }
  return known;
}

/**
 * Words that start with a letter and hold only letters, digits and `_ . / @ : = + -` (not ending in
 * `:`), that no tag of the `yaml` package's 1.1 or 1.2 schemas resolves (node_modules/yaml/dist/schema:
 * yaml-1.1 and core bool, null, int, float, timestamp and merge tests): every such tag needs a
 * leading digit, sign, dot, `~` or `<`, except these words and the 1.1 float with an empty mantissa
 * (`e5`), and inside a block value such a word is one plain scalar. Names, kinds, host names, image
 * references and URLs are all such words, so a run parses almost none of its values. So are
 * quantities, a number then letters (`5Gi`, `500m`, `30d`): a tag that takes digits ends in a digit
 * or holds `.`, `:` or `-`, and a leading `0` (`0x1F`) is left to the parse.
 * test/yaml/scalars.test.ts compares this shortcut with the parse on every short word and quantity
 * and on random longer words and paths.
 */
const PLAIN_WORD = /^[A-Za-z][A-Za-z0-9_./@:=+-]*$/;
const QUANTITY = /^[1-9][0-9]*[A-Za-z]+$/;
const TAGGED_WORDS = new Set(
  ['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null'].flatMap((w) => [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)]),
);
/** Relative paths: `./apps/app-1`, `kubernetes/apps/ns/app`. */
const PLAIN_PATH = /^(\.\/|[a-z])[a-z0-9_./-]*$/;
export const plainWord = (s: string): boolean =>
  (PLAIN_WORD.test(s) && !s.endsWith(':') && !TAGGED_WORDS.has(s) && !/^[eE][-+]?[0-9]+$/.test(s)) || QUANTITY.test(s) || (s.includes('/') && PLAIN_PATH.test(s));

const readersAgree = (s: string): boolean => plainWord(s) || parsedAgree(s);

/** What the two readers make of `key: <s>`, parsed (exported for the test that checks plainWord against it). */
export function parsedAgree(s: string): boolean {
  for (const version of ['1.1', '1.2'] as const) {
    try {
      const v = parse(`k: ${s}\n`, { version, uniqueKeys: false }) as unknown;
      if (typeof v !== 'object' || v === null || (v as Record<string, unknown>).k !== s || Object.keys(v).length !== 1) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Characters that are plain-safe anywhere a flow scalar may stand (no spaces, no flow indicators, no `#`). */
const FLOW_PLAIN = /^[A-Za-z0-9_./-][A-Za-z0-9_./@:=+-]*$/;

/** Written plain in any context (block value, flow collection, sequence item) and read back as itself. */
export function plainEverywhere(s: string): boolean {
  return FLOW_PLAIN.test(s) && !s.includes(': ') && !s.endsWith(':') && !v2NeedsQuotes(s) && npmReadersAgree(s);
}

/**
 * go-yaml v2 emitter analysis (emitterc.go yaml_emitter_analyze_scalar) for a block context:
 * whether the encoder may write `s` plain after a key. Also the condition for a raw value that
 * Flux inserts after `key: ` to read back as itself.
 */
export function blockPlainAllowed(s: string): boolean {
  if (s === '' || s.startsWith('---') || s.startsWith('...')) return false;
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/[\n\r\u0085\u2028\u2029]/.test(s)) return false;
  if (!isPrintable(s)) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s)) return false;
  if (/^[?:-](\s|$)/.test(s)) return false;
  if (/:(\s|$)/.test(s) || /\s#/.test(s)) return false;
  if (/\t/.test(s)) return false;
  return true;
}

/** Plain after `key: ` in block context, read back as exactly `s` by every reader. */
export function plainInBlock(s: string): boolean {
  return blockPlainAllowed(s) && !v2NeedsQuotes(s) && npmReadersAgree(s);
}

/** YAML printable set shared by 1.1 and 1.2 readers, minus what go-yaml's emitter will not print raw (BOM, C1, DEL, LS/PS). */
function isPrintable(s: string): boolean {
  for (const ch of s) if (mustEscape(ch.codePointAt(0)!)) return false;
  return true;
}

function mustEscape(c: number): boolean {
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0xa0) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0xfeff ||
    (c >= 0xd800 && c <= 0xdfff) ||
    c === 0xfffe ||
    c === 0xffff
  );
}

/**
 * A double-quoted scalar both YAML 1.1 and 1.2 readers decode to `s`. JSON.stringify is not enough:
 * it leaves DEL, C1 controls, NEL, U+2028/U+2029 and the BOM raw, which YAML 1.1 folds as line
 * breaks or rejects as non-printable.
 */
export function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (mustEscape(c)) out += c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * `s` quoted as prettier's YAML printer settles it, so the tool's output needs no formatter pass:
 * double quotes, except that a string holding `"` and needing no other escape is single-quoted
 * (prettier 3's YAML printer, its quoteDouble/quoteSingle case: the quote needing fewer escapes).
 * Both forms read back as `s` in YAML 1.1 and 1.2.
 */
export function quoted(s: string): string {
  const double = doubleQuoted(s);
  if (/\\[^"]/.test(double.slice(1, -1)) || !s.includes('"')) return double;
  return `'${s.replace(/'/g, "''")}'`;
}

/** One scalar, safe anywhere a flow scalar may stand: plain when every reader agrees, else quoted. */
export function scalarText(s: string): string {
  return plainEverywhere(s) ? s : quoted(s);
}

/**
 * Multi-line text that a literal block keeps through the formatter and every reader: printable,
 * no blank or space-led first line, no trailing blanks on a line, at most one final newline
 * (a keep-chomped `|+` tail of empty lines does not survive being indented into a template).
 */
function literalSafe(s: string): boolean {
  if (!s.includes('\n') || /^[\s]/.test(s) || /[ \t]\n|[ \t]$|\n\n$/.test(s)) return false;
  return ![...s].some((ch) => ch !== '\n' && mustEscape(ch.codePointAt(0)!));
}

/** Characters a YAML 1.1 reader folds or rejects; only ever inside double quotes in `yamlBlockText`. */
const RAW_UNSAFE = /[\x7f-\xa0\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * A mapping or sequence as block YAML whose every string reads back unchanged under YAML 1.1 and 1.2:
 * plain only when every reader agrees (`plainInBlock`; keys `plainEverywhere`), a literal block for multi-line text, else double-quoted.
 */
export function yamlBlockText(value: unknown): string {
  return plainBlockText(value) ?? documentBlockText(value);
}

/** yamlBlockText through the `yaml` package's document model: every value, every style. */
export function documentBlockText(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(key, node) {
      if (typeof node.value !== 'string') return;
      const s = node.value;
      // Every collection here is written in block style, so a value may use the block-context rules.
      if (key === 'key' ? plainEverywhere(s) : plainInBlock(s)) node.type = 'PLAIN';
      else if (literalSafe(s)) node.type = 'BLOCK_LITERAL';
      else node.type = quoted(s).startsWith("'") ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
    },
  });
  const text = doc.toString({ lineWidth: 0 });
  // The `yaml` package writes these raw inside double quotes; escaping them there keeps the value.
  return text.replace(RAW_UNSAFE, (ch) => {
    const c = ch.codePointAt(0)!;
    return c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A value for Flux `postBuild.substitute` that reads back as `s` once pasted after `key: ` in a
 * manifest kustomize wrote (where `"${VAR}"` has become plain `${VAR}`): `s` itself when plain is
 * safe, else its double-quoted form. Only right where the variable is the whole scalar; variables
 * used inside a longer scalar (`${APP}-pguser-secret`, the dump script) carry names and numbers
 * that are always plain-safe, so they are passed unchanged.
 */
export function substitutionValue(s: string): string {
  return blockScalar(s);
}

/** `s` as the scalar after `key: ` or `- ` in block style: plain when every reader agrees, else double-quoted. */
export function blockScalar(s: string): string {
  return plainInBlock(s) ? s : quoted(s);
}

/**
 * yamlBlockText's text written directly, for the values most templates pass (strings plain or in
 * double quotes with nothing to escape, integers, booleans, null, maps and sequences of those):
 * building and printing a document model for each was a seventh of a regen writing 1,000 apps.
 * Undefined for anything else (an escape, single quotes, a literal block, a float, a sequence in a
 * sequence), which the model writes.
 * test/yaml/block-text.test.ts holds both to the same text.
 */
export function plainBlockText(value: unknown): string | undefined {
  try {
    const lines = Array.isArray(value) ? blockSeq(value, 0) : isPlainMap(value) ? blockMap(value, 0) : undefined;
    return lines === undefined ? undefined : `${lines.join('\n')}\n`;
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

const DECLINE = Symbol('decline');
const decline = (): never => {
  throw DECLINE;
};
const isPlainMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** A scalar (or an empty collection) on the line of its key or dash; undefined for a collection to nest. */
function blockScalarOf(v: unknown): string | undefined {
  if (typeof v === 'string') {
    if (plainInBlock(v)) return v;
    // Printable ASCII with nothing to escape: what yamlBlockText double-quotes, yaml prints as is ("200").
    return /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(v) ? `"${v}"` : decline();
  }
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : decline();
  if (Array.isArray(v)) return v.length ? undefined : '[]';
  if (isPlainMap(v)) return Object.keys(v).length ? undefined : '{}';
  return decline();
}

function blockMap(m: Record<string, unknown>, col: number): string[] {
  const pad = ' '.repeat(col);
  const entries = Object.entries(m);
  if (!entries.length) return decline();
  return entries.flatMap(([k, v]) => {
    // yaml writes a longer key explicitly (`? `), and quotes one that starts like a document marker.
    if (k.length > 1000 || /^(?:---|\.\.\.)/.test(k) || !plainEverywhere(k)) decline();
    const s = blockScalarOf(v);
    if (s !== undefined) return [`${pad}${k}: ${s}`];
    return [`${pad}${k}:`, ...(Array.isArray(v) ? blockSeq(v, col + 2) : blockMap(v as Record<string, unknown>, col + 2))];
  });
}

function blockSeq(items: unknown[], col: number): string[] {
  const pad = ' '.repeat(col);
  if (!items.length) return decline();
  return items.flatMap((v) => {
    const s = blockScalarOf(v);
    if (s !== undefined) return [`${pad}- ${s}`];
    if (Array.isArray(v)) return decline();
    const [first, ...rest] = blockMap(v as Record<string, unknown>, col + 2);
    return [`${pad}- ${first!.trimStart()}`, ...rest];
  });
}
