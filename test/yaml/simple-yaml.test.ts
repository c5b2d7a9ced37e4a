import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readSimpleYaml, writeSimpleYaml } from '../../src/simple-yaml.js';
import { ROOT, yamlFiles } from '../helpers.js';

/** What the `yaml` package reads: each document's value, or 'error' when any document has an error. */
function reference(text: string): unknown {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return 'error';
  return docs.map((d) => d.toJS());
}

/** The simple reader either declines or reads exactly what the `yaml` package reads. */
function agrees(text: string): boolean {
  const got = readSimpleYaml(text);
  return got === undefined || isDeepStrictEqual(got, reference(text));
}

const corpus = ['test/golden', 'test/validate', 'example', 'profiles'].flatMap((d) => yamlFiles(join(ROOT, d)));

describe('the simple YAML reader reads what the yaml package reads, or declines', () => {
  it('on every YAML file of the goldens, the fixtures, the example and the profiles', () => {
    expect(corpus.length).toBeGreaterThan(200);
    const wrong = corpus.filter((f) => !agrees(readFileSync(f, 'utf8')));
    expect(wrong).toEqual([]);
  });

  it("takes the tool's own records and the ks.yaml files it creates (the hot path stays fast)", () => {
    const own = corpus.filter((f) => f.includes('/.cnpg/answers/') || (f.endsWith('/ks.yaml') && readFileSync(f, 'utf8').startsWith('# Created by cnpg-scaffold')));
    expect(own.length).toBeGreaterThan(20);
    expect(own.filter((f) => readSimpleYaml(readFileSync(f, 'utf8')) === undefined)).toEqual([]);
  });

  it.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a byte-order mark', '\ufeffa: 1\n'],
    ['tabs', 'a:\t1\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a folded block scalar', 'a: >\n  x\n'],
    ['a flow map', 'a: {b: 1}\n'],
    ['a multi-line plain scalar', 'a: b\n  c\n'],
    ['an unclosed quote', 'a: "b\n  c"\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['numbers other than plain decimals', 'a: 0x1F\n', 'a: 0o17\n', 'a: 007\n', 'a: -0\n', 'a: 1.5\n', 'a: .inf\n', 'a: 1e3\n'],
    ['a non-string key', '1: a\n', 'true: a\n', 'null: a\n'],
    ['an empty document', 'a: 1\n---\n'],
    ['a scalar document', 'just text\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
  ])('declines %s', (_what, ...texts) => {
    for (const t of texts) expect(readSimpleYaml(t), JSON.stringify(t)).toBeUndefined();
  });

  it('reads comments, flush and compact sequences, quotes and the core schema words', () => {
    const text = [
      '# head',
      '---',
      'a:',
      '- x # trailing',
      '- name: y',
      '  n: 7',
      'b:',
      '  c: "q\\"\\n\\x41" # c',
      "  d: 'it''s'",
      '  e: ~',
      '  f: False',
      '  g: -12',
      '  h: []',
      '  i: {}',
      '  j: 0 3 * * *',
      '  k: ghcr.io/x:1.2',
      '  l:',
      '---',
      '- 1',
      '',
    ].join('\n');
    expect(readSimpleYaml(text)).toEqual(reference(text));
    expect(readSimpleYaml(text)).toEqual([
      { a: ['x', { name: 'y', n: 7 }], b: { c: 'q"\nA', d: "it's", e: null, f: false, g: -12, h: [], i: {}, j: '0 3 * * *', k: 'ghcr.io/x:1.2', l: null } },
      [1],
    ]);
  });

  it.each([
    ['a clipped literal', 'a: |\n  x\n\n    y\n  # not a comment\n\n\nb: 1\n'],
    ['a stripped literal in a sequence', 'a:\n- |-\n  x\n  y\n- k: |\n    z\n  l: 2\n'],
    ['a literal in a compact map', '- a: |\n    x\n  b: |-\n    y\n---\nc: 1\n'],
    ['leading empty lines', 'a: |\n\n\n  x\n'],
    ['a literal at a sequence entry', 'a:\n  - |\n   x\n'],
  ])('reads %s as the yaml package does', (_what, text) => {
    expect(readSimpleYaml(text)).toBeDefined();
    expect(readSimpleYaml(text)).toEqual(reference(text));
  });

  it.each([
    ['a kept literal', 'a: |+\n  x\n\n'],
    ['an indentation indicator', 'a: |2\n   x\n'],
    ['a literal at the end without a line break', 'a: |\n  x'],
    ['an empty literal', 'a: |\nb: 1\n'],
    ['a literal then a comment', 'a: |\n  x\n# c\nb: 1\n'],
    ['a line between indents', 'a:\n    b: |\n        x\n      y\n'],
    ['a line of spaces', 'a: |\n  x\n   \n  y\n'],
    ['a folded block', 'a: >\n  x\n'],
  ])('declines %s', (_what, text) => {
    expect(readSimpleYaml(text)).toBeUndefined();
  });

  // Tokens that sit at the edges of the grammar: indicators, numbers, quotes, comments, indentation.
  const tokens = ['a', 'b', 'k', '-', '- ', ':', ': ', '#', ' #', ' ', '  ', '\n', '\n  ', '\n- ', '"', "'", '\\', '[', ']', '{', '}', ',', '&', '*', '!',
    '|', '|-', ': |\n', '\n    ', '>', '?', '%', '@', '---', '...', '0', '1', '-1', '0x', '.5', 'e3', 'true', 'null', '~', 'No', '__proto__', 'x:y', '\\n', '\\x4', 'é'];

  it('on generated texts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 40 }), (parts) => agrees(`${parts.join('')}\n`)),
      { numRuns: 2000 },
    );
  });

  // Documents built as trees and written with every layout the grammar has, values written raw (plain
  // whatever they hold, so the reader must resolve them as the core schema does, or decline).
  const scalars = ['a', 'x y', '0 3 * * *', '1', '-1', '-0', '007', '1.5', '1.', '.5', '0x1F', '0o7', 'true', 'True', 'TRUE', 'tRue', 'yes', 'null', 'Null', 'NULL',
    '~', 'a#b', 'a #b', 'a:b', 'a: b', 'a:', '-a', '- a', '?a', ':a', 'e3', '1e3', '+1', '.inf', '-.Inf', '.nan', '__proto__', 'é', '"q"', "'s'", '"a\\"b"',
    '"\\x41\\u00e9"', '"\\e"', "'it''s'", '[]', '{}', '[ ]', '@x', '%x', '&a x', '*a', '!t x', '|', '>', 'a,b', '[a]', 'a]', '<<', '12345678901234567890',
    '0.0.1', '2001-12-14', 'x # c', '"x" # c', '"x"#c', "''", '""', '1_000', 'a  b', ''];
  const keys = ['a', 'b', 'k1', 'app.kubernetes.io/name', 'A_B', '1', 'true', 'null', '~', '-x', 'x-', '.x', '0x1', 'e5', '__proto__', 'a b', '"q"', 'x:y', 'k8s:io.x', 'a::', 'a:', ':a', 'a: b'];
  // Literal blocks: the lines after the first are written one level deeper than their key or `-`.
  const blocks = ['|\nx', '|-\nx\n\n  y', '|\n# x\ny', '|\n\nx\n', '|-\nx\n', '|+\nx', '|2\n x', '>\nx'];
  const common = ['a', 'x y', '0 3 * * *', '1', '-1', 'true', 'False', '~', 'ghcr.io/x:1.2', '"q\\""', "'s'", '[]', '{}', 'a#b', 'x # c', '-a'];
  type Tree = string | { map: [string, Tree][] } | { seq: Tree[] };
  const tree = fc.letrec<{ node: Tree }>((t) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof({ arbitrary: fc.constantFrom(...common), weight: 6 }, { arbitrary: fc.constantFrom(...scalars), weight: 1 }, { arbitrary: fc.constantFrom(...blocks), weight: 1 }),
      fc.record({ map: fc.uniqueArray(fc.tuple(fc.oneof({ arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'k8s:io.x/y'), weight: 8 }, { arbitrary: fc.constantFrom(...keys), weight: 1 }), t('node')), { selector: ([k]) => k, minLength: 1, maxLength: 4 }) }),
      fc.record({ seq: fc.array(t('node'), { minLength: 1, maxLength: 3 }) }),
    ),
  })).node;
  const layout = fc.infiniteStream(fc.nat({ max: 9 }));
  /** Lines of `node` at column `col`; `pick` chooses among layouts. */
  function lines(node: Tree, col: number, pick: () => number): string[] {
    const pad = ' '.repeat(col);
    const comment = () => (pick() === 0 ? [`${' '.repeat(pick())}# c`] : []);
    const deeper = (v: string) => v.split('\n').map((l, i) => (i === 0 || l === '' ? l : `${pad}${' '.repeat(1 + (pick() % 2))}${l}`));
    if (typeof node === 'string') return [`${pad}${node}`];
    if ('map' in node) {
      return node.map.flatMap(([k, v]) => {
        if (typeof v === 'string') return [...comment(), ...deeper(`${pad}${k}: ${v}`)];
        const flush = 'seq' in v && pick() < 3;
        return [...comment(), `${pad}${k}:`, ...lines(v, flush ? col : col + 1 + (pick() % 3), pick)];
      });
    }
    return node.seq.flatMap((v) => {
      if (typeof v === 'string') return deeper(`${pad}- ${v}`);
      if ('map' in v && pick() < 5) {
        const [first, ...rest] = lines(v, col + 2, pick);
        return [`${pad}- ${first!.trimStart()}`, ...rest];
      }
      return [`${pad}-`, ...lines(v, col + 2, pick)];
    });
  }

  it('on generated documents in every layout', () => {
    let read = 0;
    let readBlocks = 0;
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), layout, (docs, stream) => {
        const it = stream[Symbol.iterator]();
        const pick = () => it.next().value as number;
        const text = `${docs.map((d) => lines(d, 0, pick).join('\n')).join('\n---\n')}\n`;
        if (readSimpleYaml(text) !== undefined) {
          read++;
          if (/(?:: |- )\|-?\n/.test(text)) readBlocks++;
        }
        return agrees(text);
      }),
      { numRuns: 3000 },
    );
    // The property has teeth only where the reader reads: a good share of the texts must be read.
    expect(read).toBeGreaterThan(300);
    expect(readBlocks).toBeGreaterThan(50);
  });

  it("on the tool's own files with random edits", () => {
    const seeds = corpus.filter((f) => f.includes('/.cnpg/answers/') || f.endsWith('/ks.yaml')).map((f) => readFileSync(f, 'utf8'));
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...tokens)), { minLength: 1, maxLength: 4 }), (seed, edits) => {
        let text = seed;
        for (const [at, cut, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        return agrees(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the simple YAML writer writes what the yaml package writes, or declines', () => {
  const writesAsYaml = (v: unknown) => {
    const got = writeSimpleYaml(v);
    return got === undefined || got === stringify(v, { lineWidth: 0 });
  };

  it("on every record of the goldens and the example, and takes the apps' records", () => {
    const records = corpus.filter((f) => f.includes('/.cnpg/answers/'));
    const values = records.map((f) => parse(readFileSync(f, 'utf8')) as unknown);
    expect(values.filter((v) => !writesAsYaml(v))).toEqual([]);
    const apps = records.filter((f) => f.includes('/answers/apps/'));
    expect(apps.length).toBeGreaterThan(10);
    expect(apps.filter((f) => writeSimpleYaml(parse(readFileSync(f, 'utf8'))) === undefined)).toEqual([]);
  });

  it('on generated values', () => {
    const chars = fc.constantFrom(...'aZ09 _-./:#,?*@"\'%&!|>[]{}~=+()\n\té'.split(''));
    const text = fc.oneof(
      { arbitrary: fc.constantFrom('a', 'x y', '0 3 * * *', 'ghcr.io/x:1', 'app-1', 'a,b', 'a:b', '*'), weight: 6 },
      fc.string({ unit: chars, maxLength: 8 }),
      fc.constantFrom('', '7', '-7', '007', '1.5', '.5', '1e3', '0x1F', '0o7', 'true', 'True', 'no', 'null', '~', '---', '...x', '%x', '-', '?', '- a', 'a: b', 'a #b', 'a:', ' a', 'a '),
    );
    const key = fc.oneof({ arbitrary: fc.constantFrom('a', 'b', 'name', 'A_1'), weight: 12 }, text);
    const value = fc.letrec<{ v: unknown }>((t) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.double(),
        fc.integer({ min: -9, max: 99 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(t('v'), { maxLength: 3 }),
        fc.dictionary(key, t('v'), { maxKeys: 3 }),
      ),
    })).v;
    let written = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }), (v) => {
        if (writeSimpleYaml(v) !== undefined) written++;
        return writesAsYaml(v);
      }),
      { numRuns: 3000 },
    );
    expect(written).toBeGreaterThan(300);
  });
});
