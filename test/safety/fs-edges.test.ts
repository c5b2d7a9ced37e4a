import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { R2, commitAll, tempRepo } from '../helpers.js';
import { BIN, baseRepo, copyRepo, sharedBaseRepo, leftovers, runBin, tree } from './helpers.js';

const NEW_APP = ['new-app', '--yes', '--dest', '.', '--name', 'chat', '--namespace', 'docs'];

describe('symbolic links', () => {
  it('a directory linked out of the repository is refused (exit 1, the path named), nothing written on either side', async () => {
    const dir = tempRepo(true);
    const elsewhere = mkdtempSync(join(tmpdir(), 'cnpg-elsewhere-'));
    symlinkSync(elsewhere, join(dir, 'kubernetes'));
    commitAll(dir);
    const before = tree(dir);
    const r = await runBin(dir, ['new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2]);
    expect(r.code, r.err).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^error: kubernetes\/\S+: a symbolic link leads it to .*cnpg-elsewhere-.*, outside the repository/);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(tree(dir)).toEqual(before);
  });

  it("a user's symlinked file stays a symlink; its target inside the repository gets the edit", async () => {
    const dir = copyRepo(await baseRepo());
    // docs/kustomization.yaml really lives in shared/ and is linked in (relative link).
    mkdirSync(join(dir, 'shared'));
    renameSync(join(dir, 'kubernetes/apps/docs/kustomization.yaml'), join(dir, 'shared/docs-kustomization.yaml'));
    symlinkSync('../../../shared/docs-kustomization.yaml', join(dir, 'kubernetes/apps/docs/kustomization.yaml'));
    commitAll(dir);
    const r = await runBin(dir, NEW_APP);
    expect(r.code, r.err).toBe(0);
    expect(lstatSync(join(dir, 'kubernetes/apps/docs/kustomization.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'shared/docs-kustomization.yaml'), 'utf8')).toContain('./chat/ks.yaml');
    expect(leftovers(dir)).toEqual([]);
    expect((await runBin(dir, ['regen', '--check', '--dest', '.'])).code).toBe(0);
  });

  it('a symlinked file pointing out of the repository is refused and left as it is', async () => {
    const dir = copyRepo(await baseRepo());
    const outside = join(mkdtempSync(join(tmpdir(), 'cnpg-elsewhere-')), 'kustomization.yaml');
    renameSync(join(dir, 'kubernetes/apps/docs/kustomization.yaml'), outside);
    symlinkSync(outside, join(dir, 'kubernetes/apps/docs/kustomization.yaml'));
    commitAll(dir);
    const before = tree(dir);
    const outsideBefore = readFileSync(outside, 'utf8');
    const r = await runBin(dir, NEW_APP);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/kubernetes\/apps\/docs\/kustomization\.yaml: a symbolic link leads it to .*, outside the repository/);
    expect(tree(dir)).toEqual(before);
    expect(readFileSync(outside, 'utf8')).toBe(outsideBefore);
  });
});

describe('file modes', () => {
  const base = sharedBaseRepo();

  it("a patched user file keeps its mode (the exec bit too); new files get the usual one", async () => {
    const dir = copyRepo(base());
    chmodSync(join(dir, 'kubernetes/apps/docs/kustomization.yaml'), 0o750);
    const r = await runBin(dir, NEW_APP);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'kubernetes/apps/docs/kustomization.yaml'), 'utf8')).toContain('./chat/ks.yaml');
    expect(statSync(join(dir, 'kubernetes/apps/docs/kustomization.yaml')).mode & 0o7777).toBe(0o750);
    expect(statSync(join(dir, 'kubernetes/apps/docs/chat/ks.yaml')).mode & 0o7777).toBe(statSync(join(dir, 'kubernetes/apps/docs/wiki/ks.yaml')).mode & 0o7777);
  });
});

/** Makes `d` read-only for this process: chmod for a normal user; root ignores that, so chattr +i. Undone by the returned function. */
async function readOnly(d: string): Promise<(() => Promise<void>) | undefined> {
  if (process.getuid?.() !== 0) {
    chmodSync(d, 0o555);
    return async () => chmodSync(d, 0o755);
  }
  const { spawnSync } = await import('node:child_process');
  if (spawnSync('chattr', ['+i', d]).status !== 0) return undefined;
  return async () => void spawnSync('chattr', ['-i', d]);
}

describe('a read-only directory among the targets', () => {
  it('fails the run (exit 1) and leaves the whole tree as it was', async (t) => {
    const dir = copyRepo(await baseRepo());
    const ro = join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster');
    const before = tree(dir);
    const undo = await readOnly(ro);
    if (!undo) return t.skip('cannot make a directory read-only here (root without chattr)');
    try {
      const r = await runBin(dir, NEW_APP);
      expect(r.code, r.out).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    } finally {
      await undo();
    }
    expect(tree(dir)).toEqual(before);
    expect(existsSync(join(dir, '.cnpg/txn'))).toBe(false);
  });
});

describe('a file-size limit (ulimit -f) hit part-way', () => {
  it('fails the run with one line (exit 1), no truncated file left, tree as it was', async () => {
    const dir = copyRepo(await baseRepo());
    const before = tree(dir);
    const { spawnSync } = await import('node:child_process');
    // --allow-dirty: git itself cannot refresh its index under this limit.
    // 4 KiB: the lock and small files fit, the manifest does not: EFBIG, since node ignores SIGXFSZ (nodejs/node PR #27798).
    const r = spawnSync('sh', ['-c', `ulimit -f 8 && exec "${process.execPath}" "${BIN}" "$@"`, 'sh', ...NEW_APP, '--allow-dirty'], { cwd: dir, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: \S+: cannot write \(EFBIG: file too large\); nothing was changed\n$/);
    expect(tree(dir)).toEqual(before);
  });
});
