import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import { nodeFs } from '../../src/fs-seam.js';
import { withRepoLock } from '../../src/lock.js';
import { sharedBaseRepo, copyRepo, leftovers, runBin, tree } from './helpers.js';

const NEW_APP = ['new-app', '--yes', '--dest', '.', '--name', 'chat', '--namespace', 'docs'];
const lockOf = (pid: number, command = 'new-app') => `${JSON.stringify({ pid, host: hostname(), command, started: '2026-01-01T00:00:00.000Z', token: `t-${pid}` })}\n`;
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;

describe('the repository lock', () => {
  const base = sharedBaseRepo();

  it("is taken over when its run is gone (pid not alive), so a killed run cannot leave the repo stuck", async () => {
    const dir = copyRepo(base());
    writeFileSync(join(dir, '.cnpg/lock'), lockOf(Number(deadPid())));
    const r = await runBin(dir, NEW_APP);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/note: \.cnpg\/lock: held by `new-app` \(pid \d+ .*\) is stale \(that process is gone\); taking it over/);
    expect(leftovers(dir)).toEqual([]);
  });

  it('is taken over when nobody refreshed it for 10 minutes, even if its pid exists (reused)', async () => {
    const dir = copyRepo(base());
    writeFileSync(join(dir, '.cnpg/lock'), lockOf(process.pid));
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(dir, '.cnpg/lock'), old, old);
    const r = await runBin(dir, NEW_APP);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('untouched for over 10 min');
    expect(leftovers(dir)).toEqual([]);
  });

  it('makes a second run wait, saying for what, and go on once the first has finished', async () => {
    const dir = copyRepo(base());
    writeFileSync(join(dir, '.cnpg/lock'), lockOf(process.pid, 'regen'));
    const r = await runBin(dir, NEW_APP, (child) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (String(d).includes('waiting for .cnpg/lock')) rmSync(join(dir, '.cnpg/lock'));
      });
    });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^waiting for \.cnpg\/lock: held by `regen` \(pid \d+ on .*, since 2026-01-01T00:00:00.000Z\)$/m);
    expect(readFileSync(join(dir, 'kubernetes/apps/docs/kustomization.yaml'), 'utf8')).toContain('./chat/ks.yaml');
    expect(leftovers(dir)).toEqual([]);
  });

  it('waits a bounded time, then fails naming the holder and leaves its lock alone', async () => {
    const dir = copyRepo(base());
    writeFileSync(join(dir, '.cnpg/lock'), lockOf(process.pid, 'regen'));
    const lines: string[] = [];
    let ran = false;
    const err = await withRepoLock(dir, { fs: nodeFs, command: 'new-app', out: (l) => lines.push(l), waitMs: 300 }, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toMatch(/^\.cnpg\/lock: held by `regen` \(pid \d+ .*\); waited 0 s\. Run again when it has finished/);
    expect(readFileSync(join(dir, '.cnpg/lock'), 'utf8')).toBe(lockOf(process.pid, 'regen'));
  });

  it('a run interrupted while waiting exits 130 and leaves the holder its lock', async () => {
    const dir = copyRepo(base());
    writeFileSync(join(dir, '.cnpg/lock'), lockOf(process.pid, 'regen'));
    const before = tree(dir);
    const r = await runBin(dir, NEW_APP, (child) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (String(d).includes('waiting for')) child.kill('SIGINT');
      });
    });
    expect(r.code, r.err).toBe(130);
    expect(r.err.trim()).toBe('error: interrupted by SIGINT: nothing was changed');
    expect(tree(dir)).toEqual(before);
  });

  it('a first run that writes nothing leaves no .cnpg/ behind', async () => {
    const dir = copyRepo(base());
    rmSync(join(dir, '.cnpg'), { recursive: true });
    rmSync(join(dir, 'kubernetes'), { recursive: true });
    const r = await runBin(dir, NEW_APP);
    expect(r.code).toBe(2); // no cluster recorded
    expect(existsSync(join(dir, '.cnpg'))).toBe(false);
  });
});
