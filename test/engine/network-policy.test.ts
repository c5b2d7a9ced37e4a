import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newCluster } from '../../src/commands/new-cluster.js';
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
