import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regen } from '../../src/commands/regen.js';
import { upgrade } from '../../src/commands/upgrade.js';
import { EXAMPLE, ROOT, commitAll, ctxFor, expectRefused, snapshot } from '../helpers.js';
import { EXAMPLE_BEFORE, examplePinnedTo } from '../example-pins.js';

const TODAY = new Date('2026-12-01T12:00:00Z');
const BIN = join(ROOT, 'dist', 'src', 'cli.js');

describe('upgrade', () => {
  it('moves the example from its end-of-life pin to the bundled example, byte for byte, and regen --check agrees', async () => {
    const dir = await examplePinnedTo();
    expect(snapshot(dir)).not.toEqual(snapshot(EXAMPLE));
    const warnings: string[] = [];
    const ctx = ctxFor(dir, { now: () => TODAY, warn: (l) => warnings.push(l) });
    expect(await upgrade(ctx, {})).toBe(0);
    expect(snapshot(dir)).toEqual(snapshot(EXAMPLE));
    // The target is supported and fixed: nothing to warn about.
    expect(warnings).toEqual([]);
    expect(ctx.lines[0]).toBe(
      `upgrade: chart ${EXAMPLE_BEFORE.chart} -> 0.29.0 (operator 1.28.1 -> 1.30.0); plugin chart 0.7.0 -> 0.7.1 (plugin v0.13.0 -> v0.14.0); cluster postgres image ${EXAMPLE_BEFORE.image} -> ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie; roles immich, mealie, paperless_ngx -> DatabaseRole`,
    );
    const steps = ctx.lines.slice(ctx.lines.indexOf('next steps:'));
    // In order: Kubernetes, merge, the operator and its CRDs, then the roles, then the image, then checks.
    expect(steps.map((s) => s.replace(/^ {2}\d+\. (\S+ \S+).*$/, '$1'))).toEqual(['next steps:', 'check the', 'commit and', 'wait for', 'then the', 'cluster postgres', 'cnpg-scaffold validate,']);
    expect(steps.join('\n')).toContain('databaseroles.postgresql.cnpg.io');
    const check = ctxFor(dir, { now: () => TODAY });
    expect(await regen(check, { check: true })).toBe(0);
    // Nothing left to move.
    const again = ctxFor(dir);
    expect(await upgrade(again, {})).toBe(0);
    expect(again.lines).toEqual(['upgrade: already at chart 0.29.0 and plugin chart 0.7.1: nothing to do']);
    expect(snapshot(dir)).toEqual(snapshot(EXAMPLE));
  }, 60_000);

  it('--dry-run prints the diff of the answers and the tree, writes nothing', async () => {
    const dir = await examplePinnedTo();
    const before = snapshot(dir);
    const ctx = ctxFor(dir, { dryRun: true });
    expect(await upgrade(ctx, {})).toBe(0);
    const out = ctx.lines.join('\n');
    expect(out).toContain('would update .cnpg/answers/repo.yaml\n--- a/.cnpg/answers/repo.yaml');
    // The row moves as one: the chart with what it installs, each pin keeping its Renovate comment.
    expect(out).toContain('-  chartVersion: 0.27.1\n+  chartVersion: 0.29.0\n');
    expect(out).toContain('-  operatorVersion: 1.28.1\n-  operatorDefaultImage: ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie\n+  operatorVersion: 1.30.0\n+  operatorDefaultImage: ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie\n');
    expect(out).toContain('-  pluginChartVersion: 0.7.0\n+  pluginChartVersion: 0.7.1\n');
    expect(out).toContain('-  pluginVersion: v0.13.0\n+  pluginVersion: v0.14.0\n');
    expect(out).not.toMatch(/^[-+] {2}# renovate/m);
    expect(out).toMatch(/would update kubernetes\/apps\/databases\/cloudnative-pg\/cluster\/cluster.yaml\n[\s\S]*- {2}managed:\n- {4}roles:/);
    expect(out).toContain('dry run, nothing written: 3 created');
    expect(snapshot(dir)).toEqual(before);
  });

  it('--to a row in between: no roles move before 1.30, the image follows that row', async () => {
    const dir = await examplePinnedTo();
    const ctx = ctxFor(dir, { now: () => TODAY, warn: () => {} });
    expect(await upgrade(ctx, { to: '0.28.3' })).toBe(0);
    expect(ctx.lines[0]).toBe(`upgrade: chart 0.27.1 -> 0.28.3 (operator 1.28.1 -> 1.29.1); plugin chart 0.7.0 -> 0.7.1 (plugin v0.13.0 -> v0.14.0); cluster postgres image ${EXAMPLE_BEFORE.image} -> ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie`);
    expect(snapshot(dir)['kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml']).toContain('  managed:\n    roles:\n');
  });

  it('--strict refuses a --to that is itself end of life; an image of the user\'s own is kept and named', async () => {
    const dir = await examplePinnedTo({ ...EXAMPLE_BEFORE, image: 'ghcr.io/cloudnative-pg/postgresql:17.6-system-trixie' });
    const before = snapshot(dir);
    const strict = await upgrade(ctxFor(dir, { now: () => TODAY, strict: true }), { to: '0.28.3' }).catch((e: Error & { exitCode: number }) => e);
    expect((strict as { exitCode: number }).exitCode).toBe(1);
    expect((strict as Error).message).toContain('chartVersion 0.28.3: operator 1.29 reached end of life on 2026-09-29');
    expect(snapshot(dir)).toEqual(before);
    const ctx = ctxFor(dir, { now: () => TODAY });
    expect(await upgrade(ctx, {})).toBe(0);
    expect(ctx.lines).toContain('  2. cluster postgres keeps its own image ghcr.io/cloudnative-pg/postgresql:17.6-system-trixie: check it against operator 1.30.0 (its default is ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie)');
    expect(snapshot(dir)['.cnpg/answers/clusters/postgres.yaml']).toContain('imageName: ghcr.io/cloudnative-pg/postgresql:17.6-system-trixie');
  });

  it('bad --to: exit 2 naming the flag and the rule, nothing written', async () => {
    const dir = await examplePinnedTo();
    await expectRefused(dir, () => upgrade(ctxFor(dir), { to: '0.30.0' }), '--to', /^--to: must be a known chart version \(0\.29\.0, .*\) \(got "0\.30\.0"\)$/);
    await expectRefused(dir, () => upgrade(ctxFor(dir), { to: '0.26.1' }), '--to', '--to: chart 0.26.1 is older than the recorded chartVersion 0.27.1: upgrade only moves forward');
  });

  it('refuses to write over uncommitted changes to a file it would change (exit 1), as every writing command', async () => {
    const dir = await examplePinnedTo();
    spawnSync('git', ['init', '-q'], { cwd: dir });
    commitAll(dir);
    writeFileSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml'), 'edited: by hand\n');
    const before = snapshot(dir);
    const error = await upgrade(ctxFor(dir, { allowDirty: false }), {}).catch((e: Error & { exitCode: number }) => e);
    expect((error as { exitCode: number }).exitCode).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it('the bin: --help tells what it does; --to is a flag of upgrade only', () => {
    const help = spawnSync(process.execPath, [BIN, 'upgrade', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--to CHART');
    expect(help.stdout).toContain('DatabaseRole');
    const wrong = spawnSync(process.execPath, [BIN, 'regen', '--to', '0.29.0', '--dest', EXAMPLE], { encoding: 'utf8' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr.trim()).toBe('error: --to: not a flag of regen (see regen --help)');
  });

  it('the bin: regen --check --strict fails CI on an end-of-life pin, one error line each', async () => {
    const dir = await examplePinnedTo();
    const r = spawnSync(process.execPath, [BIN, 'regen', '--check', '--strict', '--dest', dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error: chartVersion 0\.27\.1: operator 1\.28 reached end of life on 2026-06-30/);
    expect(lines[1]).toMatch(/^error: chartVersion 0\.27\.1: operator 1\.28\.1 is affected by CVE-2026-44477/);
    const warned = spawnSync(process.execPath, [BIN, 'regen', '--check', '--dest', dir], { encoding: 'utf8' });
    expect(warned.status).toBe(0);
    expect(warned.stderr.split('\n').filter(Boolean).map((l) => l.slice(0, 30))).toEqual(['warning: chartVersion 0.27.1: ', 'warning: chartVersion 0.27.1: ']);
  });
});
