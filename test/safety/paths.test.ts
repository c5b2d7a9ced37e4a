import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/records.js';
import { planRepo } from '../../src/plan/index.js';
import { normalizeAnswerPath, outputPathProblem } from '../../src/repo-path.js';
import { R2, ROOT, commitAll, snapshot, tempRepo } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli.js');
const run = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, INIT_CWD: cwd, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const oneLine = (err: string) => expect(err.trim().split('\n'), err).toHaveLength(1);

function repoWithCluster(): string {
  const dir = tempRepo(true);
  expect(run(dir, ['new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2]).code).toBe(0);
  commitAll(dir);
  return dir;
}

const BAD_PATHS: [string, string][] = [
  ['.', 'not the root itself'],
  ['./', 'not the root itself'],
  ['/', 'relative to the repository root'],
  ['', 'not the root itself'],
  ['..foo/x', 'hidden directory'],
  ['a/../../x', 'no ".."'],
  ['a\\', 'no "\\"'],
  ['kubernetes\\apps\\x', 'no "\\"'],
  ['/etc/x', 'relative to the repository root'],
  ['C:/x', 'relative to the repository root'],
  ['.git/x', 'hidden directory'],
  ['x/.GIT/hooks', 'hidden directory'],
  ['.cnpg/answers/apps', 'hidden directory'],
  ['.github/workflows', 'hidden directory'],
  ['a b', 'only letters, digits'],
  ['a/${APP}', 'only letters, digits'],
  ['a\nb', 'only letters, digits'],
  ['x'.repeat(256), 'at most 255'],
];

describe('path answers', () => {
  it('are refused with exit 2, one line naming the field, when not a directory below the root; nothing is written', () => {
    const dir = repoWithCluster();
    const before = snapshot(dir);
    for (const [value, rule] of BAD_PATHS) {
      const r = run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'x', `--path=${value}`]);
      expect(r.code, `${JSON.stringify(value)}: ${r.err}`).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain('error: path: ');
      expect(r.err).toContain(rule);
    }
    for (const field of ['componentsPath', 'operatorPath', 'appsRoot']) {
      for (const value of ['.', '.git/hooks', '.cnpg/answers']) {
        const r = run(dir, ['new-cluster', '--yes', '--dest', '.', `--${field}=${value}`]);
        expect(r.code, `${field}=${value}: ${r.err}`).toBe(2);
        oneLine(r.err);
        expect(r.err).toContain(`error: ${field}: `);
      }
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('are recorded in normal form, so the manifest stays readable and the check passes', () => {
    const dir = repoWithCluster();
    const r = run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'x', '--path', './kubernetes/apps//default/./x/']);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, '.cnpg/answers/apps/x.yaml'), 'utf8')).toContain('  path: kubernetes/apps/default/x\n');
    const manifest = JSON.parse(readFileSync(join(dir, '.cnpg/manifest.json'), 'utf8')) as { files: { path: string }[] };
    for (const f of manifest.files) expect(outputPathProblem(f.path), f.path).toBeUndefined();
    commitAll(dir);
    const check = run(dir, ['regen', '--check', '--dest', '.']);
    expect(check.code, check.out + check.err).toBe(0);
  });

  it('a 10k-character value is shown cut short', () => {
    const dir = repoWithCluster();
    const r = run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'x', '--path', 'a'.repeat(10_000)]);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err.length).toBeLessThan(300);
    expect(r.err).toContain('(10002 characters)');
  });

  it('one rule: an accepted answer is in normal form, and every path below it passes the manifest check', () => {
    const segment = fc.oneof(fc.constantFrom('', '.', '..', '.git', '.GIT', '.cnpg', 'a', 'kubernetes', 'x-y_z.1', '\\', ' '), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (parts) => {
        const r = normalizeAnswerPath(parts.join('/'));
        if (!('path' in r)) return;
        expect(normalizeAnswerPath(r.path)).toEqual(r);
        expect(outputPathProblem(r.path)).toBeUndefined();
        expect(outputPathProblem(`${r.path}/app/cnpg/kustomization.yaml`)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the planner', () => {
  it('refuses paths under .git or the records, even when answers slipped past the schema', async () => {
    const dir = repoWithCluster();
    const model = (await loadModel(dir))!;
    for (const bad of ['.git/x', 'x/.Git', '.cnpg/answers/apps', 'a/./b', 'a//b']) {
      await expect(planRepo({ ...model, repo: { ...model.repo, operatorPath: bad } })).rejects.toThrow(/refusing to write/);
    }
  });
});
