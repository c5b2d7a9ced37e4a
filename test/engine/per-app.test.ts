import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { loadAnswersFile } from '../../src/context.js';
import { ROOT, ctxFor, tempRepo } from '../helpers.js';

const PROFILE = join(ROOT, 'profiles', 'flux-per-app-helmrepository.yaml');
const K8S = 'clusters/um890';

/** The team's repository before the tool: a Flux bootstrap with its root kustomization.yaml (as the profile test uses). */
function bootstrapped(): string {
  const dir = tempRepo();
  cpSync(join(ROOT, 'test', 'profiles', 'flux-per-app-helmrepository.base'), dir, { recursive: true });
  return dir;
}

async function renderProfile(dir: string) {
  const profile = await loadAnswersFile(ROOT, PROFILE);
  await newCluster(ctxFor(dir), profile);
  // The seed's example app; new-app's answers are their own step.
  await newApp(ctxFor(dir), { name: 'temporal', namespace: 'temporal', backups: false });
}

const docsOf = (dir: string, file: string) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS());

describe('profile flux-per-app-helmrepository (seed 002)', () => {
  it("puts the app's own cluster in its namespace and directory, from the recorded template", async () => {
    const dir = bootstrapped();
    await renderProfile(dir);
    const [cluster] = docsOf(dir, `${K8S}/temporal/postgres-cluster.yaml`);
    expect(cluster.metadata.name).toBe('temporal-postgres');
    expect(cluster.spec.instances).toBe(1);
    expect(cluster.spec.storage.storageClass).toBe('longhorn');
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'temporal', owner: 'temporal', secret: { name: 'temporal-postgres-credentials' } });
    expect(cluster.spec.postgresql.shared_preload_libraries).toEqual(['pg_stat_statements']);
    expect(cluster.spec.postgresql.parameters.shared_preload_libraries).toBeUndefined();
    const [credentials] = docsOf(dir, `${K8S}/temporal/postgres-secret.yaml`);
    expect(credentials.spec.target.template.type).toBe('kubernetes.io/basic-auth');
    expect(credentials.spec.target.template.data.username).toBe('temporal');
    // CNPG sets the initdb owner's password untrimmed (GetUserPasswordFromSecret): both Secrets trim it alike.
    const [pguserFirst] = docsOf(dir, `${K8S}/temporal/postgres-app-externalsecret.yaml`);
    expect(credentials.spec.target.template.data.password).toBe('{{ .password | trim }}');
    expect(pguserFirst.spec.target.template.data.password).toBe('{{ .password | trim }}');
    const [store] = docsOf(dir, `${K8S}/temporal/postgres-objectstore.yaml`);
    expect(store.spec.configuration.endpointURL).toBe('http://minio-tenant-hl.minio-tenant.svc.cluster.local:9000');
    expect(store.spec.configuration.destinationPath).toBe('s3://postgres-backups/temporal/');
    const [pguser] = docsOf(dir, `${K8S}/temporal/postgres-app-externalsecret.yaml`);
    expect(pguser.metadata.name).toBe('temporal-pguser-secret');
    expect(pguser.spec.target.template.data.host).toBe('temporal-postgres-rw.temporal.svc.cluster.local');
    // The instances reach MinIO's tenant pods by their operator's label.
    const policy = readFileSync(join(dir, `${K8S}/temporal/postgres-networkpolicy.yaml`), 'utf8');
    expect(policy).toContain('v1.min.io/tenant: minio-tenant');
  });

  it('gives a per-app cluster no managed role on an operator without DatabaseRole (initdb makes the owner)', async () => {
    const dir = bootstrapped();
    await newCluster(ctxFor(dir), { ...(await loadAnswersFile(ROOT, PROFILE)), chartVersion: '0.28.3' });
    await newApp(ctxFor(dir), { name: 'temporal', namespace: 'temporal', backups: false });
    const [cluster] = docsOf(dir, `${K8S}/temporal/postgres-cluster.yaml`);
    expect(cluster.spec.managed).toBeUndefined();
  });

  it('wires the operator and each app cluster through Kustomizations of their own, cluster after operator', async () => {
    const dir = bootstrapped();
    await renderProfile(dir);
    const ks = docsOf(dir, `${K8S}/cnpg-kustomizations.yaml`);
    const byName = new Map(ks.map((k) => [k.metadata.name, k]));
    expect([...byName.keys()]).toEqual(['cloudnative-pg', 'cloudnative-pg-barman-cloud', 'temporal']);
    expect(byName.get('cloudnative-pg').spec.wait).toBe(true);
    expect(byName.get('temporal').spec.path).toBe(`./${K8S}/temporal`);
    expect(byName.get('temporal').spec.dependsOn.map((d: { name: string }) => d.name)).toContain('cloudnative-pg');
    // The operator's directory holds no CNPG object: nothing there waits for the CRDs its HelmRelease installs.
    const listed = docsOf(dir, `${K8S}/cnpg/kustomization.yaml`)[0].resources;
    expect(listed).toEqual(['./namespace.yaml', './helmrelease.yaml', './networkpolicy.yaml']);
    const root = docsOf(dir, `${K8S}/kustomization.yaml`)[0].resources;
    expect(root).toEqual(['./flux-system', './cnpg-kustomizations.yaml', '../../infrastructure/helm-repositories/cnpg.yaml']);
    const [release] = docsOf(dir, `${K8S}/cnpg/helmrelease.yaml`);
    expect(release.spec.chart.spec).toMatchObject({ chart: 'cloudnative-pg', sourceRef: { kind: 'HelmRepository', name: 'cnpg', namespace: 'flux-system' } });
    expect(release.spec.chartRef).toBeUndefined();
    expect(release.spec.values.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '256Mi' } });
    expect(release.spec.values.monitoring.grafanaDashboard).toEqual({ create: true, namespace: 'monitoring', sidecarLabel: '', labels: { grafana_dashboard: '1' } });
    const [repository] = docsOf(dir, 'infrastructure/helm-repositories/cnpg.yaml');
    expect(repository).toMatchObject({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', spec: { url: 'https://cloudnative-pg.github.io/charts' } });
  });

  it('refuses to create the root kustomization.yaml (it would replace the listing Flux generates) and writes nothing', async () => {
    const dir = tempRepo();
    const profile = await loadAnswersFile(ROOT, PROFILE);
    await expect(newCluster(ctxFor(dir), profile)).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining(`${K8S}/kustomization.yaml: the flat layout lists its Flux Kustomizations in this file, which does not exist`) });
    expect(existsSync(join(dir, '.cnpg'))).toBe(false);
    expect(existsSync(join(dir, K8S))).toBe(false);
  });
});

describe('per-app answers that do not fit', () => {
  const refused = async (answers: Record<string, unknown>, app?: Record<string, unknown>) => {
    const dir = bootstrapped();
    const profile = await loadAnswersFile(ROOT, PROFILE);
    if (!app) return newCluster(ctxFor(dir), { ...profile, ...answers }).then(() => 'accepted', (e: Error) => e.message);
    await newCluster(ctxFor(dir), profile);
    if (answers.other) await newApp(ctxFor(dir), answers.other as Record<string, unknown>);
    return newApp(ctxFor(dir), app).then(() => 'accepted', (e: Error) => e.message);
  };

  it('names both answers', async () => {
    expect(await refused({ topology: 'shared' })).toContain('fluxLayout: flat requires topology per-app (topology is shared)');
    expect(await refused({ appLayout: 'component' })).toBe('appLayout: component requires topology shared (topology is per-app) (got "component")');
  });

  it('refuses app answers a per-app cluster cannot serve', async () => {
    expect(await refused({}, { name: '1app', namespace: 'one', database: 'one' })).toContain('name: must start with a letter under topology per-app');
    expect(await refused({}, { name: 'gitea', namespace: 'dev', provisioning: 'init-container' })).toContain('provisioning: init-container requires topology shared (topology is per-app)');
    // Two per-app clusters in one namespace would both make the template's backup-keys Secret there.
    expect(await refused({ other: { name: 'temporal', namespace: 'apps' } }, { name: 'gitea', namespace: 'apps' })).toContain('makes Secret apps/minio-backup-credentials, which app temporal already has');
  });
});

describe('flat layout: one Namespace object per namespace', () => {
  it('an app in the operator\'s namespace or in default declares none of its own', async () => {
    const dir = bootstrapped();
    await renderProfile(dir);
    const profile = await loadAnswersFile(ROOT, PROFILE);
    await newApp(ctxFor(dir), { name: 'metrics', namespace: String(profile.namespace ?? 'cnpg-system'), backups: false });
    await newApp(ctxFor(dir), { name: 'blog', namespace: 'default', backups: false });
    expect(existsSync(join(dir, K8S, 'temporal/namespace.yaml'))).toBe(true);
    for (const app of ['metrics', 'blog']) {
      expect(existsSync(join(dir, K8S, app, 'namespace.yaml')), app).toBe(false);
      expect(readFileSync(join(dir, K8S, app, 'kustomization.yaml'), 'utf8'), app).not.toContain('namespace.yaml');
    }
  });
});
