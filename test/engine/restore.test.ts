import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { validateTree } from '../../src/validate/index.js';
import { rfc3339Problem } from '../../schema/restore.js';
import { R2, ROOT, ctxFor, snapshot, tempRepo } from '../helpers.js';

const CLUSTER = 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml';
const BIN = join(ROOT, 'dist', 'src', 'cli.js');

const clusterDoc = (dir: string, file = CLUSTER) => parseAllDocuments(readFileSync(join(dir, file), 'utf8'))[0]!.toJS();

/** Every document against its CRD schema and CEL rules, substitution, cross-references, builds. */
async function problems(dir: string): Promise<string[]> {
  const r = await validateTree({ root: dir, externalVariables: ['CLUSTER_NAME'], externalKustomizations: ['flux-system/external-secrets-stores', 'flux-system/cert-manager'] });
  return r.problems.map((p) => `${p.path}:${p.line}: ${p.message}`);
}

async function refusedWith(dir: string, answers: Record<string, unknown>, field: string, text: RegExp) {
  const before = snapshot(dir);
  const error = (await newCluster(ctxFor(dir), { backupEndpoint: R2, ...answers }).then(
    () => undefined,
    (e: unknown) => e,
  )) as (Error & { exitCode?: number }) | undefined;
  expect(error, `${JSON.stringify(answers)} was accepted`).toBeDefined();
  expect(error!.exitCode, error!.message).toBe(2);
  expect(error!.message.split('\n')).toHaveLength(1);
  expect(error!.message.startsWith(`${field}:`), error!.message).toBe(true);
  expect(error!.message).toMatch(text);
  expect(snapshot(dir)).toEqual(before);
}

describe('restore from the object store (plugin)', () => {
  it('bootstraps by recovery from the old server name and archives under a new one', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, restoreFrom: 'postgres', restoreTargetTime: '2026-01-06T12:00:00+01:00' });
    const spec = clusterDoc(dir).spec;
    expect(spec.bootstrap).toEqual({ recovery: { source: 'postgres', recoveryTarget: { targetTime: '2026-01-06T12:00:00+01:00' } } });
    expect(spec.externalClusters).toEqual([
      { name: 'postgres', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'postgres-backup', serverName: 'postgres' } } },
    ]);
    // Restoring the cluster's own name: its WAL goes to a new server name, never the archive restored from.
    expect(spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'postgres-backup', serverName: 'postgres-restored' } }]);
    // The ObjectStore keeps serverName empty (plugin-barman-cloud docs/parameters.md).
    expect(readFileSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/objectstore.yaml'), 'utf8')).not.toMatch(/serverName/);
    expect(await problems(dir)).toEqual([]);
  }, 60_000);

  it('a clone under another name keeps the default server name (its own name)', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, clusterName: 'postgres-b', restoreFrom: 'postgres' });
    const spec = clusterDoc(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster-postgres-b/cluster.yaml').spec;
    expect(spec.bootstrap).toEqual({ recovery: { source: 'postgres' } });
    expect(spec.plugins[0].parameters).toEqual({ barmanObjectName: 'postgres-b-backup' });
  });

  it('switched off after the restore, regen returns to the normal bootstrap and keeps the new server name', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, restoreFrom: 'postgres', restoreTargetTime: '2026-01-06T12:00:00Z' });
    await newCluster(ctxFor(dir), { restoreFrom: '', restoreTargetTime: '' });
    const spec = clusterDoc(dir).spec;
    expect(spec.bootstrap).toBeUndefined();
    expect(spec.externalClusters).toBeUndefined();
    expect(spec.plugins[0].parameters.serverName).toBe('postgres-restored');
    const ctx = ctxFor(dir);
    expect(await regen(ctx, { check: true })).toBe(0);
  }, 30_000);
});

describe('restoring a recorded cluster in place (README steps)', () => {
  it('its recorded server name must change with the restore; then it archives under the new one', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    await refusedWith(dir, { restoreFrom: 'postgres' }, 'restoreFrom', /set backupServerName to a new name/);
    await newCluster(ctxFor(dir), { restoreFrom: 'postgres', backupServerName: 'postgres-2' });
    expect(clusterDoc(dir).spec.plugins[0].parameters.serverName).toBe('postgres-2');
    expect(clusterDoc(dir).spec.externalClusters[0].plugin.parameters.serverName).toBe('postgres');
    const again = ctxFor(dir);
    await newCluster(again, {});
    expect(again.lines.join('\n')).toMatch(/once cluster postgres is restored and healthy: cnpg-scaffold new-cluster --clusterName postgres --restoreFrom "" --restoreTargetTime ""/);
  }, 30_000);
});

describe('restore with the in-tree barmanObjectStore', () => {
  it('reads the same store through externalClusters[].barmanObjectStore, and archives under the new name', async () => {
    const dir = tempRepo();
    const image = 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie';
    await newCluster(ctxFor(dir), { backupEndpoint: R2, backupMethod: 'barmanObjectStore', imageName: image, restoreFrom: 'postgres' });
    const spec = clusterDoc(dir).spec;
    expect(spec.bootstrap).toEqual({ recovery: { source: 'postgres' } });
    expect(spec.externalClusters).toHaveLength(1);
    const store = spec.externalClusters[0].barmanObjectStore;
    expect(store.serverName).toBe('postgres');
    expect(store.destinationPath).toBe(spec.backup.barmanObjectStore.destinationPath);
    expect(store.s3Credentials).toEqual(spec.backup.barmanObjectStore.s3Credentials);
    expect(spec.backup.barmanObjectStore.serverName).toBe('postgres-restored');
    expect(await problems(dir)).toEqual([]);
  }, 60_000);
});

describe('restore refusals', () => {
  it('from the archive the cluster itself writes to', async () => {
    await refusedWith(tempRepo(), { restoreFrom: 'postgres', backupServerName: 'postgres' }, 'restoreFrom', /Expected empty archive/);
  });
  it('a point-in-time target without a restore', async () => {
    await refusedWith(tempRepo(), { restoreTargetTime: '2026-01-06T12:00:00Z' }, 'restoreTargetTime', /needs restoreFrom/);
  });
  it('a restore (or a target) without backups', async () => {
    await refusedWith(tempRepo(), { backups: false, restoreFrom: 'old' }, 'restoreFrom', /needs backups true/);
    await refusedWith(tempRepo(), { backups: false, restoreTargetTime: '2026-01-06T12:00:00Z' }, 'restoreTargetTime', /needs restoreFrom/);
  });
  it('a target that is not RFC 3339', async () => {
    for (const bad of ['2026-01-06 12:00:00', '2026-01-06T12:00:00', '2026-02-30T12:00:00Z', '2026-01-06T24:00:00Z', 'yesterday'])
      await refusedWith(tempRepo(), { restoreFrom: 'old', restoreTargetTime: bad }, 'restoreTargetTime', /RFC 3339/);
  });
  it('a server name that is not a bucket directory name', async () => {
    await refusedWith(tempRepo(), { restoreFrom: '../other' }, 'restoreFrom', /server name/);
  });
});

describe('RFC 3339 rule', () => {
  it('takes offsets, fractions and leap days; refuses impossible dates', () => {
    for (const ok of ['2026-01-06T12:00:00Z', '2026-01-06T12:00:00.123456+01:00', '2028-02-29T00:00:00-05:30']) expect(rfc3339Problem(ok)).toBeUndefined();
    for (const bad of ['2027-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-06T12:00:00+25:00', '2026-01-06t12:00:00z']) expect(rfc3339Problem(bad)).toBeDefined();
  });
});

describe('--restore-from on the command line', () => {
  it('is the restoreFrom answer, recorded', () => {
    const dir = tempRepo();
    const r = spawnSync(process.execPath, [BIN, 'new-cluster', '--yes', '--dest', dir, '--allow-dirty', '--backupEndpoint', R2, '--restore-from', 'old'], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(readFileSync(join(dir, '.cnpg/answers/clusters/postgres.yaml'), 'utf8')).toMatch(/^ {2}restoreFrom: old$/m);
    expect(clusterDoc(dir).spec.bootstrap.recovery.source).toBe('old');
  });
});
