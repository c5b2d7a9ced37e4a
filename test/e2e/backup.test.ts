import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers.js';
import { HOSTILE } from './support/passwords.js';
import { realServer } from './support/suite.js';
import { reconcile } from './support/reconcile.js';
import { materialize, secret, type Store } from './support/secrets.js';
import { missingPostgres, missingRenderer, missingWarning } from './support/tools.js';
import { appliedDocs, byName, generate } from './support/tree.js';

const skip = missingWarning('logical backup CronJob script', [...missingPostgres(), ...missingRenderer()]);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KEEP = { keepDays: 5, keepWeeks: 3, keepMonths: 2 };
/** Daily runs from New Year's Day over ten weeks: three 1sts of the month, ten Sundays. */
const DAYS = Array.from({ length: 70 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)));
const ymd = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');

/** The container's script and env as the CronJob gives them (env values from the pguser secret). */
function cronJobRun(cronJob: Json, secrets: Map<string, Record<string, string>>, namespace: string) {
  const c = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
  expect(c.command).toEqual(['/bin/bash', '-c']);
  expect(c.volumeMounts).toContainEqual({ name: 'backups', mountPath: '/backups' });
  const env: Record<string, string> = {};
  for (const e of c.env as Json[]) env[e.name] = secret(secrets, namespace, e.valueFrom.secretKeyRef.name)[e.valueFrom.secretKeyRef.key]!;
  return { script: c.args[0] as string, env };
}

describe.skipIf(!!skip)('the backup CronJob script against a real PostgreSQL', () => {
  const live = realServer();

  it('explicit layout: the same script and env as the component layout once Flux substitutes it', async () => {
    const docsOf = async (appLayout: string) => {
      const docs = await appliedDocs(await generate({}, [{ name: 'wiki', namespace: 'apps', appLayout, backups: true, ...KEEP }]));
      return byName(docs, 'CronJob', 'wiki-pg-backups', 'apps').obj.spec;
    };
    expect(await docsOf('explicit')).toEqual(await docsOf('component'));
  });

  for (const appLayout of ['component']) {
    it(`${appLayout} layout: ten weeks of daily runs keep exactly keepDays/keepWeeks/keepMonths dumps; the newest restores with equal rows`, async () => {
      const app = { name: 'wiki', namespace: 'apps', appLayout, provisioning: 'declarative', backups: true, ...KEEP };
      const dir = await generate({}, [app]);
      const docs = await appliedDocs(dir);
      const store: Store = { 'cloudnative-pg': { POSTGRES_SUPER_PASS: live.pg.superPass }, wiki: { POSTGRES_PASSWORD: HOSTILE[0]! } };
      const secrets = materialize(docs, store, live.renderer);
      reconcile(live.pg, docs, secrets, '1.30');
      // The app's data, written by the app's role.
      const asApp = { PGUSER: 'wiki', PGPASSWORD: HOSTILE[0]!, PGDATABASE: 'wiki' };
      const fill = live.pg.psql(['-v', 'ON_ERROR_STOP=1', '-c', `CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes SELECT g, md5(g::text) || '''"\\' FROM generate_series(1, 5000) g;`], { ...live.pg.env, ...asApp });
      expect(fill.status, fill.stderr).toBe(0);

      const { script, env } = cronJobRun(byName(docs, 'CronJob', 'wiki-pg-backups', 'apps').obj, secrets, 'apps');
      // The volume is mounted at /backups and the Service name does not resolve here: only those
      // point at the test's directory and server.
      const root = tempRepo();
      expect(script.split('dir=/backups/').length).toBe(2);
      const runnable = script.replace('dir=/backups/', `dir=${root}/backups/`);
      const bin = join(root, 'bin');
      mkdirSync(bin);
      // `date` as on each day at 03:00 UTC (the default schedule), real GNU date doing the formatting.
      const realDate = spawnSync('sh', ['-c', 'command -v date'], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(join(bin, 'date'), `#!/bin/sh\nexec ${realDate} -u -d "$FAKE_DAY 03:00:00" "$@"\n`);
      chmodSync(join(bin, 'date'), 0o755);
      for (const day of DAYS) {
        const r = spawnSync('bash', ['-c', runnable], {
          encoding: 'utf8',
          env: { PATH: `${bin}:${live.pg.bin}:${process.env.PATH}`, HOME: root, ...env, PGHOST: '127.0.0.1', PGPORT: String(live.pg.port), FAKE_DAY: day.toISOString().slice(0, 10) },
        });
        expect(r.status, `${day.toISOString()}: ${r.stderr}`).toBe(0);
      }

      const list = (kind: string) => readdirSync(join(root, 'backups/wiki', kind)).sort();
      const name = (d: Date) => `wiki-${ymd(d)}-030000.dump`;
      expect(list('daily')).toEqual(DAYS.slice(-KEEP.keepDays).map(name));
      expect(list('weekly')).toEqual(DAYS.filter((d) => d.getUTCDay() === 0).slice(-KEEP.keepWeeks).map(name));
      expect(list('monthly')).toEqual(DAYS.filter((d) => d.getUTCDate() === 1).slice(-KEEP.keepMonths).map(name));

      live.pg.sql('CREATE DATABASE restored');
      const newest = join(root, 'backups/wiki/daily', name(DAYS.at(-1)!));
      const restore = spawnSync(join(live.pg.bin, 'pg_restore'), ['--no-owner', '--exit-on-error', '-d', 'restored', newest], { encoding: 'utf8', env: live.pg.env });
      expect(restore.status, restore.stderr).toBe(0);
      const digest = `SELECT count(*) || ':' || md5(string_agg(id || body, ',' ORDER BY id)) FROM notes`;
      expect(live.pg.sql(digest, 'restored')).toBe(live.pg.sql(digest, 'wiki'));
      expect(live.pg.sql(digest, 'wiki')).toMatch(/^5000:/);
    }, 120_000);
  }
});
