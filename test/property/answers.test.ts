import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { OPERATOR_RELEASES, PLUGIN_RELEASES } from '../../src/versions.js';
import { validateTree } from '../../src/validate/index.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctxFor, tempRepo } from '../helpers.js';
import { helmRenderer } from '../e2e/support/helm.js';
import { missingHelmRenderer } from '../e2e/support/tools.js';
import { fillDefaults } from '../../schema/fields.js';
import { PROFILE_RULES } from '../../schema/profile-rules.js';
import { DELIVERIES, TOPOLOGIES, type RepoAnswers, repoFields } from '../../schema/repo.js';

/** A combination the schema refuses on purpose (schema/profile-rules.ts) is not drawn: its refusal has tests of its own. */
const fitsProfile = (answers: Record<string, unknown>) => {
  const repo = fillDefaults(repoFields, answers, {}) as unknown as RepoAnswers;
  return PROFILE_RULES.every((rule) => rule.problem(repo) === undefined);
};

/** Valid answers across the choices users have: every combination must give a tree the APIs accept. */
const endpoint = (provider: string) => (provider === 'r2' ? 'https://0123456789abcdef.r2.cloudflarestorage.com' : provider === 'minio' ? 'https://minio.storage.svc:9000' : 'https://rustfs.example.net');
const clusterAnswers = fc.record({
  delivery: fc.constantFrom(...DELIVERIES),
  topology: fc.constantFrom(...TOPOLOGIES),
  // Per-app only: seed 002's flat layout or seed 004's ks.yaml per app.
  perAppLayout: fc.constantFrom('flat', 'ks'),
  chartVersion: fc.constantFrom(...OPERATOR_RELEASES.map((r) => r.chart)),
  pluginChartVersion: fc.constantFrom(...PLUGIN_RELEASES.map((r) => r.chart)),
  clusterName: fc.constantFrom('postgres', 'pg-main', 'shared'),
  instances: fc.integer({ min: 1, max: 5 }),
  backups: fc.boolean(),
  backupMethod: fc.constantFrom('plugin', 'barmanObjectStore'),
  backupProvider: fc.constantFrom('r2', 'minio', 'rustfs', 's3'),
  backupCompression: fc.constantFrom('bzip2', 'gzip', 'snappy'),
  superuserAccess: fc.constantFrom('auto', 'true', 'false'),
  networkPolicies: fc.boolean(),
  appLayout: fc.constantFrom('component', 'explicit'),
  storageClass: fc.constantFrom('', 'openebs-hostpath'),
  // The operator's hardening (schema/operator.ts); a PDB needs 2 or more replicas (refused otherwise, tested apart).
  operatorReplicas: fc.integer({ min: 1, max: 3 }),
  operatorPdb: fc.boolean(),
  operatorAntiAffinity: fc.constantFrom('none', 'preferred', 'required'),
  operatorCrds: fc.constantFrom('chart', 'bundle'),
  operatorSecurityContext: fc.constantFrom('chart', 'restricted'),
  operatorTolerations: fc.subarray([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }, { key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute', tolerationSeconds: 60 }]),
  podSecurity: fc.constantFrom('none', 'baseline', 'restricted'),
  podMonitors: fc.boolean(),
  prometheusRule: fc.boolean(),
  secretSource: fc.constantFrom('external-secrets', 'sops'),
  restore: fc.constantFrom('none', 'latest', 'pitr'),
  imageVolume: fc.boolean(),
});
const AGE = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
/** The restore, ImageVolume and SOPS answers a drawn record turns into. */
/** Extension images: Flux only (the wrapper chart does not mount them), on a minimal image (not the in-tree method's system image). */
const mountsImages = (c: { delivery: string; backups: boolean; backupMethod: string; imageVolume: boolean }) =>
  c.imageVolume && c.delivery !== 'argocd' && !(c.backups && c.backupMethod === 'barmanObjectStore');
function drawnExtras(c: { delivery: string; topology: string; backups: boolean; backupMethod: string; secretSource: string; restore: string; imageVolume: boolean }) {
  return {
    secretSource: c.secretSource,
    ...(c.secretSource === 'sops' ? { sopsAgeRecipient: AGE } : {}),
    // Per-app refuses a template's restore (it would restore every app's cluster from one server).
    ...(c.backups && c.restore !== 'none' && c.topology !== 'per-app' ? { restoreFrom: 'old-postgres', ...(c.restore === 'pitr' ? { restoreTargetTime: '2026-01-06T12:00:00Z' } : {}) } : {}),
    // A minimal image takes extension images; the in-tree method needs a system image instead.
    ...(mountsImages(c)
      ? { imageName: 'ghcr.io/cloudnative-pg/postgresql:18.3-minimal-trixie', imageVolumeExtensions: ['pgvector', 'postgis'] }
      : {}),
  };
}
const appAnswers = fc.record({
  name: fc.constantFrom('wiki', 'chat', 'git-tea', 'n8n', 'a1'),
  namespace: fc.constantFrom('default', 'apps', 'media', 'databases'),
  provisioning: fc.constantFrom('declarative', 'init-container'),
  backups: fc.boolean(),
  backupVolume: fc.constantFrom('pvc', 'nfs'),
  appLayout: fc.constantFrom('component', 'explicit'),
  extensions: fc.subarray(['citext', 'pg_trgm', 'vector', 'hstore']),
});

const renderer = missingHelmRenderer().length ? undefined : helmRenderer();

describe('any valid answers', () => {
  it('give a tree that validates (schemas, CEL, substitution, references, kustomize builds) and regenerates to itself (PROPERTY_RUNS=N for more)', async () => {
    await fc.assert(
      fc.asyncProperty(clusterAnswers, fc.boolean(), fc.uniqueArray(appAnswers, { minLength: 1, maxLength: 3, selector: (a) => a.name }), async (drawn, twoClusters, apps) => {
        // Argo CD's wrapper chart holds one cluster, backed up through the plugin, with explicit app files and
        // superuser access for its init-roles hook; it needs the repository's URL. What it refuses is not drawn
        // (its refusals are tested on their own); test/property/argocd.test.ts renders its chart too.
        const argocd = drawn.delivery === 'argocd';
        const c = argocd
          ? { ...drawn, argocdRepoURL: 'https://git.example.com/team/gitops.git', backupMethod: 'plugin', appLayout: 'explicit', superuserAccess: drawn.superuserAccess === 'false' ? 'auto' : drawn.superuserAccess }
          : drawn;
        const second = twoClusters && !argocd;
        // Without the Go renderer an Argo CD tree's chart cannot be checked: test/property/argocd.test.ts skips loudly then.
        fc.pre(fitsProfile({ ...c, ...drawnExtras(c) }) && (!argocd || renderer !== undefined));
        const dir = tempRepo();
        const perApp = c.topology === 'per-app';
        // The flat layout adds its entries to the k8s cluster's root kustomization.yaml, which must exist.
        if (perApp) {
          mkdirSync(join(dir, 'kubernetes/apps'), { recursive: true });
          writeFileSync(join(dir, 'kubernetes/apps/kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
        }
        const { backupProvider, restore: _restore, imageVolume: _imageVolume, perAppLayout, ...answers } = c;
        const rest = { ...answers, operatorPdb: c.operatorPdb && c.operatorReplicas > 1, operatorAntiAffinity: c.operatorReplicas > 1 ? c.operatorAntiAffinity : 'none' };
        const layoutAnswer = perApp ? { fluxLayout: perAppLayout } : {};
        const backup = c.backups ? { backupProvider, backupEndpoint: backupProvider === 's3' ? '' : endpoint(backupProvider) } : {};
        await newCluster(ctxFor(dir), { ...rest, ...layoutAnswer, ...backup, ...drawnExtras(c) });
        // A second cluster beside the first: its own directory, Kustomization and apps.
        if (second) await newCluster(ctxFor(dir), { clusterName: 'analytics', backups: false });
        for (const [i, a] of apps.entries()) {
          const { backupVolume, ...app } = a;
          // Pod Security restricted refuses NFS volumes in the operator's namespace (tested apart).
          const nfs = backupVolume === 'nfs' && !(c.podSecurity === 'restricted' && a.namespace === 'databases');
          const dumps = a.backups ? (nfs ? { backupVolume, nfsServer: 'nas.lan', nfsPath: '/export/pg' } : { backupVolume: 'pvc' }) : {};
          const cluster = second ? { cluster: i % 2 ? 'analytics' : c.clusterName } : {};
          // postgres-init creates no extensions, so init-container apps ask for none (refused otherwise).
          const extensions = a.provisioning === 'init-container' ? [] : a.extensions;
          // Under SOPS each app's Secrets are its own stubs: the shared component layout is refused.
          const layout = c.secretSource === 'sops' ? { appLayout: 'explicit' } : {};
          // The second cluster runs the default (standard) image; the first may mount postgis.
          const onFirst = !second || i % 2 === 0;
          const more = onFirst && mountsImages(c) && extensions.length ? ['postgis'] : [];
          // Per-app: initdb makes the database and owner (a Database its extensions), an explicit app side, one cluster per namespace.
          const own = perApp
            ? { provisioning: 'declarative', extensions: [...a.extensions, ...more], appLayout: 'explicit', namespace: a.name }
            : argocd
              ? { extensions, appLayout: 'explicit' }
              : { extensions: [...extensions, ...more] };
          await newApp(ctxFor(dir), { ...app, ...dumps, ...cluster, ...layout, database: a.name.replace(/-/g, '_'), ...own });
        }
        const result = await validateTree({
          root: dir,
          kubectl: 'auto',
          // The wrapper chart's templates, rendered as Helm would (Go text/template + sprig), are checked like the rest.
          ...(argocd && renderer ? { helmRenderer: renderer } : {}),
          externalVariables: ['CLUSTER_NAME'],
          externalKustomizations: ['flux-system/external-secrets-stores', 'flux-system/cert-manager'],
        });
        expect(result.problems.map((p) => `${p.path}:${p.line}: ${p.kind}/${p.name}: ${p.message}`)).toEqual([]);
        const ctx = ctxFor(dir);
        expect(await regen(ctx, { check: true }), ctx.lines.join('\n')).toBe(0);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 10) },
    );
  }, 120_000);
});
