import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { regen } from '../../src/commands/regen.js';
import { migrateRecord } from '../../src/records.js';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { EXAMPLE, R2, ROOT, commitAll, ctxFor, snapshot, tempRepo } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli.js');
const GOLDEN = join(ROOT, 'test', 'golden', 'regen-check');
const CLUSTER = 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml';
const WIKI_DB = 'kubernetes/apps/databases/cloudnative-pg/cluster/apps/wiki/database.yaml';

/** What a user sees from `regen --check`: exit code, stdout, stderr; timings blanked. */
function check(dir: string): string {
  const r = spawnSync(process.execPath, [BIN, 'regen', '--check', '--dest', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
  const blank = (s: string) => s.replace(/\(\d+ ms\)/g, '(N ms)');
  return `$ cnpg-scaffold regen --check\nexit ${r.status}\n--- stdout\n${blank(r.stdout)}--- stderr\n${blank(r.stderr)}`;
}

let base: string;
beforeAll(async () => {
  base = tempRepo();
  await newCluster(ctxFor(base), { backupEndpoint: R2 });
  await newApp(ctxFor(base), { name: 'wiki', namespace: 'docs' });
  await newApp(ctxFor(base), { name: 'chat', namespace: 'comms', provisioning: 'init-container', backups: false });
});

/** A copy of the base tree with one change made to it. */
function variant(change: (dir: string) => void): string {
  const dir = tempRepo();
  cpSync(base, dir, { recursive: true });
  change(dir);
  return dir;
}
const edit = (dir: string, path: string, from: string, to: string) => {
  const text = readFileSync(join(dir, path), 'utf8');
  expect(text).toContain(from);
  writeFileSync(join(dir, path), text.replace(from, to));
};

const CASES: Record<string, (dir: string) => void> = {
  clean: () => {},
  'hand-edited': (dir) => edit(dir, CLUSTER, 'instances: 3', 'instances: 4'),
  deleted: (dir) => rmSync(join(dir, WIKI_DB)),
  // The app's answers are gone: every file only it produced is now an orphan.
  orphan: (dir) => rmSync(join(dir, '.cnpg/answers/apps/chat.yaml')),
  'stale-schema': (dir) => edit(dir, '.cnpg/answers/apps/wiki.yaml', 'schemaVersion: 1', 'schemaVersion: 0'),
  // A record written before `ciWorkflow` existed: it gets `none`, and the check says so.
  'record-before-new-answer': (dir) => edit(dir, '.cnpg/answers/repo.yaml', '  ciWorkflow: github\n', ''),
  'newer-schema': (dir) => edit(dir, '.cnpg/answers/apps/wiki.yaml', 'schemaVersion: 1', 'schemaVersion: 2'),
  'invalid-answers': (dir) => edit(dir, '.cnpg/answers/clusters/postgres.yaml', 'instances: 3', 'instances: 0'),
  'corrupt-manifest': (dir) => edit(dir, '.cnpg/manifest.json', '"files": [', '"files": ['.slice(0, -1)),
  // The manifest decides what regen deletes: an entry outside the repository is refused, not followed.
  'manifest-outside-repo': (dir) => edit(dir, '.cnpg/manifest.json', '"path": "kubernetes/apps/docs/wiki/ks.yaml"', '"path": "../victim.txt"'),
};

describe('regen --check output (test/golden/regen-check; UPDATE_GOLDENS=1 rewrites it: read the diff)', () => {
  for (const [name, change] of Object.entries(CASES)) {
    it(name, () => {
      const got = check(variant(change));
      const file = join(GOLDEN, `${name}.txt`);
      if (process.env.UPDATE_GOLDENS) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, got);
      }
      expect(got).toBe(readFileSync(file, 'utf8'));
    });
  }
});

describe('regen --check on the bundled example', () => {
  it('any changed byte of a generated file fails the check with a diff that shows it', async () => {
    const dir = tempRepo();
    cpSync(EXAMPLE, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, '.cnpg/manifest.json'), 'utf8')) as { files: { path: string; mode: string }[] };
    const owned = manifest.files.filter((f) => f.mode === 'owned').map((f) => f.path);
    expect(owned.length).toBeGreaterThan(30);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...owned), fc.nat(), fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constantFrom(0x09, 0x0a, 0x0d)), async (path, at, code) => {
        const file = join(dir, path);
        const original = readFileSync(file, 'utf8');
        const i = at % original.length;
        fc.pre(original.charCodeAt(i) !== code);
        const edited = original.slice(0, i) + String.fromCharCode(code) + original.slice(i + 1);
        writeFileSync(file, edited);
        try {
          const ctx = ctxFor(dir);
          expect(await regen(ctx, { check: true })).toBe(1);
          const out = ctx.lines.join('\n');
          // The edited line as it stands on disk (for an inserted newline: the part before it).
          const end = edited.indexOf('\n', i);
          const line = edited.slice(edited.lastIndexOf('\n', i - 1) + 1, end < 0 ? edited.length : end);
          expect(out).toContain(`${path}: changed by hand`);
          expect(out).toContain(`\n-${line}\n`);
        } finally {
          writeFileSync(file, original);
        }
      }),
      { numRuns: 60 },
    );
    const ctx = ctxFor(dir);
    expect(await regen(ctx, { check: true })).toBe(0);
  }, 60_000);
});

describe('recorded answers from an older schema', () => {
  it('are migrated step by step when a migration exists, never re-read as they are', () => {
    const steps = { 0: (a: Record<string, unknown>) => ({ ...a, renamed: a.old, old: undefined }) };
    expect(migrateRecord('x.yaml', { schemaVersion: 0, answers: { old: 'v' } }, steps)).toEqual({ renamed: 'v', old: undefined });
    expect(migrateRecord('x.yaml', { schemaVersion: 1, answers: { old: 'v' } }, steps)).toEqual({ old: 'v' });
    expect(() => migrateRecord('x.yaml', { answers: {} }, steps)).toThrow(/x.yaml: schemaVersion: must be a whole number \(got nothing\)/);
    expect(() => migrateRecord('x.yaml', { schemaVersion: '1', answers: {} }, steps)).toThrow(/must be a whole number \(got "1"\)/);
  });
});

describe('an app whose answers are removed', () => {
  it('regen refuses while users\' files still hold its entries, then deletes what the tool owned', async () => {
    const dir = tempRepo(true);
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs', appLayout: 'explicit' });
    await newApp(ctxFor(dir), { name: 'chat', namespace: 'docs' });
    commitAll(dir);
    rmSync(join(dir, '.cnpg/answers/apps/wiki.yaml'));
    const before = snapshot(dir);
    await expect(regen(ctxFor(dir, { allowDirty: false }), { check: false })).rejects.toThrow(
      /kubernetes\/apps\/docs\/wiki\/app\/kustomization.yaml \(app\/wiki\).*still hold entries of units no longer recorded/,
    );
    expect(snapshot(dir)).toEqual(before);
    // The report survives a forced regen: it goes only when the user changes those files.
    await regen(ctxFor(dir, { force: true }), { check: false });
    const ctx = ctxFor(dir);
    expect(await regen(ctx, { check: true })).toBe(1);
    expect(ctx.lines.filter((l) => l.includes('still holds entries for app/wiki'))).toHaveLength(2);

    rmSync(join(dir, 'kubernetes/apps/docs/wiki'), { recursive: true });
    edit(dir, 'kubernetes/apps/docs/kustomization.yaml', '  - ./wiki/ks.yaml\n', '');
    await regen(ctxFor(dir), { check: false });
    const after = ctxFor(dir);
    expect(await regen(after, { check: true }), after.lines.join('\n')).toBe(0);
  });
});
