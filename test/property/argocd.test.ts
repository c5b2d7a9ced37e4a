import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { externalSecrets, loadModel } from '../../src/records.js';
import { validateTree } from '../../src/validate/index.js';
import { OPERATOR_RELEASES, PLUGIN_RELEASES } from '../../src/versions.js';
import { helmRenderer } from '../e2e/support/helm.js';
import { missingHelmRenderer, missingWarning } from '../e2e/support/tools.js';
import { ctxFor, tempRepo } from '../helpers.js';

const skip = missingWarning('property: any valid Argo CD answers', missingHelmRenderer());

/** Delivery argocd over its choices; what it refuses (component layout, in-tree backups, a second cluster) is not drawn. */
const clusterAnswers = fc.record({
  chartVersion: fc.constantFrom(...OPERATOR_RELEASES.map((r) => r.chart)),
  pluginChartVersion: fc.constantFrom(...PLUGIN_RELEASES.map((r) => r.chart)),
  clusterName: fc.constantFrom('postgres', 'cnpg-main'),
  clusterNamespace: fc.constantFrom('databases', 'apps'),
  instances: fc.integer({ min: 1, max: 5 }),
  backups: fc.boolean(),
  backupProvider: fc.constantFrom('r2', 'minio', 's3'),
  backupEndpointCA: fc.constantFrom('', 'store-ca/ca.crt'),
  superuserAccess: fc.constantFrom('auto', 'true'),
  networkPolicies: fc.boolean(),
  psqlImage: fc.constantFrom('', 'dhi.io/postgres:18.1-debian13@sha256:086748e4e33806af10483b2dd4bc287d7102a8cc3d11d73f5cad9886c02f3b87'),
  argocdSyncWave: fc.integer({ min: -5, max: 30 }),
  argocdPrune: fc.boolean(),
  argocdSelfHeal: fc.boolean(),
});
const appAnswers = fc.record({
  name: fc.constantFrom('wiki', 'chat', 'git-tea', 'n8n'),
  namespace: fc.constantFrom('default', 'apps', 'media'),
  provisioning: fc.constantFrom('declarative', 'init-container'),
  backups: fc.boolean(),
});
const ENDPOINT: Record<string, string> = { r2: 'https://0123456789abcdef.r2.cloudflarestorage.com', minio: 'https://minio.storage.svc:443', s3: '' };

describe.skipIf(!!skip)('any valid Argo CD answers', () => {
  it('give a tree whose chart renders and validates (every object) and regenerates to itself (PROPERTY_RUNS=N for more)', async () => {
    const renderer = helmRenderer();
    await fc.assert(
      fc.asyncProperty(clusterAnswers, fc.uniqueArray(appAnswers, { maxLength: 3, selector: (a) => a.name }), async (c, apps) => {
        const dir = tempRepo();
        const { backupProvider, backupEndpointCA, ...rest } = c;
        const backup = c.backups ? { backupProvider, backupEndpoint: ENDPOINT[backupProvider], backupEndpointCA, backupStoreLabels: backupProvider === 'minio' ? { 'v1.min.io/tenant': 'minio' } : undefined } : {};
        await newCluster(ctxFor(dir), { delivery: 'argocd', argocdRepoURL: 'https://git.example.com/org/gitops.git', ...rest, ...backup });
        for (const a of apps) await newApp(ctxFor(dir), { ...a, database: a.name.replace(/-/g, '_') });
        const model = (await loadModel(dir))!;
        const result = await validateTree({ root: dir, kubectl: 'auto', externalSecrets: externalSecrets(model), helmRenderer: renderer });
        expect(result.problems.map((p) => `${p.path}:${p.line}: ${p.kind}/${p.name}: ${p.message}`)).toEqual([]);
        expect(result.notes.some((n) => n.includes('rendered the chart'))).toBe(true);
        const ctx = ctxFor(dir);
        expect(await regen(ctx, { check: true }), ctx.lines.join('\n')).toBe(0);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 8) },
    );
  }, 180_000);
});
