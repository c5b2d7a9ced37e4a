import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newCluster } from '../../src/commands/new-cluster.js';
import { awsS3Hosts } from '../../src/plan/object-store-egress.js';
import { validateTree } from '../../src/validate/index.js';
import { R2, ctxFor, tempRepo } from '../helpers.js';

const OP = 'kubernetes/apps/databases/cloudnative-pg';
const docs = (dir: string, p: string) => parseAllDocuments(readFileSync(join(dir, p), 'utf8')).map((d) => d.toJS());

describe('the Barman Cloud plugin\'s policy', () => {
  it('admits the operator on 9090 and lets the plugin reach the API server and DNS', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    const [policy] = docs(dir, `${OP}/barman-cloud/networkpolicy.yaml`);
    expect(policy.kind).toBe('CiliumNetworkPolicy');
    // The chart's selector labels (app.kubernetes.io/name is the chart name).
    expect(policy.spec.endpointSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'plugin-barman-cloud' } });
    expect(policy.spec.ingress).toEqual([
      {
        fromEndpoints: [{ matchLabels: { 'app.kubernetes.io/name': 'cloudnative-pg', 'k8s:io.kubernetes.pod.namespace': 'databases' } }],
        toPorts: [{ ports: [{ port: '9090', protocol: 'TCP' }] }],
      },
    ]);
    expect(policy.spec.egress[0]).toEqual({ toEntities: ['kube-apiserver'] });
    expect(policy.spec.egress[1].toEndpoints[0].matchLabels['k8s-app']).toBe('kube-dns');
    expect(docs(dir, `${OP}/barman-cloud/kustomization.yaml`)[0].resources).toContain('./networkpolicy.yaml');
  });

  it('is not written without the plugin or without policies', async () => {
    const noBackups = tempRepo();
    await newCluster(ctxFor(noBackups), { backups: false });
    expect(existsSync(join(noBackups, `${OP}/barman-cloud`))).toBe(false);
    const noPolicies = tempRepo();
    await newCluster(ctxFor(noPolicies), { backupEndpoint: R2, networkPolicies: false });
    expect(existsSync(join(noPolicies, `${OP}/barman-cloud/networkpolicy.yaml`))).toBe(false);
    expect(docs(noPolicies, `${OP}/barman-cloud/kustomization.yaml`)[0].resources).not.toContain('./networkpolicy.yaml');
  });
});

describe('the instances\' egress to the object store', () => {
  const egress = async (flags: Record<string, unknown>) => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), flags);
    const [policy] = docs(dir, `${OP}/cluster/networkpolicy.yaml`);
    const store = existsSync(join(dir, `${OP}/cluster/objectstore.yaml`)) ? docs(dir, `${OP}/cluster/objectstore.yaml`)[0] : null;
    // The rules after the DNS one are the object store's.
    return { rules: policy.spec.egress.slice(3), env: store?.spec.instanceSidecarConfiguration?.env ?? [] };
  };

  it('AWS S3: the bucket\'s virtual-hosted regional name, exactly (Cilium\'s * never crosses a dot); the sidecar gets the region', async () => {
    const { rules, env } = await egress({ backupProvider: 's3', backupRegion: 'eu-west-1' });
    expect(rules).toEqual([{ toFQDNs: [{ matchName: 'cnpg-${CLUSTER_NAME}.s3.eu-west-1.amazonaws.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }]);
    expect(env).toEqual([{ name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' }]);
    for (const r of rules) for (const f of r.toFQDNs) expect(f.matchPattern).toBeUndefined();
  });

  it('AWS S3, us-east-1: the legacy global name botocore uses there', async () => {
    const { rules } = await egress({ backupProvider: 's3' });
    expect(rules[0].toFQDNs).toEqual([{ matchName: 'cnpg-${CLUSTER_NAME}.s3.amazonaws.com' }]);
  });

  it('AWS S3, a bucket with dots: path-style on the regional endpoint', async () => {
    const { rules } = await egress({ backupProvider: 's3', backupRegion: 'eu-central-1', backupDestinationPath: 's3://backups.example.com/pg/' });
    expect(rules[0].toFQDNs).toEqual([{ matchName: 's3.eu-central-1.amazonaws.com' }]);
  });

  it('AWS S3, in-tree method (no region given to the client): the global name and the regional one it is redirected to', async () => {
    const { rules } = await egress({ backupProvider: 's3', backupRegion: 'eu-west-1', backupMethod: 'barmanObjectStore' });
    expect(rules[0].toFQDNs).toEqual([{ matchName: 'cnpg-${CLUSTER_NAME}.s3.amazonaws.com' }, { matchName: 'cnpg-${CLUSTER_NAME}.s3.eu-west-1.amazonaws.com' }]);
  });

  it('a custom endpoint is addressed path-style: its own host and port', async () => {
    const { rules, env } = await egress({ backupEndpoint: 'https://s3.example.net:8443' });
    expect(rules).toEqual([{ toFQDNs: [{ matchName: 's3.example.net' }], toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] }]);
    expect(env.map((e: { name: string }) => e.name)).not.toContain('AWS_DEFAULT_REGION');
  });

  it('an in-cluster store (Service name) is reached by its pods, never by toFQDNs', async () => {
    const cases: [string, Record<string, unknown>, Record<string, string>][] = [
      ['http://minio.storage.svc.cluster.local:9000', {}, { 'app.kubernetes.io/name': 'minio', 'k8s:io.kubernetes.pod.namespace': 'storage' }],
      ['http://minio.storage.svc:9000', {}, { 'app.kubernetes.io/name': 'minio', 'k8s:io.kubernetes.pod.namespace': 'storage' }],
      ['http://rustfs.storage.svc:9000', { backupProvider: 'rustfs' }, { 'app.kubernetes.io/name': 'rustfs', 'k8s:io.kubernetes.pod.namespace': 'storage' }],
      ['http://rustfs:9000', { backupProvider: 'rustfs', backupStoreLabels: 'app=rustfs,tier=store' }, { app: 'rustfs', tier: 'store', 'k8s:io.kubernetes.pod.namespace': 'databases' }],
    ];
    for (const [endpoint, more, labels] of cases) {
      const { rules } = await egress({ backupProvider: 'minio', backupEndpoint: endpoint, ...more });
      expect(rules, endpoint).toEqual([{ toEndpoints: [{ matchLabels: labels }] }]);
    }
  });

  it('a two-label host (a NAS on the LAN) is an external name, not a Service: toFQDNs', async () => {
    for (const host of ['nas.lan', 'minio.home']) {
      const { rules } = await egress({ backupProvider: 'minio', backupEndpoint: `https://${host}:9000` });
      expect(rules, host).toEqual([{ toFQDNs: [{ matchName: host }], toPorts: [{ ports: [{ port: '9000', protocol: 'TCP' }] }] }]);
    }
  });

  it('an IP endpoint is a CIDR, not a DNS name', async () => {
    const { rules } = await egress({ backupProvider: 'minio', backupEndpoint: 'http://10.1.2.3:9000' });
    expect(rules).toEqual([{ toCIDR: ['10.1.2.3/32'], toPorts: [{ ports: [{ port: '9000', protocol: 'TCP' }] }] }]);
  });

  it('the rules validate against the CiliumNetworkPolicy schema', async () => {
    for (const flags of [{ backupProvider: 'minio', backupEndpoint: 'http://minio.storage.svc:9000' }, { backupProvider: 'minio', backupEndpoint: 'http://10.1.2.3:9000' }]) {
      const dir = tempRepo();
      await newCluster(ctxFor(dir), flags);
      const result = await validateTree({ root: dir, kubectl: 'off', externalVariables: ['CLUSTER_NAME'], externalKustomizations: ['flux-system/external-secrets-stores', 'flux-system/cert-manager', 'flux-system/openebs'] });
      expect(result.problems).toEqual([]);
    }
  });

  it('refuses a malformed region and empty labels for an in-cluster store', async () => {
    await expect(newCluster(ctxFor(tempRepo()), { backupProvider: 's3', backupRegion: 'Europe' })).rejects.toThrow(/backupRegion: must be an AWS region/);
    await expect(newCluster(ctxFor(tempRepo()), { backupProvider: 'minio', backupEndpoint: 'http://minio:9000', backupStoreLabels: '' })).rejects.toThrow(
      /backupStoreLabels: must name the pod labels of the in-cluster object store/,
    );
  });
});

describe('AWS S3 host names', () => {
  it('follow the partition, the bucket\'s form and the client\'s region', () => {
    expect(awsS3Hosts('pg', 'cn-north-1', 'cn-north-1')).toEqual(['s3.cn-north-1.amazonaws.com.cn']); // 2 characters: not a valid virtual host
    expect(awsS3Hosts('pg-backups', 'cn-north-1', 'cn-north-1')).toEqual(['pg-backups.s3.cn-north-1.amazonaws.com.cn']);
    expect(awsS3Hosts('Upper_Case', 'eu-west-1', 'eu-west-1')).toEqual(['s3.eu-west-1.amazonaws.com']);
    expect(awsS3Hosts('pg-${CLUSTER}', 'us-east-1', null)).toEqual(['pg-${CLUSTER}.s3.amazonaws.com']);
  });
});
