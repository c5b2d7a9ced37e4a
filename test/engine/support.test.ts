import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { validate } from '../../src/commands/validate.js';
import { supportProblems } from '../../src/support.js';
import { ADVISORIES, OPERATOR_MINORS, OPERATOR_RELEASES, PLUGIN_RELEASES, compareVersions, minorOf, newestPluginFor, operatorMinor, pluginMismatch } from '../../src/versions.js';
import { R2, ctxFor, snapshot, tempRepo } from '../helpers.js';
import { examplePinnedTo } from '../example-pins.js';

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const TODAY = day('2026-12-01');

describe('support status of the pinned operator', () => {
  it('an end-of-life minor with fixed advisories: one line each, naming the fixes and the chart that has them', () => {
    expect(supportProblems({ chartVersion: '0.27.1' }, TODAY)).toEqual([
      'chartVersion 0.27.1: operator 1.28 reached end of life on 2026-06-30 (CloudNativePG supported releases); chart 0.29.0 (operator 1.30.0) is supported and fixed: cnpg-scaffold upgrade',
      'chartVersion 0.27.1: operator 1.28.1 is affected by CVE-2026-44477 (fixed in 1.28.3), CVE-2026-55769 (fixed in 1.28.4), CVE-2026-55765 (fixed in 1.28.4), GHSA-7qwx-x8ff-3px9 (fixed in 1.30.0); chart 0.29.0 (operator 1.30.0) is supported and fixed: cnpg-scaffold upgrade',
    ]);
  });

  it('end of life is judged against the run\'s day: supported on its last day, not the day after', () => {
    const eol = (d: string) => supportProblems({ chartVersion: '0.28.3' }, day(d)).filter((l) => l.includes('end of life'));
    expect(eol('2026-09-29')).toEqual([]);
    expect(eol('2026-09-30')).toEqual([expect.stringContaining('operator 1.29 reached end of life on 2026-09-29')]);
  });

  it('a patch that already has a fix is not named for it; a minor that never got a fix names the first release that has it', () => {
    const [line] = supportProblems({ chartVersion: '0.28.3' }, day('2026-07-01'));
    expect(line).toContain('operator 1.29.1 is affected by CVE-2026-55769 (fixed in 1.29.2), CVE-2026-55765 (fixed in 1.29.2), GHSA-7qwx-x8ff-3px9 (fixed in 1.30.0)');
    expect(line).not.toContain('CVE-2026-44477');
    expect(supportProblems({ chartVersion: '0.26.0' }, TODAY)[1]).toContain('CVE-2026-44477 (fixed in 1.28.3)');
  });

  it('the newest row warns of nothing: 1.30 has no end-of-life date upstream yet', () => {
    expect(supportProblems({ chartVersion: OPERATOR_RELEASES[0]!.chart }, TODAY)).toEqual([]);
    expect(operatorMinor('1.30.0')?.endOfLife).toBeUndefined();
  });

  it('the table holds together: every row has its minor, every fix one patch per minor, plugins fit their operators', () => {
    for (const r of OPERATOR_RELEASES) expect(operatorMinor(r.operator), r.chart).toBeDefined();
    for (const a of ADVISORIES) {
      expect(new Set(a.fixed.map(minorOf)).size, a.id).toBe(a.fixed.length);
      for (const f of a.fixed) expect(OPERATOR_MINORS.map((m) => m.minor), `${a.id} ${f}`).toContain(minorOf(f));
      expect([...a.fixed].sort(compareVersions)).toEqual(a.fixed);
    }
    for (const r of OPERATOR_RELEASES) for (const p of PLUGIN_RELEASES) expect(pluginMismatch(r, p), `${r.chart} + ${p.chart}`).toBeUndefined();
    expect(newestPluginFor('1.30.0')?.chart).toBe('0.7.1');
  });

  it('a plugin that needs a newer operator is named with both versions', () => {
    const plugin = { chart: '9.9.9', plugin: 'v9.9.9', minOperator: '1.31.0' };
    expect(pluginMismatch(OPERATOR_RELEASES[0]!, plugin)).toBe('plugin v9.9.9 needs operator 1.31.0 or later (chartVersion 0.29.0 pins 1.30.0)');
    expect(newestPluginFor('1.25.0')).toBeUndefined();
  });
});

describe('commands warn about the pinned operator, or refuse it with --strict', () => {
  it('regen and regen --check: a warning line each on the warning channel, exit as before', async () => {
    const dir = await examplePinnedTo();
    const warnings: string[] = [];
    const ctx = ctxFor(dir, { now: () => TODAY, warn: (l) => warnings.push(l) });
    expect(await regen(ctx, { check: true })).toBe(0);
    expect(warnings).toHaveLength(2);
    expect(warnings.every((w) => w.startsWith('warning: chartVersion 0.27.1: operator 1.28'))).toBe(true);
    expect(ctx.lines.join('\n')).not.toContain('warning');
  });

  it('--strict: regen refuses with exit 1 before writing anything', async () => {
    const dir = await examplePinnedTo();
    writeFileSync(join(dir, '.cnpg/answers/clusters/postgres.yaml'), readFileSync(join(dir, '.cnpg/answers/clusters/postgres.yaml'), 'utf8').replace('instances: 3', 'instances: 2'));
    const before = snapshot(dir);
    const error = await regen(ctxFor(dir, { now: () => TODAY, strict: true }), { check: false }).catch((e: Error & { exitCode: number }) => e);
    expect((error as { exitCode: number }).exitCode).toBe(1);
    expect((error as Error).message.split('\n')).toEqual(supportProblems({ chartVersion: '0.27.1' }, TODAY));
    expect(snapshot(dir)).toEqual(before);
  });

  it('validate reports the tree, then --strict fails the run', async () => {
    const dir = await examplePinnedTo();
    const ctx = ctxFor(dir, { now: () => TODAY, strict: true });
    const error = await validate(ctx, { schemaLocations: [] }).catch((e: Error & { exitCode: number }) => e);
    expect((error as { exitCode: number }).exitCode).toBe(1);
    expect(ctx.lines.at(-1)).toMatch(/^validate: \d+ documents, .* 0 problem\(s\)/);
  }, 60_000);

  it('new-cluster: an old chartVersion warns and is written; with --strict nothing is written', async () => {
    const answers = { chartVersion: '0.26.1', backupEndpoint: R2 };
    const strictDir = tempRepo();
    const error = await newCluster(ctxFor(strictDir, { now: () => TODAY, strict: true }), answers).catch((e: Error & { exitCode: number }) => e);
    expect((error as { exitCode: number }).exitCode).toBe(1);
    expect((error as Error).message).toContain('chartVersion 0.26.1: operator 1.27 reached end of life on 2026-03-09');
    expect(snapshot(strictDir)).toEqual({});
    const dir = tempRepo();
    const warnings: string[] = [];
    await newCluster(ctxFor(dir, { now: () => TODAY, warn: (l) => warnings.push(l) }), answers);
    expect(warnings).toEqual(supportProblems({ chartVersion: '0.26.1' }, TODAY).map((l) => `warning: ${l}`));
    expect(readFileSync(join(dir, '.cnpg/answers/repo.yaml'), 'utf8')).toContain('chartVersion: 0.26.1');
  });
});
