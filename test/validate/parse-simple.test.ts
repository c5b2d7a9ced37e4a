import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readSimpleYamlDocument } from '../../src/simple-yaml.js';
import { yaml11String } from '../../src/validate/kustomize-model.js';
import { parseFull, parseKube, parseSimple, parseText, YAML_OPTIONS } from '../../src/validate/parse.js';
import type { ParsedFile } from '../../src/validate/parse.js';
import { ROOT, yamlFiles } from '../helpers.js';

/** What validate uses of a parsed file: positions, texts and values, and the line a field maps to. */
function view(p: ParsedFile) {
  return {
    ignored: p.ignored,
    problems: p.problems,
    docs: p.docs.map((d) => ({ file: d.file, index: d.index, line: d.line, text: d.text, offset: d.offset, obj: d.obj, metadataLine: d.doc.getIn(['metadata'], true) ? d.lineCounter.linePos((d.doc.getIn(['metadata'], true) as { range: number[] }).range[0]!).line : 0 })),
  };
}

const corpus = ['test/golden', 'test/validate', 'example', 'profiles'].flatMap((d) => yamlFiles(join(ROOT, d)));

describe('validate reads plain block YAML with the simple reader exactly as the full parse does', () => {
  it('on every YAML file of the goldens, the fixtures, the example and the profiles', () => {
    expect(corpus.length).toBeGreaterThan(200);
    const wrong: string[] = [];
    let simple = 0;
    for (const f of corpus) {
      const rel = relative(ROOT, f);
      const text = readFileSync(f, 'utf8');
      const fast = parseSimple(rel, text);
      if (!fast) continue;
      simple++;
      try {
        expect(view(fast)).toEqual(view(parseFull(rel, text)));
      } catch {
        wrong.push(rel);
      }
    }
    expect(wrong).toEqual([]);
    // The generated trees are plain block YAML: most files take the fast path (else it is not one).
    expect(simple).toBeGreaterThan(corpus.length / 2);
  });

  it.each([
    ['leading comments and a marker', '# c\napiVersion: v1\nkind: A\n# trailing\n---\n# c2\n\napiVersion: v2\nkind: B\n\n# end\n'],
    ['a first marker', '---\napiVersion: v1\nkind: A\n---\nkind: B\nmetadata:\n  name: x\n'],
    ['go-yaml v2 scalars', 'apiVersion: v1\nkind: A\ndata:\n  a: on\n  b: 0o17\n  c: 1:20\n  d: 017\n  e: 1.5\n  f: ~\n  g: "on"\n'],
    ['a go-yaml v2 key', 'apiVersion: v1\nkind: A\ndata:\n  on: a\n'],
    ['a merge key', 'apiVersion: v1\nkind: A\nb: &x\n  c: 1\nd:\n  <<: *x\n'],
    ['an empty document', 'apiVersion: v1\nkind: A\n---\n---\napiVersion: v1\nkind: B\n'],
  ])('%s', (_what, text) => {
    const fast = parseSimple('f.yaml', text);
    if (fast) expect(view(fast)).toEqual(view(parseFull('f.yaml', text)));
    expect(view(parseText('f.yaml', text))).toEqual(view(parseFull('f.yaml', text)));
  });

  it('parseKube reads scalars as go-yaml v2 does on either path', () => {
    expect(parseKube('a: on\nb: 0o17\nc: 1:20\nd: "on"\n')).toEqual({ a: true, b: 15, c: '1:20', d: 'on' });
    expect(parseKube('a: on\nb: |\n  x\n')).toEqual({ a: true, b: 'x\n' });
  });
});

describe('kustomization files read by the simple reader as yaml reads them (YAML 1.1)', () => {
  const kustomizations = corpus.filter((f) => /\/kustomization\.ya?ml$/.test(f));
  it('on every kustomization of the goldens, the fixtures, the example and the profiles', () => {
    expect(kustomizations.length).toBeGreaterThan(50);
    let read = 0;
    for (const f of kustomizations) {
      const text = readFileSync(f, 'utf8');
      const got = readSimpleYamlDocument(text, yaml11String);
      if (got === undefined) continue;
      read++;
      expect(got, f).toEqual(parse(text, YAML_OPTIONS));
    }
    expect(read).toBeGreaterThan(kustomizations.length / 2);
  });

  it.each(['a: y', 'a: n', 'a: yes', 'a: off', 'a: 1:20', 'a: 0o17', 'a: 017', 'a: 1_000', 'a: .5', 'a: -.inf', 'a: 2001-12-14', 'a: ~', 'a: null', 'a: <<', 'y: a', 'on: a', '1: a'])('declines or agrees on %s', (text) => {
    const got = readSimpleYamlDocument(`${text}\n`, yaml11String);
    if (got !== undefined) expect(got).toEqual(parse(`${text}\n`, YAML_OPTIONS));
  });
});
