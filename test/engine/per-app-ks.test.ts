import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { loadAnswersFile } from '../../src/context.js';
import { ROOT, ctxFor, tempRepo } from '../helpers.js';

/** Seed 004 (cluster-template): per-app clusters under the ks layout, a ks.yaml per app. */
const PROFILE = join(ROOT, 'profiles', 'flux-cluster-template.yaml');
const APP = 'kubernetes/apps/identity/keycloak';

const docsOf = (dir: string, file: string) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS());

async function rendered(): Promise<string> {
  const dir = tempRepo();
  await newCluster(ctxFor(dir), await loadAnswersFile(ROOT, PROFILE));
  await newApp(ctxFor(dir), { name: 'keycloak', namespace: 'identity', backups: false });
  return dir;
}

describe('topology per-app with fluxLayout ks (seed 004)', () => {
  it("puts the app's cluster in <app>/postgres/, in the app's namespace, bootstrapped for the app", async () => {
    const dir = await rendered();
    const [cluster] = docsOf(dir, `${APP}/postgres/cluster.yaml`);
    expect(cluster.metadata).toMatchObject({ name: 'keycloak-postgres' });
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'keycloak', owner: 'keycloak', secret: { name: 'keycloak-postgres-credentials' } });
    expect(cluster.spec.affinity.topologyKey).toBe('kubernetes.io/hostname');
    expect(cluster.spec.managed).toBeUndefined();
    const listed = docsOf(dir, `${APP}/postgres/kustomization.yaml`)[0].resources;
    expect(listed).toContain('./cluster.yaml');
    expect(listed).toContain('./keycloak-postgres-credentials.sops.yaml');
    expect(listed).toContain('./ingress.yaml');
    // The Secrets the Cluster reads sit beside it, in the app's namespace (no cross-namespace reference).
    const [credentials] = docsOf(dir, `${APP}/postgres/keycloak-postgres-credentials.sops.yaml`);
    expect(credentials).toMatchObject({ kind: 'Secret', metadata: { name: 'keycloak-postgres-credentials' } });
    expect(credentials.metadata.namespace).toBeUndefined();
  });

  it("declares the cluster's Kustomization in the app's ks.yaml: after the operator, waiting for the Cluster, before the app", async () => {
    const dir = await rendered();
    const ks = docsOf(dir, `${APP}/ks.yaml`);
    expect(ks.map((k) => k.metadata.name)).toEqual(['keycloak-postgres', 'keycloak']);
    const [cluster, app] = ks;
    expect(cluster.spec).toMatchObject({ targetNamespace: 'identity', path: `./${APP}/postgres`, wait: true, decryption: { provider: 'sops' } });
    expect(cluster.spec.dependsOn.map((d: { name: string }) => d.name)).toEqual(['cloudnative-pg', 'cloudnative-pg-barman-cloud']);
    expect(cluster.spec.healthCheckExprs.map((h: { kind: string }) => h.kind)).toEqual(['Cluster']);
    expect(app.spec.path).toBe(`./${APP}/app`);
    expect(app.spec.dependsOn.map((d: { name: string }) => d.name)).toEqual(['keycloak-postgres']);
    // Not in the operator's ks.yaml: that one holds the operator and the plugin only.
    const operator = docsOf(dir, 'kubernetes/apps/cnpg-system/cloudnative-pg/ks.yaml');
    expect(operator.map((k) => k.metadata.name)).toEqual(['cloudnative-pg', 'cloudnative-pg-barman-cloud']);
    expect(operator[0].spec).toMatchObject({ wait: true, timeout: '15m', retryInterval: '30s' });
    expect(docsOf(dir, 'kubernetes/apps/identity/kustomization.yaml')[0].resources).toEqual(['./namespace.yaml', './keycloak/ks.yaml']);
  });

  it("adds the cluster's Kustomization to an app's existing ks.yaml and keeps the user's own", async () => {
    const dir = tempRepo();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, APP), { recursive: true });
    const mine = '---\n# the team\'s\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: keycloak\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./kubernetes/apps/identity/keycloak/app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  targetNamespace: identity\n';
    writeFileSync(join(dir, APP, 'ks.yaml'), mine);
    await newCluster(ctxFor(dir), await loadAnswersFile(ROOT, PROFILE));
    await newApp(ctxFor(dir), { name: 'keycloak', namespace: 'identity', backups: false });
    const text = readFileSync(join(dir, APP, 'ks.yaml'), 'utf8');
    expect(text.startsWith(mine.slice(0, mine.indexOf('  targetNamespace')))).toBe(true);
    const ks = docsOf(dir, `${APP}/ks.yaml`);
    expect(ks.map((k) => k.metadata.name)).toEqual(['keycloak', 'keycloak-postgres']);
    expect(ks[0].spec.interval).toBe('1h');
    expect(ks[0].spec.dependsOn.map((d: { name: string }) => d.name)).toEqual(['keycloak-postgres']);
    expect(ks[1].spec.wait).toBe(true);
  });

  it('new-cluster names no Cluster in its next steps: under per-app the record is only a template', async () => {
    const ctx = ctxFor(tempRepo());
    await newCluster(ctx, await loadAnswersFile(ROOT, PROFILE));
    const steps = ctx.lines.join('\n');
    expect(steps).toMatch(/Flux applies the operator; each app's own cluster comes with new-app/);
    expect(steps).not.toMatch(/cluster postgres/);
  });

  it("creates an app's extensions on its own cluster through a Database that takes over initdb's database", async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), await loadAnswersFile(ROOT, PROFILE));
    await newApp(ctxFor(dir), { name: 'ai', namespace: 'ai-workloads', database: 'vectors', role: 'ai_app', extensions: ['vector'], backups: false });
    const at = 'kubernetes/apps/ai-workloads/ai/postgres';
    const [db] = docsOf(dir, `${at}/database.yaml`);
    expect(db).toMatchObject({ kind: 'Database', spec: { cluster: { name: 'ai-postgres' }, name: 'vectors', owner: 'ai_app', extensions: [{ name: 'vector', version: '0.8.6' }] } });
    expect(docsOf(dir, `${at}/kustomization.yaml`)[0].resources).toContain('./database.yaml');
    const [cluster] = docsOf(dir, `${at}/cluster.yaml`);
    expect(cluster.spec.bootstrap.initdb).toMatchObject({ database: 'vectors', owner: 'ai_app' });
    // The cluster's Kustomization is ready once the extension exists too.
    const [ks] = docsOf(dir, 'kubernetes/apps/ai-workloads/ai/ks.yaml');
    expect(ks.spec.healthCheckExprs.map((h: { kind: string }) => h.kind)).toEqual(['Cluster', 'Database']);
    // An extension the cluster does not mount is still refused, naming the image.
    const other = await newApp(ctxFor(dir), { name: 'geo', namespace: 'geo', extensions: ['postgis'] }).then(() => 'accepted', (e: Error) => e.message);
    expect(other).toContain('"postgis" is not offered');
  });
});
