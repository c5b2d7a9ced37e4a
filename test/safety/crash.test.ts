import { existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedBaseRepo, copyRepo, leftovers, runBin, tree, trials } from './helpers.js';

// SIGKILL cannot be caught: the next run must find what the killed one left and undo it (the
// journal) or remove it (staged files only), then do its own work. regen --check meanwhile must
// not call a half-written tree clean. CNPG_SAFETY_KILL_TRIALS runs more.
describe('a run killed with SIGKILL', () => {
  const base = sharedBaseRepo();

  it('is detected by regen --check and undone by the next run, which then completes', async () => {
    const args = ['new-app', '--yes', '--dest', '.', '--name', 'chat', '--namespace', 'docs'];
    const ref = copyRepo(base());
    const before = tree(ref);
    expect((await runBin(ref, args)).code).toBe(0);
    const after = tree(ref);
    let interrupted = 0;
    for (let i = 0; i < trials('CNPG_SAFETY_KILL_TRIALS', 8); i++) {
      const dir = copyRepo(base());
      const killed = await runBin(dir, args, (child) => {
        const w = watch(dir, { recursive: true }, (_e, name) => {
          if (!name || name.startsWith('.git') || name === '.cnpg/lock' || name === '.cnpg') return;
          w.close();
          setTimeout(() => child.kill('SIGKILL'), Math.random() * 15);
        });
        child.on('exit', () => w.close());
      });
      const label = `trial ${i}: exit ${killed.code ?? killed.signal}`;
      // A lock left by the killed run is stale (its pid is gone): the next run takes it over.
      const { ['.cnpg/lock']: _stale, ...t } = tree(dir);
      const clean = [before, after].some((x) => JSON.stringify(x) === JSON.stringify(t));
      const check = await runBin(dir, ['regen', '--check', '--dest', '.']);
      if (!clean) {
        interrupted++;
        expect(check.code, `${label}: regen --check on a half-written tree: ${check.out}`).toBe(1);
        if (existsSync(join(dir, '.cnpg/txn'))) expect(check.err, label).toContain('.cnpg/txn/: a run is writing, or one was interrupted');
      }
      const again = await runBin(dir, args);
      expect(again.code, `${label}: ${again.err}`).toBe(0);
      expect(leftovers(dir), label).toEqual([]);
      expect(tree(dir), label).toEqual(after);
      expect((await runBin(dir, ['regen', '--check', '--dest', '.'])).code, label).toBe(0);
    }
    // The kills landed inside writes (not only before or after them), or the test proved nothing.
    expect(interrupted).toBeGreaterThan(0);
  }, 900_000);
});
