import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { R2, ctxFor, tempRepo } from '../helpers.js';

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes label-selector semantics (Cilium's endpoint selectors are the same). */
function matches(sel: Selector, labels: Labels): boolean {
  const okLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const okExprs = (sel.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const has = key in labels;
    if (operator === 'In') return has && values.includes(labels[key]!);
    if (operator === 'NotIn') return !has || !values.includes(labels[key]!);
    if (operator === 'Exists') return has;
    if (operator === 'DoesNotExist') return !has;
    throw new Error(`operator ${operator}`);
  });
  return okLabels && okExprs;
}

const read = (dir: string, p: string) => parseAllDocuments(readFileSync(join(dir, p), 'utf8')).map((d) => d.toJS());

/**
 * What lands in the cluster: Flux's SetCommonMetadata (fluxcd/pkg ssa/utils/meta.go) merges the
 * Kustomization's labels over the object's own top-level labels and nothing else; the Job
 * controller gives the backup pods jobTemplate.spec.template's labels; Cilium adds the pod's
 * namespace as k8s:io.kubernetes.pod.namespace.
 */
describe('labels after Flux applies commonMetadata', () => {
  it('the backup pods and the app pods still match both network policies of the app', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs', appLayout: 'explicit', podLabel: 'wiki-web' });
    const [ks] = read(dir, 'kubernetes/apps/docs/wiki/ks.yaml');
    const common: Labels = ks.spec.commonMetadata.labels;
    const [cronJob] = read(dir, 'kubernetes/apps/docs/wiki/app/cnpg/backup-cronjob.yaml');
    const applied: Labels = { ...cronJob.metadata.labels, ...common };
    expect(applied).toEqual({ 'app.kubernetes.io/name': 'wiki', 'app.kubernetes.io/component': 'pg-backups', 'app.kubernetes.io/part-of': 'wiki' });

    const ns = { 'k8s:io.kubernetes.pod.namespace': 'docs' };
    const backupPod = { ...cronJob.spec.jobTemplate.spec.template.metadata.labels, ...ns };
    const appPod = { 'app.kubernetes.io/name': 'wiki-web', ...ns };
    const otherPod = { 'app.kubernetes.io/name': 'wiki', ...ns };
    const [egress] = read(dir, 'kubernetes/apps/docs/wiki/app/cnpg/networkpolicy.yaml');
    const [ingress] = read(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/apps/wiki/networkpolicy.yaml');
    const from: Selector[] = ingress.spec.ingress.flatMap((r: { fromEndpoints?: Selector[] }) => r.fromEndpoints ?? []);
    for (const pod of [backupPod, appPod]) {
      expect(matches(egress.spec.endpointSelector, pod)).toBe(true);
      expect(from.some((s) => matches(s, pod))).toBe(true);
    }
    // The selectors are precise: a pod carrying only the commonMetadata value is not let in.
    expect(matches(egress.spec.endpointSelector, otherPod)).toBe(false);
    expect(from.some((s) => matches(s, otherPod))).toBe(false);
  });
});
