import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { InputError } from '../../src/errors.js';
import { loadModel } from '../../src/records.js';
import { planRepo } from '../../src/plan/index.js';
import { normalizeAnswerPath, outputPathProblem } from '../../src/repo-path.js';
import { R2, ROOT, commitAll, ctxFor, snapshot, tempRepo } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli.js');
const run = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, INIT_CWD: cwd, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const oneLine = (err: string) => expect(err.trim().split('\n'), err).toHaveLength(1);

/** A committed repository with one cluster, built once and copied (with its .git) per test. */
let base: string;
beforeAll(async () => {
  base = tempRepo(true);
  await newCluster(ctxFor(base), { backupEndpoint: R2 });
  commitAll(base);
});
function repoWithCluster(): string {
  const dir = tempRepo();
  cpSync(base, dir, { recursive: true });
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
  ['a\nb', 'must be one line without control characters'],
  ['x'.repeat(256), 'at most 255'],
];

describe('path answers', () => {
  it('are refused with one line naming the field and the rule when not a directory below the root; nothing is written', async () => {
    const dir = repoWithCluster();
    const before = snapshot(dir);
    for (const [value, rule] of BAD_PATHS) {
      const error = await newApp(ctxFor(dir), { name: 'x', path: value }).catch((e: unknown) => e);
      expect(error, JSON.stringify(value)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/^path: [^\n]+$/);
      expect((error as Error).message).toContain(rule);
    }
    for (const field of ['componentsPath', 'operatorPath', 'appsRoot']) {
      for (const value of ['.', '.git/hooks', '.cnpg/answers']) {
        const error = await newCluster(ctxFor(dir), { [field]: value }).catch((e: unknown) => e);
        expect(error, `${field}=${value}`).toBeInstanceOf(InputError);
        expect((error as Error).message).toMatch(new RegExp(`^${field}: [^\\n]+$`));
      }
    }
    // Through the bin: exit 2 and the one line on stderr.
    for (const value of ['./', '.git/x', 'a\\b']) {
      const r = run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'x', `--path=${value}`]);
      expect(r.code, `${JSON.stringify(value)}: ${r.err}`).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain('error: path: ');
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it("must not overlap another unit's directory (exit 2), where the units' files would mix", () => {
    const dir = repoWithCluster();
    expect(run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'wiki', '--namespace', 'docs']).code).toBe(0);
    commitAll(dir);
    const before = snapshot(dir);
    const cases: [string[], string][] = [
      [['new-app', '--name', 'x', '--path', 'kubernetes/apps/databases/cloudnative-pg'], "path: must not overlap the repository's operatorPath"],
      [['new-app', '--name', 'x', '--path', 'kubernetes/apps/databases/cloudnative-pg/cluster/x'], "path: must not overlap the repository's operatorPath"],
      [['new-app', '--name', 'x', '--path', 'kubernetes/components/cnpg'], "path: must not overlap the repository's componentsPath"],
      [['new-app', '--name', 'x', '--path', 'kubernetes/apps/docs'], 'path: must not overlap the path of app wiki'],
      [['new-app', '--name', 'x', '--path', 'kubernetes/apps/docs/wiki/x'], 'path: must not overlap the path of app wiki'],
      [['new-cluster', '--componentsPath', 'kubernetes/apps/databases/cloudnative-pg/components'], 'componentsPath: must not overlap operatorPath'],
    ];
    for (const [args, text] of cases) {
      const r = run(dir, [...args, '--yes', '--dest', '.']);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain(text);
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
    // The same directory spelled another way again: the same answer, a no-op.
    const again = run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'x', '--path', 'kubernetes//apps/default/x/']);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('0 created, 0 updated, 0 deleted');
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
    // The same for an onboarded app, whose recorded answers are the defaults the new one replaces.
    expect(run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'x']).code).toBe(0);
    const again = run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'x', '--path', 'a'.repeat(10_000)]);
    expect(again.code).toBe(2);
    oneLine(again.err);
    expect(again.err).toContain('(10002 characters)');
    expect(again.err.length).toBeLessThan(400);
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

describe('the manifest is input: regen deletes only what the tool provably wrote', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const addEntries = (dir: string, entries: { path: string; sha256: string }[]) => {
    const file = join(dir, '.cnpg/manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8')) as { files: unknown[] };
    m.files.push(...entries.map((e) => ({ ...e, unit: 'app/gone', mode: 'owned' })));
    writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
  };

  it("an entry naming a worktree's .git file is refused (exit 2), and the file stays", () => {
    const main = repoWithCluster();
    const dir = join(mkdtempSync(join(tmpdir(), 'cnpg-wt-')), 'wt');
    execFileSync('git', ['worktree', 'add', '-q', dir], { cwd: main });
    const gitFile = readFileSync(join(dir, '.git'), 'utf8');
    addEntries(dir, [{ path: '.git', sha256: sha(gitFile) }]);
    for (const args of [['regen', '--dest', '.', '--allow-dirty', '--force'], ['regen', '--check', '--dest', '.']]) {
      const r = run(dir, args);
      expect(r.code, r.err).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain('path: must not be inside .git');
    }
    expect(readFileSync(join(dir, '.git'), 'utf8')).toBe(gitFile);
  });

  it("a user's file named as owned, or an orphan changed by hand, is reported and never deleted, not even with --force", () => {
    const dir = repoWithCluster();
    expect(run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'wiki', '--namespace', 'docs']).code).toBe(0);
    writeFileSync(join(dir, 'README.md'), 'my notes\n');
    commitAll(dir);
    const dbFile = 'kubernetes/apps/databases/cloudnative-pg/cluster/apps/wiki/database.yaml';
    const roleFile = 'kubernetes/apps/databases/cloudnative-pg/cluster/apps/wiki/externalsecret.yaml';
    // The user's README, listed with its own hash (a manifest hand-edited or merged badly) and with another.
    addEntries(dir, [
      { path: 'README.md', sha256: sha('my notes\n') },
      { path: 'docs/notes.md', sha256: sha('x') },
    ]);
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs/notes.md'), 'other\n');
    rmSync(join(dir, '.cnpg/answers/apps/wiki.yaml'));
    writeFileSync(join(dir, dbFile), `${readFileSync(join(dir, dbFile), 'utf8')}# mine\n`);

    const check = run(dir, ['regen', '--check', '--dest', '.']);
    expect(check.code).toBe(1);
    for (const p of ['README.md', 'docs/notes.md', dbFile]) expect(check.out).toContain(`${p}: orphan: no recorded unit produces it now, and it is not provably the tool's`);
    expect(check.out).toContain(`${roleFile}: orphan: no recorded unit produces it now (regen deletes it)`);

    const refused = run(dir, ['regen', '--dest', '.', '--allow-dirty']);
    expect(refused.code).toBe(1);
    oneLine(refused.err);
    expect(refused.err).toContain('README.md (app/gone)');

    const forced = run(dir, ['regen', '--dest', '.', '--allow-dirty', '--force']);
    expect(forced.code, forced.err).toBe(0);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('my notes\n');
    expect(readFileSync(join(dir, 'docs/notes.md'), 'utf8')).toBe('other\n');
    expect(readFileSync(join(dir, dbFile), 'utf8')).toContain('# mine');
    expect(existsSync(join(dir, roleFile))).toBe(false);
    // The report stays until the user deletes (or moves) those files.
    expect(run(dir, ['regen', '--check', '--dest', '.']).code).toBe(1);
    for (const p of ['README.md', 'docs/notes.md', dbFile]) rmSync(join(dir, p));
    rmSync(join(dir, 'kubernetes/apps/docs'), { recursive: true }); // the app's own folder, with the user's files that list it
    const clean = run(dir, ['regen', '--dest', '.', '--allow-dirty']);
    expect(clean.code, clean.err).toBe(0);
    expect(run(dir, ['regen', '--check', '--dest', '.']).code).toBe(0);
  });
});

describe('git: "not a git work tree" and "git failed" are different answers', () => {
  const NEW_CLUSTER = ['new-cluster', '--yes', '--backupEndpoint', R2];

  it('outside git: --allow-dirty is the way to write anyway; without --dest, --dest is required (exit 2)', () => {
    const dir = tempRepo(false);
    const r = run(dir, [...NEW_CLUSTER, '--dest', '.']);
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(r.err).toContain('is not in a git work tree; pass --allow-dirty');
    const noDest = run(dir, NEW_CLUSTER);
    expect(noDest.code).toBe(2);
    expect(noDest.err).toContain('--dest: required outside a git work tree');
    expect(snapshot(dir)).toEqual({});
    expect(run(dir, [...NEW_CLUSTER, '--dest', '.', '--allow-dirty']).code).toBe(0);
  });

  it('git failing is named as such (exit 1), not reported as "not a git work tree", and nothing is written', () => {
    const dir = tempRepo(true);
    const cases: [string, NodeJS.ProcessEnv, () => void, string][] = [
      ['dubious ownership', { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1' }, () => {}, 'detected dubious ownership'],
      ['git missing', { PATH: join(dir, 'no-bin') }, () => {}, 'git is not installed (not found on PATH)'],
      ['corrupt index', {}, () => writeFileSync(join(dir, '.git/index'), 'garbage'), 'index file'],
    ];
    for (const [what, env, breakIt, text] of cases) {
      breakIt();
      for (const args of [[...NEW_CLUSTER, '--dest', '.'], NEW_CLUSTER]) {
        const r = run(dir, args, env);
        expect(r.code, `${what}: ${r.err}`).toBe(1);
        oneLine(r.err);
        expect(r.err).toContain(`error: git failed in ${dir}: `);
        expect(r.err).toContain(text);
        expect(r.err).not.toContain('not in a git work tree');
        expect(r.err).not.toContain('--dest: required');
      }
      expect(Object.keys(snapshot(dir)), what).toEqual([]);
    }
    // --allow-dirty writes without git (the user said so), and says what git did.
    const dirty = run(dir, [...NEW_CLUSTER, '--dest', '.', '--allow-dirty'], { PATH: join(dir, 'no-bin') });
    expect(dirty.code, dirty.err).toBe(0);
    expect(dirty.out).toContain(`note: git failed in ${dir}: git is not installed (not found on PATH) (--allow-dirty: writing without git`);
  });

  it('a --dest the tool creates inside a work tree needs no --allow-dirty', () => {
    const dir = tempRepo(true);
    const r = run(dir, [...NEW_CLUSTER, '--dest', 'gitops/new']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('note: GitHub runs workflows only from the repository root');
    expect(r.out).toContain('working-directory: gitops/new');
  });
});

describe('a tree in an unexpected shape: one line naming the file', () => {
  const OP = 'kubernetes/apps/databases/cloudnative-pg';
  const both = (dir: string) => [run(dir, ['regen', '--check', '--dest', '.']), run(dir, ['regen', '--dest', '.', '--allow-dirty', '--force'])];

  it('a directory where a file should be, a file where a directory should be', () => {
    const dir = repoWithCluster();
    rmSync(join(dir, `${OP}/ks.yaml`));
    mkdirSync(join(dir, `${OP}/ks.yaml`));
    for (const r of both(dir)) {
      expect(r.code, r.err).toBe(1);
      oneLine(r.err);
      expect(r.err).toContain(`error: ${OP}/ks.yaml: is a directory, where the tool keeps a file`);
    }
    rmSync(join(dir, `${OP}/ks.yaml`), { recursive: true });
    rmSync(join(dir, `${OP}/app`), { recursive: true });
    writeFileSync(join(dir, `${OP}/app`), 'in the way\n');
    for (const r of both(dir)) {
      expect(r.code, r.err).toBe(1);
      oneLine(r.err);
      expect(r.err).toMatch(new RegExp(`^error: ${OP}/app: is a file, where the tool needs a directory \\(for ${OP}/app/[a-z]+\\.yaml\\)`));
    }
    expect(readFileSync(join(dir, `${OP}/app`), 'utf8')).toBe('in the way\n');
  });

  it('a file in place of the records directory is an error (exit 2: the records are broken), not "no apps recorded" (which would delete their files)', () => {
    const dir = repoWithCluster();
    expect(run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'wiki', '--namespace', 'docs']).code).toBe(0);
    commitAll(dir);
    rmSync(join(dir, '.cnpg/answers/apps'), { recursive: true });
    writeFileSync(join(dir, '.cnpg/answers/apps'), '');
    const before = snapshot(dir);
    for (const r of both(dir)) {
      expect(r.code, r.out + r.err).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain('.cnpg/answers/apps: cannot list the recorded answers (ENOTDIR)');
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('a manifest that is JSON but not an object is named as such (exit 2)', () => {
    const dir = repoWithCluster();
    for (const text of ['null', '[]', '"files"', '42']) {
      writeFileSync(join(dir, '.cnpg/manifest.json'), `${text}\n`);
      const r = run(dir, ['regen', '--check', '--dest', '.']);
      expect(r.code, r.err).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain(`.cnpg/manifest.json: must be a JSON object with a files list (got ${text})`);
      expect(r.err).not.toContain('not valid JSON');
    }
  });

  it('invalid YAML in a kustomization the tool edits: one line naming the file, without the parser\'s excerpt', () => {
    const dir = repoWithCluster();
    const file = 'kubernetes/apps/databases/kustomization.yaml';
    for (const text of ['resources:\n  - a\n - b: [\n', '\tfoo: [\n', 'a: "open\n']) {
      writeFileSync(join(dir, file), text);
      for (const r of both(dir)) {
        expect(r.code, r.err).toBe(1);
        oneLine(r.err);
        expect(r.err).toMatch(new RegExp(`^error: ${file}: cannot add the tool's entries: .* at line \\d+, column \\d+; fix the file \\(or move it away\\), then run again\\n$`));
      }
    }
  });
});

describe('symbolic links', () => {
  it('never carry a write out of the repository, into .git or into the records', () => {
    const outside = mkdtempSync(join(tmpdir(), 'cnpg-outside-'));
    for (const [target, text] of [
      [outside, 'outside the repository'],
      ['.git', 'must not be inside .git'],
      ['.cnpg', 'must not be inside .cnpg/'],
    ] as const) {
      const dir = tempRepo(true);
      mkdirSync(join(dir, 'kubernetes'));
      symlinkSync(target === outside ? outside : join(dir, target), join(dir, 'kubernetes/apps'));
      if (target === '.cnpg') mkdirSync(join(dir, '.cnpg'));
      commitAll(dir);
      const r = run(dir, ['new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2, '--allow-dirty']);
      expect(r.code, r.err).toBe(1);
      oneLine(r.err);
      expect(r.err).toContain('kubernetes/apps/databases/');
      expect(r.err).toContain(`a symbolic link leads it to`);
      expect(r.err).toContain(text);
      expect(readdirSync(outside)).toEqual([]);
      expect(existsSync(join(dir, '.git/databases'))).toBe(false);
      expect(existsSync(join(dir, '.cnpg/answers'))).toBe(false);
    }
  });

  it('--dest inside .git, named or linked, or too long for the file system, is refused (exit 2)', () => {
    const dir = tempRepo(true);
    symlinkSync(join(dir, '.git'), join(dir, 'gitops'));
    for (const dest of ['.git', '.git/hooks/new', 'gitops', 'gitops/x']) {
      const r = run(dir, ['new-cluster', '--yes', '--dest', dest, '--backupEndpoint', R2, '--allow-dirty']);
      expect(r.code, `${dest}: ${r.err}`).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain(`--dest: must not be inside a .git directory (got "${dest}")`);
    }
    expect(existsSync(join(dir, '.git/.cnpg'))).toBe(false);
    for (const [dest, text] of [['d'.repeat(10_000), 'each directory name must be at most 255 bytes'], ['d/'.repeat(3000), 'must be at most 3072 bytes']]) {
      const r = run(dir, ['regen', '--dest', dest]);
      expect(r.code, r.err).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain(`--dest: ${text}`);
      expect(r.err.length).toBeLessThan(300);
    }
    expect(existsSync(join(dir, '.git/hooks/new'))).toBe(false);
  });

  it('inside the repository, away from .git and the records, are followed', () => {
    const dir = tempRepo(true);
    mkdirSync(join(dir, 'shared/components'), { recursive: true });
    mkdirSync(join(dir, 'kubernetes'));
    symlinkSync(join(dir, 'shared/components'), join(dir, 'kubernetes/components'));
    expect(run(dir, ['new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2, '--allow-dirty']).code).toBe(0);
    const r = run(dir, ['new-app', '--yes', '--dest', '.', '--name', 'wiki', '--allow-dirty']);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(dir, 'shared/components/cnpg/kustomization.yaml'))).toBe(true);
  });
});

describe('--answers FILE', () => {
  it('that cannot be read says why, with the name cut short (exit 2)', () => {
    const dir = tempRepo(true);
    mkdirSync(join(dir, 'answers.yaml'));
    const cases: [string, string][] = [
      ['answers.yaml', '--answers: cannot read "answers.yaml" (is a directory)'],
      ['missing.yaml', '--answers: cannot read "missing.yaml" (no such file)'],
      ['a'.repeat(5000), '... (5002 characters) (ENAMETOOLONG)'],
      // Read with a cap: a file without end is refused after 1 MiB, not read until memory runs out.
      ['/dev/zero', '--answers: "/dev/zero" is larger than 1024 KiB: not an answers file'],
    ];
    for (const [file, text] of cases) {
      const r = run(dir, ['new-cluster', '--yes', '--dest', '.', '--answers', file]);
      expect(r.code, r.err).toBe(2);
      oneLine(r.err);
      expect(r.err).toContain(text);
      expect(r.err.length).toBeLessThan(300);
    }
  });
});
