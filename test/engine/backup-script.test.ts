import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupScript } from '../../src/plan/backup-script.js';
import { tempRepo } from '../helpers.js';

/** Runs the CronJob's script in bash with stand-ins for pg_dump and date: the day decides weekly/monthly copies. */
function runOn(root: string, day: { u: string; d: string; stamp: string }) {
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'pg_dump'), '#!/bin/sh\nfor a; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done\n');
  writeFileSync(
    join(bin, 'date'),
    `#!/bin/sh\ncase "$1" in +%u) echo ${day.u};; +%d) echo ${day.d};; *) echo ${day.stamp};; esac\n`,
  );
  chmodSync(join(bin, 'pg_dump'), 0o755);
  chmodSync(join(bin, 'date'), 0o755);
  const script = backupScript({ database: 'wiki', keepDays: 3, keepWeeks: 2, keepMonths: 1 }, join(root, 'backups'));
  return spawnSync('bash', ['-c', script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
}

describe('the logical backup script', () => {
  it('succeeds before any weekly or monthly dump exists, copies on Sundays and the 1st, and keeps N of each', () => {
    const root = tempRepo();
    const list = (kind: string) => readdirSync(join(root, 'backups/wiki', kind)).sort();
    for (let i = 1; i <= 5; i++) {
      const r = runOn(root, { u: '3', d: `1${i}`, stamp: `2026010${i}-000000` });
      expect(r.status, r.stderr).toBe(0);
    }
    expect(list('daily')).toEqual(['wiki-20260103-000000.dump', 'wiki-20260104-000000.dump', 'wiki-20260105-000000.dump']);
    expect(list('weekly')).toEqual([]);
    for (const [i, u, d] of [[6, '7', '18'], [7, '7', '25'], [8, '7', '01']] as const) expect(runOn(root, { u, d, stamp: `2026010${i}-000000` }).status).toBe(0);
    expect(list('weekly')).toEqual(['wiki-20260107-000000.dump', 'wiki-20260108-000000.dump']);
    expect(list('monthly')).toEqual(['wiki-20260108-000000.dump']);
    expect(list('daily')).toHaveLength(3);
  });

  it('fails when pg_dump fails, leaving no partial file and no dump', () => {
    const root = tempRepo();
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin/pg_dump'), '#!/bin/sh\nfor a; do case "$a" in --file=*) echo half > "${a#--file=}";; esac; done\nexit 1\n');
    chmodSync(join(root, 'bin/pg_dump'), 0o755);
    const script = backupScript({ database: 'wiki', keepDays: 3, keepWeeks: 2, keepMonths: 1 }, join(root, 'backups'));
    const r = spawnSync('bash', ['-c', script], { env: { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(readdirSync(join(root, 'backups/wiki/daily'))).toEqual([]);
  });
});
