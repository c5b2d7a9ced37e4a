import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newCluster } from '../../src/commands/new-cluster.js';
import { ensureFluxKustomization } from '../../src/patch.js';
import { formatYaml } from '../../src/format.js';
import { renderTemplate, yamlScalar } from '../../src/render.js';
import fc from 'fast-check';
import { doubleQuoted, parsedAgree, plainWord, resolvePlainV2, yamlBlockText } from '../../src/yaml-scalar.js';
import { R2, ctxFor, tempRepo } from '../helpers.js';

/** Strings YAML 1.1 readers (go-yaml v2 in sigs.k8s.io/yaml) or YAML 1.2 readers do not take as strings when plain. */
const NOT_STRINGS = ['on', 'off', 'On', 'OFF', 'yes', 'no', 'y', 'n', 'Y', 'N', 'true', 'null', '~', '', '0b101', '-0b11', '017', '0o17', '08', '1_000', '0x1F', '0x_1F',
  '.5', '1:20', '190:20:30.15', '1e3', '+1', '.inf', '-.Inf', '.NaN', '<<', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10'];

/** Reads one value the way both reader families do. */
function readBoth(text: string): [unknown, unknown] {
  return [parse(text, { version: '1.1' }), parse(text, { version: '1.2' })];
}

describe('scalars mean the same to YAML 1.1 and 1.2 readers', () => {
  it.each(NOT_STRINGS)('q, str and block keep %j a string', (s) => {
    for (const text of [`k: ${yamlScalar(s)}`, `k: ${doubleQuoted(s)}`, yamlBlockText({ k: s }), `k: [${yamlScalar(s)}]`]) {
      const [a, b] = readBoth(text);
      const want = text.includes('[') ? { k: [s] } : { k: s };
      expect(a, text).toEqual(want);
      expect(b, text).toEqual(want);
      // Quoted: a plain scalar would be read by go-yaml v2 as another type.
      expect(text).toMatch(/"/);
    }
  });

  it('the go-yaml v2 resolver model agrees with resolve.go on the cases the yaml package reads differently', () => {
    // go-yaml v2 uses strconv.ParseInt(s, 0, 64) after removing "_": 0o17 and 0x_1F are ints there,
    // and it does not implement sexagesimal numbers (resolve.go comment), so 1:20 is a string.
    expect(resolvePlainV2('0o17')).toEqual({ kind: 'int', value: 15 });
    expect(resolvePlainV2('0x_1F')).toEqual({ kind: 'int', value: 31 });
    expect(resolvePlainV2('08')).toEqual({ kind: 'float', value: 8 });
    expect(resolvePlainV2('1:20').kind).toBe('str');
    expect(resolvePlainV2('20Gi').kind).toBe('str');
  });

  it('escapes what YAML 1.1 folds or rejects inside double quotes (U+2028, NEL, DEL, BOM)', () => {
    for (const s of ['a\u2028b', 'a\u0085b', 'a\u007fb', '\ufeffa', 'a\u2029b', 'tab\there', 'nl\nx']) {
      for (const text of [`k: ${doubleQuoted(s)}`, yamlBlockText({ k: s })]) {
        expect(text).not.toMatch(/[\u2028\u2029\u0085\u007f\ufeff]/);
        expect(readBoth(text)).toEqual([{ k: s }, { k: s }]);
      }
    }
  });

  it('multi-line text keeps its newlines through the block helper and the formatter (a |+ tail was lost)', async () => {
    // Answers are one line (src/answers.ts); the helper still carries any text a plan hands it.
    const parameters = { application_name: 'a\nb\n', cluster_name: 'a\n\n', log_line_prefix: '\n' };
    const text = await formatYaml(`parameters:\n${yamlBlockText(parameters).replace(/^/gm, '  ')}`);
    for (const version of ['1.1', '1.2'] as const) expect((parse(text, { version }) as { parameters: unknown }).parameters).toEqual(parameters);
  });

  it('common values stay plain', () => {
    expect(yamlBlockText({ a: '256MB', b: '200', c: '20Gi', d: '0 3 * * *' })).toBe('a: 256MB\nb: "200"\nc: 20Gi\nd: 0 3 * * *\n');
    expect(yamlScalar('500m')).toBe('500m');
  });

  it('new-cluster --parameters log_connections=on writes a string PostgreSQL reads as on', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, parameters: 'log_connections=on,log_min_duration_statement=0x1F,wal_keep_size=1_000' });
    const text = readFileSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml'), 'utf8');
    const params = (parse(text, { version: '1.1' }) as { spec: { postgresql: { parameters: Record<string, unknown> } } }).spec.postgresql.parameters;
    expect(params).toMatchObject({ log_connections: 'on', log_min_duration_statement: '0x1F', wal_keep_size: '1_000' });
  });
});

describe('the patcher sets postBuild.substitute values that YAML 1.1 reads as the same strings', () => {
  it('quotes on, 017 and 2001-12-14 in a user\'s ks.yaml, keeps plain what is plain', () => {
    const user = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: wiki\nspec:\n  path: ./x\n';
    const substitute = { APP: 'wiki', A: 'on', B: '017', C: '2001-12-14', D: '0 3 * * *' };
    const out = ensureFluxKustomization(user, { name: 'wiki', defaults: {}, dependsOn: [], components: [], substitute }, 'unused');
    const [v11, v12] = readBoth(out) as { spec: { postBuild: { substitute: unknown } } }[];
    expect(v11!.spec.postBuild.substitute).toEqual(substitute);
    expect(v12!.spec.postBuild.substitute).toEqual(substitute);
    expect(out).toContain('APP: wiki\n');
    expect(out).toContain('D: 0 3 * * *\n');
  });
});

describe('the plain-word shortcut never says plain where the readers disagree', () => {
  const letters = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  const alphabet = [...letters, ...'0123456789_./@:=+-'];
  const tagged = ['y', 'n', 'on', 'no', 'yes', 'off', 'null', 'true', 'false'].flatMap((w) => [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)]);
  it('every word of one or two characters, and the tagged words', () => {
    const words = [...letters, ...letters.flatMap((a) => alphabet.map((b) => a + b))];
    for (const w of [...words, ...tagged, 'e5', 'E5', 'e-5', 'e+10', 'e_5', 'inf', 'nan', 'a:', 'a:b', 'a::']) expect([w, !plainWord(w) || parsedAgree(w)]).toEqual([w, true]);
    // The ones a reader takes as something else are refused by the shortcut itself.
    for (const w of [...tagged, 'e5', 'E5', 'e-5', 'e+10', 'a:']) expect([w, plainWord(w)]).toEqual([w, false]);
    // Host names, kinds, image references and URLs take the shortcut.
    for (const w of ['Cluster', 'postgres-rw.databases.svc.cluster.local', 'ghcr.io/cloudnative-pg/postgresql:18.4-standard-trixie', 'oci://ghcr.io/x', 'https://a.b']) expect([w, plainWord(w)]).toEqual([w, true]);
  });
  it('quantities: every digit or two then one or two letters, and random longer ones', () => {
    const digits = [...'0123456789'];
    const numbers = [...digits, ...digits.flatMap((a) => digits.map((b) => a + b))];
    const units = [...letters, ...letters.flatMap((a) => ['i', 'e', 'x', 'B', 's'].map((b) => a + b))];
    for (const q of numbers.flatMap((n) => units.map((u) => n + u))) expect([q, !plainWord(q) || parsedAgree(q)]).toEqual([q, true]);
    for (const q of ['5Gi', '500m', '30d', '256MB', '1h']) expect([q, plainWord(q)]).toEqual([q, true]);
    for (const q of ['0x1F', '0o17', '0b1', '1e5', '5', '1.5Gi', '1_000m']) expect([q, plainWord(q)]).toEqual([q, false]);
    const quantity = fc.tuple(fc.stringMatching(/^[0-9]{1,6}$/), fc.stringMatching(/^[A-Za-z]{1,4}$/)).map(([n, u]) => n + u);
    fc.assert(fc.property(quantity, (q) => !plainWord(q) || parsedAgree(q)), { numRuns: 3000 });
  });
  it('random longer words, weighted to the letters and digits of tagged words', () => {
    const char = fc.constantFrom(...'aeflnorsuytAEFLNORSUYT0159_.:/@=+-'.split(''), ...alphabet);
    const word = fc.tuple(fc.constantFrom(...'aefnotyAEFNOTY'.split('')), fc.array(char, { maxLength: 6 })).map(([a, rest]) => a + rest.join(''));
    fc.assert(fc.property(word, (w) => !plainWord(w) || parsedAgree(w)), { numRuns: 5000 });
  });
  it('random relative paths', () => {
    const char = fc.constantFrom(...'ae01./_-'.split(''), ...alphabet);
    const path = fc.tuple(fc.constantFrom('./', 'a', 'e', 'n', 'y', '.'), fc.array(char, { maxLength: 8 })).map(([a, rest]) => a + rest.join(''));
    fc.assert(fc.property(path, (p) => !plainWord(p) || parsedAgree(p)), { numRuns: 3000 });
    for (const p of ['./apps/app-1', 'kubernetes/apps/ns-0/app-0/app', './a', 'e5/x']) expect([p, plainWord(p)]).toEqual([p, true]);
    for (const p of ['.', '../x', './A', '/abs']) expect([p, plainWord(p)]).toEqual([p, false]);
  });
});
