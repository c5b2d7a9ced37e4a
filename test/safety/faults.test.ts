import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { lockedRun } from '../../src/apply.js';
import { regen } from '../../src/commands/regen.js';
import type { Context } from '../../src/context.js';
import { InterruptedError } from '../../src/errors.js';
import { Interrupts } from '../../src/interrupts.js';
import { ctxFor } from '../helpers.js';
import { faultFs } from './fault-fs.js';
import { baseRepo, copyRepo, leftovers, runBin, tree } from './helpers.js';

// All or nothing, proved at every mutating call of a whole run (lock, staging, journal, renames,
// deletions, cleanup), each in turn: a failure there leaves the tree exactly as before, unless it
// comes after the commit point (the journal's removal), when the run succeeds and only tidying is
// left, which the next run does. A call that never returns stands for a kill there: the next run
// undoes or finishes it.

type Run = (ctx: Context) => Promise<unknown>;
interface Scenario {
  name: string;
  prepare: (dir: string) => void;
  run: Run;
}

const JOURNAL_REMOVED = /^unlink .*\/\.cnpg\/txn\/journal\.json$/;

async function everyCall(base: string, s: Scenario) {
  const ref = copyRepo(base);
  s.prepare(ref);
  const before = tree(ref);
  const clean = faultFs(0, 'fail');
  await s.run(ctxFor(ref, { fs: clean.fs }));
  const after = tree(ref);
  expect(after).not.toEqual(before);
  const commitAt = clean.log.findIndex((l) => JOURNAL_REMOVED.test(l)) + 1;
  expect(commitAt, clean.log.join('\n')).toBeGreaterThan(0);
  expect(clean.log.length).toBeGreaterThan(commitAt); // tidying and the lock's release come after

  for (let k = 1; k <= clean.log.length; k++) {
    const dir = copyRepo(base);
    s.prepare(dir);
    const { fs, log } = faultFs(k, 'fail');
    const call = log[k - 1] ?? clean.log[k - 1]!;
    const label = `${s.name}: fault at call ${k}/${clean.log.length} (${call})`;
    const failed = await s.run(ctxFor(dir, { fs })).then(
      () => false,
      () => true,
    );
    // Before the commit point every call that makes progress must fail the run; a failed removal of
    // something temporary (tidying) may not, and leaves only what the next run removes.
    const tidying = /^(unlink|rmdir) /.test(call) && !JOURNAL_REMOVED.test(call);
    if (k <= commitAt && !tidying) expect(failed, label).toBe(true);
    if (k > commitAt) expect(failed, label).toBe(false);
    const leftBehind = leftovers(dir);
    if (leftBehind.includes('.cnpg/lock')) {
      // Only when removing the lock itself failed; its pid (ours) is alive, so drop it by hand (takeover is tested apart).
      expect(call, label).toMatch(/^unlink .*\/\.cnpg\/lock$/);
      rmSync(join(dir, '.cnpg/lock'));
    }
    await lockedRun(ctxFor(dir), 'next', true, async () => {}); // the next run: recovers and tidies, writes nothing itself
    expect(leftovers(dir), label).toEqual([]);
    expect(tree(dir), label).toEqual(failed ? before : after);
  }

  // A SIGINT right after each call, in turn (delivered to the run's Interrupts, as the CLI's handler does).
  for (let k = 1; k <= clean.log.length; k++) {
    const dir = copyRepo(base);
    s.prepare(dir);
    let exited: number | undefined;
    const interrupts = new Interrupts(
      (code) => (exited = code),
      () => {},
    );
    const { fs } = faultFs(k, 'after', () => interrupts.receive('SIGINT'));
    const label = `${s.name}: SIGINT after call ${k}/${clean.log.length} (${clean.log[k - 1]})`;
    const err = await s.run(ctxFor(dir, { fs, interrupts })).then(
      () => undefined,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 20)); // the handler's own cleanup (outside a write) settles
    const t = tree(dir);
    if (err instanceof InterruptedError) {
      expect(err.exitCode, label).toBe(130);
      expect(t, label).toEqual(err.message.includes('already completed') ? after : before);
    } else {
      // Outside any write (the lock's release): the handler itself ends the run with 130.
      expect(exited, `${label}: ${String(err)}`).toBe(130);
      expect([before, after], label).toContainEqual(t);
    }
    expect(leftovers(dir), label).toEqual([]);
  }

  for (let k = 1; k <= commitAt; k++) {
    const dir = copyRepo(base);
    s.prepare(dir);
    const { fs, hit } = faultFs(k, 'hang');
    void s.run(ctxFor(dir, { fs })); // never settles: this run is "killed" at call k
    await hit;
    rmSync(join(dir, '.cnpg/lock'), { force: true }); // its pid is ours and alive: stale-lock takeover is tested on its own
    const label = `${s.name}: killed at call ${k}`;
    await s.run(ctxFor(dir));
    expect(leftovers(dir), label).toEqual([]);
    expect(tree(dir), label).toEqual(after);
  }
}

describe('a fault at every write of a run', () => {
  let base: string;
  beforeAll(async () => {
    base = await baseRepo();
    const r = await runBin(base, ['new-app', '--yes', '--dest', '.', '--name', 'chat', '--namespace', 'docs']);
    expect(r.code, r.err).toBe(0);
  }, 120_000);

  it('new-app: creates, edits (one of an executable user file), new directories', async () => {
    await everyCall(base, {
      name: 'new-app',
      prepare: (dir) => chmodSync(join(dir, 'kubernetes/apps/docs/kustomization.yaml'), 0o755),
      run: (ctx) => newApp(ctx, { name: 'blog', namespace: 'press' }),
    });
  }, 900_000);

  it('regen after an app is removed: deletions, emptied directories, edits', async () => {
    await everyCall(base, {
      name: 'regen',
      prepare: (dir) => rmSync(join(dir, '.cnpg/answers/apps/chat.yaml')),
      run: (ctx) => regen({ ...ctx, force: true }, { check: false }),
    });
  }, 900_000);
});

describe('an undo that fails too', () => {
  it('keeps the journal, says so, and the next run finishes the undo', async () => {
    const dir = await baseRepo();
    const before = tree(dir);
    // The third rename into the tree fails; then the rollback's first call fails as well: a backup
    // moved back or a created file removed (renames of other files may still be under way between).
    let renames = 0;
    let failedAt = 0;
    let undoFailed = false;
    const undoing = (call: string) => /^rename .*\/\.cnpg\/txn\/\d+\.old$/.test(call) || (call.startsWith('unlink ') && !call.includes('/.cnpg/'));
    const { fs } = faultFs((n, call) => {
      if (failedAt) return !undoFailed && undoing(call) && (undoFailed = true);
      if (call.startsWith('rename ') && !call.includes('journal.json') && ++renames === 3) failedAt = n;
      return failedAt === n;
    }, 'fail');
    const err = await newApp(ctxFor(dir, { fs }), { name: 'blog', namespace: 'press' }).catch((e: Error) => e);
    expect(String(err)).toMatch(/cannot write \(EIO: .*\), and undoing the run failed too \(EIO: .*\); the next run of the tool finishes the undo/);
    expect(leftovers(dir)).toContain('.cnpg/txn/journal.json');
    const lines: string[] = [];
    await lockedRun(ctxFor(dir, { out: (l) => lines.push(l) }), 'next', true, async () => {});
    expect(lines.join('\n')).toMatch(/note: undid an interrupted run \(pid \d+/);
    expect(leftovers(dir)).toEqual([]);
    expect(tree(dir)).toEqual(before);
  }, 120_000);
});
