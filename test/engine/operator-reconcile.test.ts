import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newCluster } from '../../src/commands/new-cluster.js';
import { ctxFor, snapshot, tempRepo } from '../helpers.js';

const OP = 'kubernetes/apps/databases/cloudnative-pg';
const docs = (dir: string, f: string) => parseAllDocuments(readFileSync(join(dir, OP, f), 'utf8')).map((d) => d.toJS());

/** Seed 004 waits 15m for the operator, retries every 30s and gives the install 3 retries. */
describe('operator reconcile answers', () => {
  it('set the operator Kustomization\'s timeout and retryInterval and the HelmRelease install retries', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backups: false, operatorTimeout: '15m', operatorRetryInterval: '30s', operatorInstallRetries: 3 });
    const op = docs(dir, 'ks.yaml').find((k) => k.metadata.name === 'cloudnative-pg');
    expect(op.spec).toMatchObject({ wait: true, timeout: '15m', retryInterval: '30s' });
    expect(docs(dir, 'app/helmrelease.yaml')[0].spec.install).toEqual({ remediation: { retries: 3 } });
  });

  it('default to 5m, 1m and retrying forever, and leave the cluster\'s Kustomization alone', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backups: false, operatorTimeout: '15m' });
    const ks = docs(dir, 'ks.yaml');
    expect(ks.find((k) => k.metadata.name === 'cloudnative-pg').spec).toMatchObject({ timeout: '15m', retryInterval: '1m' });
    expect(ks.find((k) => k.metadata.name === 'cloudnative-pg-cluster').spec.timeout).toBe('10m');
    expect(docs(dir, 'app/helmrelease.yaml')[0].spec.install.remediation.retries).toBe(-1);
  });

  it('refuse what Flux would not parse', async () => {
    const dir = tempRepo();
    for (const [field, value] of [['operatorTimeout', '15'], ['operatorRetryInterval', '30 s'], ['operatorInstallRetries', -2]] as const) {
      const before = snapshot(dir);
      const e = (await newCluster(ctxFor(dir), { backups: false, [field]: value }).catch((x: unknown) => x)) as Error & { exitCode?: number };
      expect(e.exitCode, String(e)).toBe(2);
      expect(e.message.startsWith(`${field}:`), e.message).toBe(true);
      expect(snapshot(dir)).toEqual(before);
    }
  });
});
