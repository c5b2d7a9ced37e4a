import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentBlockText, plainBlockText } from '../../src/yaml-scalar.js';

// `{{block}}`'s direct writer (plainBlockText) must write exactly what the document model does, or
// decline: every template's nested values go through it.

/** Strings near the edges of plain YAML: indicators, separators, words a reader takes as non-strings. */
const edgy = fc.constantFrom('a', 'on', 'yes', 'null', '~', '', ' a', 'a ', '- a', '-a', '? a', '?a', 'a: b', 'a:b', 'a #b', 'a#b', '#a', '*a', '&a', '!a',
  '%a', '@a', '`a', '|', '>', "'a", '"a', '[a]', '{a}', 'a,b', '0755', '1e3', '0x1F', '.5', '1:20', '2001-12-14', '---', '...', 'a\nb', 'é', '\u2028', '<<', '=', 'x'.repeat(1200),
  '200', '443', '0 3 * * *', 'a"b', "it's", "'", 'a\\b', 'a\tb', ' ', 'a  b', '${A}', '"${A}"', '#', ': ', 'a:', '~a', 'x\x7f');
const str = fc.oneof(edgy, fc.string({ maxLength: 12 }), fc.stringMatching(/^[a-z][a-z0-9./:-]{0,15}$/));
const scalar = fc.oneof(str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-0));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, tie('seq'), tie('map')),
  seq: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(str, tie('node'), { maxKeys: 4 }),
}));

describe('plainBlockText', () => {
  it('writes what the yaml document model writes, or declines', () => {
    fc.assert(
      fc.property(fc.oneof(value.map, value.seq), (v) => {
        const fast = plainBlockText(v);
        if (fast !== undefined) expect(fast).toBe(documentBlockText(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the values templates pass, and leaves quoting to the model', () => {
    const typical = { limits: { cpu: '500m', memory: '1Gi' }, args: ['--log-level', 'info'], items: [{ name: 'a', port: 5432, tls: true }, { name: 'b', opt: null }], empty: [], none: {} };
    expect(plainBlockText(typical)).toBe(documentBlockText(typical));
    expect(plainBlockText({ a: 'on', port: '443' })).toBe('a: "on"\nport: "443"\n'); // quoted: a YAML 1.1 boolean, a number
    expect(plainBlockText({ a: '"hi"' })).toBeUndefined(); // single quotes, the model's choice
    expect(plainBlockText({ a: 'two\nlines' })).toBeUndefined(); // a literal block
    expect(plainBlockText({ a: 1.5 })).toBeUndefined();
  });
});
