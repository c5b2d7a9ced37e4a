import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newCluster } from '../../src/commands/new-cluster.js';
import { ctxFor, tempRepo } from '../helpers.js';

/** Seed 004's RustFS: an in-cluster Service by its full name, over http, bucket cnpg-backups. */
const DIR = 'kubernetes/apps/databases/cloudnative-pg/cluster';
const SEED = { backupProvider: 'rustfs', backupEndpoint: 'http://rustfs.storage.svc.cluster.local:9000', backupDestinationPath: 's3://cnpg-backups/keycloak' };
const read = (dir: string, f: string) => parseAllDocuments(readFileSync(join(dir, DIR, f), 'utf8')).map((d) => d.toJS());
const WHEN_REQUIRED = [
  { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
  { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
];

describe('RustFS backups', () => {
  it('the plugin sidecar asks for checksums only when required, and reaches the RustFS pods in their namespace', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), SEED);
    const [store] = read(dir, 'objectstore.yaml');
    expect(store.spec.configuration.endpointURL).toBe(SEED.backupEndpoint);
    expect(store.spec.configuration.destinationPath).toBe('s3://cnpg-backups/keycloak');
    expect(store.spec.instanceSidecarConfiguration.env).toEqual(WHEN_REQUIRED);
    const egress = read(dir, 'networkpolicy.yaml').flatMap((p) => p.spec.egress ?? []);
    const toRustfs = egress.find((e) => e.toEndpoints?.some((s: { matchLabels: Record<string, string> }) => s.matchLabels['app.kubernetes.io/name'] === 'rustfs'));
    expect(toRustfs.toEndpoints[0].matchLabels['k8s:io.kubernetes.pod.namespace']).toBe('storage');
    // No port rule: the Service's 9000 may map to another container port.
    expect(toRustfs.toPorts).toBeUndefined();
  });

  it('the in-tree method gets the same env on the Cluster', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { ...SEED, backupMethod: 'barmanObjectStore', imageName: 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie' });
    const [cluster] = read(dir, 'cluster.yaml');
    expect(cluster.spec.env).toEqual(WHEN_REQUIRED);
    expect(cluster.spec.backup.barmanObjectStore.endpointURL).toBe(SEED.backupEndpoint);
  });
});
