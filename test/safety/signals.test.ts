import { rmSync, watch } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyRepo, sharedBaseRepo, leftovers, manyAppsRepo, runBin, tree, trials, type Ran } from './helpers.js';

// SIGINT/SIGTERM at any moment: the tree is as before or fully updated, nothing temporary is left,
// and the exit code is 130/143 (or 0 when the run had finished). Half the trials signal at a random
// moment of the whole run; half wait for the write to start (the first file appears) and signal within it.
// CNPG_SAFETY_SIGNAL_TRIALS / CNPG_SAFETY_REGEN_TRIALS run more.

type Scenario = { base: string; args: string[]; before: Record<string, string>; after: Record<string, string>; runMs: number };

async function scenario(base: string, prepare: (dir: string) => void, args: string[]): Promise<Scenario> {
  const ref = copyRepo(base);
  prepare(ref);
  const before = tree(ref);
  const started = Date.now();
  const r = await runBin(ref, args);
  expect(r.code, r.err).toBe(0);
  return { base, args, before, after: tree(ref), runMs: Date.now() - started };
}

async function trial(s: Scenario, prepare: (dir: string) => void, i: number, writeWindowMs: number): Promise<void> {
  const dir = copyRepo(s.base);
  prepare(dir);
  const signal = i % 4 < 2 ? 'SIGINT' : 'SIGTERM';
  const inWrite = i % 2 === 1;
  const r: Ran = await runBin(dir, s.args, (child) => {
    const send = () => child.kill(signal);
    if (!inWrite) return void setTimeout(send, Math.random() * s.runMs * 1.1);
    // The first change to the tree but the lock (taken before reading the records) starts the write.
    const w = watch(dir, { recursive: true }, (_e, name) => {
      if (!name || name.startsWith('.git') || name === '.cnpg/lock' || name === '.cnpg') return;
      w.close();
      setTimeout(send, Math.random() * writeWindowMs);
    });
    child.on('exit', () => w.close());
  });
  const label = `trial ${i} (${signal}${inWrite ? ' during the write' : ''}): exit ${r.code ?? r.signal}: ${r.err}`;
  expect(leftovers(dir), label).toEqual([]);
  const t = tree(dir);
  if (r.code === 0) expect(t, label).toEqual(s.after);
  else {
    // Killed by the signal itself only before the CLI's handlers exist (node starting): nothing written then.
    if (r.signal) expect(r.signal, label).toBe(signal);
    else expect(r.code, label).toBe(signal === 'SIGINT' ? 130 : 143);
    // The base repository pins chart 0.27.1 (end of life): its support warnings come first, then only the error.
    const errors = r.err.split('\n').filter((l) => !l.startsWith('warning: chartVersion 0.27.1: '));
    if (r.code) expect(errors.join('\n'), label).toMatch(/^error: interrupted by SIG(INT|TERM): /);
    expect([s.before, s.after].some((x) => JSON.stringify(x) === JSON.stringify(t)), label).toBe(true);
  }
}

describe('SIGINT/SIGTERM during a run', () => {
  const base = sharedBaseRepo();

  it('new-app: tree unchanged or fully updated, no temp files, exit 130/143', async () => {
    const none = () => {};
    // Into docs/, which exists: its kustomization.yaml and the cluster's files are edited, app directories created.
    const args = ['new-app', '--yes', '--dest', '.', '--name', 'chat', '--namespace', 'docs'];
    const s = await scenario(base(), none, args);
    for (let i = 0; i < trials('CNPG_SAFETY_SIGNAL_TRIALS', 40); i++) await trial(s, none, i, 40);
  }, 900_000);

  it('regen rewriting hundreds of files: the same', async () => {
    const many = await manyAppsRepo(40);
    // Every app's cluster-side files gone: regen recreates them (a few hundred files).
    const prepare = (dir: string) => rmSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/apps'), { recursive: true });
    const s = await scenario(many, prepare, ['regen', '--dest', '.', '--allow-dirty']);
    for (let i = 0; i < trials('CNPG_SAFETY_REGEN_TRIALS', 8); i++) await trial(s, prepare, i, 400);
  }, 900_000);
});
