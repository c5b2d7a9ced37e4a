import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parse, parseAllDocuments, type Tags } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { format } from 'prettier';
import { appFields } from '../../schema/app.js';
import { coerce, type Field } from '../../schema/fields.js';
import { outputPathProblem } from '../../src/repo-path.js';
import { repoFields } from '../../schema/repo.js';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster, newClusterFields } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { InputError } from '../../src/errors.js';
import { R2, ctxFor, tempRepo } from '../helpers.js';

/**
 * Hostile answers through the whole engine. Every run either refuses the input (InputError, exit 2:
 * one line that starts with a field's name) or writes a tree whose YAML parses and means the same
 * in YAML 1.2 and in the YAML 1.1 Kubernetes decodes with, whose records hold the answers exactly,
 * whose manifests carry each accepted text answer, and which `regen --check` finds clean.
 *
 * Runs: HOSTILE_RUNS=N; `npm run test:property` runs thousands, `npm test` a few hundred.
 */
const RUNS = Number(process.env.HOSTILE_RUNS ?? (process.env.npm_lifecycle_event === 'test:property' ? 3000 : 200));

// Strings from the classes that break generators: YAML syntax, Handlebars, Flux `${}`, line breaks,
// quotes, comment and anchor marks, YAML 1.1 booleans/numbers/nulls, unicode, very long.
const fragments = [
  ': ', '- ', '? ', '#', ' #x', '&a', '*a', '!tag', '|', '>', '%', '@', '`', ',', '[', ']', '{', '}', '[a, b]', '{a: b}',
  '{{', '}}', '{{ .password }}', '{{{x}}}', '{{> p}}', '${', '${CLUSTER_NAME}', '$${X}', '${X:=d}', '$X', '$',
  '\n', '\r\n', '\t', '\\', '"', "'", "''", '---', '...', '~', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', 'True', 'NO',
  '0', '-1', '017', '0o17', '0x1F', '0b101', '1_000', '1e3', '.5', '.inf', '.NaN', '12:30', '1:20:30', '2001-12-14',
  'ü', '名前', '🐘', '\u2028', '\u2029', '\u0085', '\u0090', '\u00a0', '\ufeff', ' ',
];
const safe = fc.constantFrom('', 'a', 'wiki', 'db', 'x-1', 'pg', 'item');
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(safe, fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 3 }), safe).map(([a, f, b]) => `${a}${f.join('')}${b}`) },
  { weight: 2, arbitrary: fc.constantFrom(...fragments) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(safe, fc.integer({ min: 200, max: 400 })).map(([a, n]) => `${a}${'x'.repeat(n)}`) },
);

/** A hostile value for a field, of its kind or of the wrong one. */
function hostileFor(f: Field<unknown>): fc.Arbitrary<unknown> {
  const wrongType = fc.constantFrom<unknown>(null, 3, -1, 1.5, true, [], {}, ['x'], { a: 1 });
  switch (f.kind) {
    case 'int':
      return fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), hostileString, fc.constantFrom(' 3', '3.0', '1e1', '0x3'), wrongType);
    case 'bool':
      return fc.oneof(fc.boolean(), fc.constantFrom('yes', 'on', 'off', 'y', 'TRUE', '1', '0', ''), hostileString, wrongType);
    case 'enum':
      return f.choices?.length ? fc.oneof(fc.constantFrom(...f.choices), hostileString, wrongType) : fc.oneof(hostileString, wrongType);
    case 'list':
      return fc.oneof(fc.array(hostileString, { maxLength: 3 }), hostileString, wrongType);
    case 'map':
      return fc.oneof(fc.dictionary(hostileString, hostileString, { maxKeys: 3 }), hostileString, wrongType);
    case 'objects':
      return fc.oneof(fc.array(fc.dictionary(hostileString, fc.oneof(hostileString, wrongType), { maxKeys: 3 }), { maxLength: 2 }), hostileString, wrongType);
    default:
      return fc.oneof({ weight: 8, arbitrary: hostileString }, { weight: 1, arbitrary: wrongType });
  }
}

/** Answers with 1-3 hostile fields, every field of the command a candidate; the rest default. */
function answers(fields: readonly Field<unknown>[], base: Record<string, unknown>) {
  return fc
    .uniqueArray(fc.constantFrom(...fields), { minLength: 1, maxLength: 3, selector: (f) => f.name })
    .chain((chosen) => fc.tuple(...chosen.map((f) => hostileFor(f).map((v) => [f, v] as const))))
    .map((pairs) => ({ given: { ...base, ...Object.fromEntries(pairs.map(([f, v]) => [f.name, v])) }, hostile: pairs }));
}

const clusterFieldList = newClusterFields as readonly Field<unknown>[];
const appFieldList = appFields as readonly Field<unknown>[];
// Answers that describe the environment and are recorded only: the variables cluster-vars provides
// (checked against substitutions by validate), the extensions an unknown image offers.
const NOT_EMITTED = new Set(['clusterVars', 'imageExtensions']);
/** Answers that are used only with another answer: the components' directory when some app uses the component layout (the run's app follows appLayout). */
const unusedHere = (name: string, answers: Record<string, unknown>) => name === 'componentsPath' && answers.appLayout === 'explicit';
const REPO_FIELDS = new Set(repoFields.map((f) => f.name));
const FIELD_NAMES = new Set([...clusterFieldList, ...appFieldList].map((f) => f.name));

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

// YAML 1.1 as Kubernetes decodes it (go-yaml v2 under sigs.k8s.io/yaml): booleans, nulls, octals,
// `_` in numbers, sexagesimals; but a timestamp-like scalar stays a string when decoded into
// interface{} (gopkg.in/yaml.v2 decode.go, "for backward compatibility reasons we set it as a string").
const YAML_11 = { version: '1.1', customTags: (tags: Tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp') } as const;

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Date ? `date:${x.toISOString()}` : x)) ?? 'null');

/** Every scalar text of a parsed document, keys too. */
function scalars(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => scalars(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(k), scalars(x, out);
  else if (v !== null && v !== undefined) out.push(String(v));
  return out;
}

/** What went wrong with one run, or undefined when it kept every promise. */
async function judge(dir: string, run: () => Promise<unknown>, hostile: readonly (readonly [Field<unknown>, unknown])[], record: (f: Field<unknown>) => string): Promise<string | undefined> {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof InputError)) return `not an InputError: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
    // One line per invalid answer, each naming its field.
    const lines = e.message.split('\n');
    for (const line of lines) {
      const field = /^([A-Za-z][A-Za-z0-9]*)[.:[ ]/.exec(line)?.[1];
      if (!field || !FIELD_NAMES.has(field)) return `InputError line naming no field: ${JSON.stringify(line)} (of ${JSON.stringify(e.message)})`;
    }
    if (new Set(lines.map((l) => /^[^:]*/.exec(l)![0])).size !== lines.length) return `InputError names a field twice: ${JSON.stringify(e.message)}`;
    return undefined;
  }
  const tree = files(dir);
  const docs: unknown[] = [];
  for (const [path, text] of Object.entries(tree)) {
    if (!/\.ya?ml$/.test(path)) continue;
    // go-yaml v2 reads NEL/LS/PS as line breaks and refuses C1 controls and an inner BOM; the yaml
    // package models neither, so raw ones are looked for in the text (gopkg.in/yaml.v2 yamlprivateh.go).
    // The tool runs no formatter: what it writes must already be what prettier (of record) prints.
    if (!path.startsWith('.cnpg/') && (await format(text, { parser: 'yaml', printWidth: 120, proseWrap: 'preserve' }).catch((e: Error) => `unformattable: ${e.message}`)) !== text)
      return `${path}: prettier would reformat it`;
    const raw = /[\u0085\u2028\u2029\u007f-\u009f]|(?<!^)\ufeff/.exec(text);
    if (raw && !path.startsWith('.cnpg/')) return `${path}: a raw U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')}, which go-yaml v2 reads otherwise`;
    const v12 = parseAllDocuments(text);
    const v11 = parseAllDocuments(text, YAML_11);
    if (!Array.isArray(v12) || !Array.isArray(v11)) continue;
    for (const [i, d] of v12.entries()) {
      if (d.errors.length) return `${path}: not YAML 1.2: ${d.errors[0]!.message.split('\n')[0]}`;
      const d11 = v11[i]!;
      if (d11.errors.length) return `${path}: not YAML 1.1: ${d11.errors[0]!.message.split('\n')[0]}`;
      // Kubernetes and kustomize read YAML 1.1; the records (the tool) and GitHub (`on:`) do not.
      if (!/^\.(cnpg|github)\//.test(path) && !isDeepStrictEqual(plain(d.toJS()), plain(d11.toJS()))) return `${path}: means something else in YAML 1.1 than in 1.2`;
      if (!path.startsWith('.cnpg/')) docs.push(d11.toJS());
    }
  }
  const recorded = (path: string) => (parse(tree[path] ?? 'answers: {}') as { answers: Record<string, unknown> }).answers;
  const texts = new Set(scalars(docs));
  const everything = [...texts].join('\u0000') + Object.keys(tree).join('\u0000');
  // What a field's `when` may look at besides the answers: the repository's recorded answers.
  const whenCtx = { repo: recorded('.cnpg/answers/repo.yaml'), clusters: [], others: [] };
  for (const [f, given] of hostile) {
    const want = coerce(f, given);
    const answers = recorded(record(f));
    // An answer to a question not asked here, given as its empty default, may be left out of the
    // record (extensionImages without mounted extensions): the same answers either way.
    const notAsked = f.when !== undefined && !f.when(answers, whenCtx as never);
    const droppedAsDefault = notAsked && answers[f.name] === undefined && isDeepStrictEqual(plain(want), plain(f.default?.(answers, whenCtx as never)));
    if (!droppedAsDefault && !isDeepStrictEqual(plain(answers[f.name]), plain(want))) return `${f.name}: recorded as ${JSON.stringify(answers[f.name])}, given ${JSON.stringify(want)}`;
    // A choice need not appear as such; an answer that does not apply (its question not asked) neither.
    if (f.kind === 'enum' || NOT_EMITTED.has(f.name) || unusedHere(f.name, answers) || (f.when && !f.when(answers, whenCtx as never))) continue;
    for (const v of typeof want === 'string' ? [want] : Array.isArray(want) ? want : want && typeof want === 'object' ? Object.values(want) : []) {
      if (typeof v === 'string' && v !== '' && !everything.includes(v)) return `${f.name}: ${JSON.stringify(v)} accepted but found in no manifest`;
    }
  }
  const ctx = ctxFor(dir);
  try {
    if ((await regen(ctx, { check: true })) !== 0) return `regen --check not clean: ${ctx.lines.slice(0, 3).join(' | ')}`;
  } catch (e) {
    return `regen --check refused the tree it wrote: ${(e as Error).message}`;
  }
  return undefined;
}

const REPO = (f: Field<unknown>, cluster = 'postgres') => (REPO_FIELDS.has(f.name) ? '.cnpg/answers/repo.yaml' : `.cnpg/answers/clusters/${cluster}.yaml`);

/** new-cluster with `given`, then an app, so the answers only apps use (components path, ...) are written. */
async function clusterRun(given: Record<string, unknown>, hostile: readonly (readonly [Field<unknown>, unknown])[]) {
  const dir = tempRepo();
  const name = typeof given.clusterName === 'string' ? given.clusterName : 'postgres';
  // The flat layout (per-app's default) adds its entries to the k8s cluster's root kustomization.yaml and
  // refuses to create it (a repository state, not an answer): give it one, as a Flux bootstrap has.
  const root = typeof given.appsRoot === 'string' ? given.appsRoot : 'kubernetes/apps';
  if (given.topology === 'per-app' && given.fluxLayout !== 'ks' && !outputPathProblem(`${root}/kustomization.yaml`)) {
    mkdirSync(join(dir, root), { recursive: true });
    writeFileSync(join(dir, root, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
  }
  const run = async () => {
    await newCluster(ctxFor(dir), given);
    await newApp(ctxFor(dir), { name: 'wiki' });
  };
  return judge(dir, run, hostile, (f) => REPO(f, name));
}

async function appRun(base: string, given: Record<string, unknown>, hostile: readonly (readonly [Field<unknown>, unknown])[]) {
  const dir = mkdtempSync(join(tmpdir(), 'cnpg-hostile-'));
  cpSync(base, dir, { recursive: true });
  return judge(dir, () => newApp(ctxFor(dir), given), hostile, () => `.cnpg/answers/apps/${given.name}.yaml`);
}

const field = (name: string) => [...clusterFieldList, ...appFieldList].find((f) => f.name === name)!;
const one = (name: string, value: unknown) => [[field(name), value] as const];

describe('hostile answers, every field of new-cluster and new-app', () => {
  let base: string;
  beforeAll(async () => {
    base = tempRepo();
    await newCluster(ctxFor(base), { backupEndpoint: R2 });
  });

  const check = (failure: string | undefined) => {
    if (failure) expect.fail(failure);
  };

  it(`new-cluster: refused with a field named, or a tree that parses, carries the values and regenerates (${Math.ceil(RUNS / 2)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(answers(clusterFieldList, { backupEndpoint: R2 }), async ({ given, hostile }) => check(await clusterRun(given, hostile))),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, 600_000);

  it(`new-app: the same promises (${Math.ceil(RUNS / 2)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(answers(appFieldList, { name: 'wiki' }), async ({ given, hostile }) => check(await appRun(base, given, hostile))),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, 600_000);

  it('the oracle itself: a value that breaks YAML 1.1 or goes missing is caught', async () => {
    // A run that writes what a broken template would: the judge must say so.
    const broken = (text: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'cnpg-hostile-'));
      cpSync(base, dir, { recursive: true });
      return judge(dir, async () => writeFileSync(join(dir, 'kubernetes/broken.yaml'), text), [], () => '');
    };
    expect(await broken('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: off\n')).toMatch(/means something else in YAML 1\.1/);
    expect(await broken('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "x\u2028y"\n')).toMatch(/which go-yaml v2 reads otherwise/);
    expect(await appRun(base, { name: 'wiki', storeItem: 'vault-item' }, one('storeItem', 'not-what-was-given'))).toMatch(/recorded as "vault-item"/);
    expect(await appRun(base, { name: 'wiki', storeItem: 'vault-item' }, one('storeItem', 'vault-item'))).toBeUndefined();
  });
});
