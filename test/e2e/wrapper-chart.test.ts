import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { wrapperChartFiles, type WrapperChartInput } from '../../src/delivery/argocd/wrapper-chart.js';
import { formatProblem, validateTree } from '../../src/validate/index.js';
import { renderChartOrThrow, renderWrapperChart } from './support/helm.js';
import { envLogin } from './support/login.js';
import { HOSTILE, PADDED } from './support/passwords.js';
import { startPostgres, type Postgres } from './support/postgres.js';
import { missingHelmRenderer, missingPostgres, missingWarning } from './support/tools.js';

const skipRender = missingWarning('wrapper chart through Helm\'s engine', missingHelmRenderer());
const skipSql = missingWarning('wrapper chart: init-roles SQL on a real PostgreSQL', [...missingHelmRenderer(), ...missingPostgres()]);

const DIGEST = 'sha256:086748e4e33806af10483b2dd4bc287d7102a8cc3d11d73f5cad9886c02f3b87';

/** Seed 000's cluster, as the delivery will build it from the profile's answers. */
function seed000(initRoles: WrapperChartInput['initRoles'] = []): WrapperChartInput {
  return {
    name: 'cloudnative-pg',
    version: '0.1.0',
    operator: { chart: '0.27.0', appVersion: '1.28.0' },
    plugin: {
      chart: '0.5.0',
      image: `harbor.m0sh1.cc/dhi/cloudnative-pg-plugin-barman-cloud:0.11.0-debian13@sha256:447dfcd58bda0e4034d8331d03da749665e48778e2ea347f6ffcda1a3c1dc12d`,
      sidecarImage: `harbor.m0sh1.cc/dhi/cloudnative-pg-plugin-barman-cloud-sidecar:0.11.0-debian13@sha256:1a193acad4f966386b31c49493a8e95176b48752f0b1b770aa1b8a5cae9f6b90`,
    },
    partOf: 'cnpg',
    cluster: {
      name: 'cnpg-main',
      namespace: 'apps',
      host: 'cnpg-main-rw.apps.svc.cluster.local',
      instances: 2,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie',
      psqlImage: `dhi.io/postgres:18.1-debian13@${DIGEST}`,
      enableSuperuserAccess: true,
      superuserSecret: 'cnpg-main-superuser-secret',
      storage: { size: '20Gi' },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
      parameters: { shared_buffers: '256MB', max_connections: '200' },
      managedRoles: initRoles.map((r) => ({ name: r.role, passwordSecret: r.passwordSecret })),
      backup: {
        objectStoreName: 'cnpg-main-backup',
        scheduledBackupName: 'cnpg-main-backup',
        pluginName: 'barman-cloud.cloudnative-pg.io',
        schedule: '0 0 0 * * *',
        retentionPolicy: '30d',
        destinationPath: 's3://cnpg-backups/cnpg-main/',
        endpointURL: 'https://minio.minio-tenant.svc.cluster.local:443',
        endpointCA: { name: 'minio-ca', key: 'ca.crt' },
        credentialsSecret: 'cnpg-minio-credentials',
        compression: 'bzip2',
        env: [{ name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' }],
      },
    },
    initRoles,
  };
}

async function writeChart(input: WrapperChartInput): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'cnpg-wrapper-'));
  for (const f of await wrapperChartFiles('chart', 'cluster/cnpg-main', input)) {
    if (f.mode !== 'owned') throw new Error(`unexpected ${f.mode} file ${f.path}`);
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.contents);
  }
  return join(root, 'chart');
}

type Obj = Record<string, any>;
const objects = (out: string): Obj[] => parseAllDocuments(out).map((d) => d.toJS() as Obj).filter(Boolean);
const find = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);

const ROLES = [
  { role: 'harbor', database: 'harbor', passwordSecret: 'harbor-pg-role' },
  { role: 'gitea', database: 'gitea_db', passwordSecret: 'gitea-pg-role' },
];

describe.skipIf(!!skipRender)('the Argo CD wrapper chart, rendered by Helm\'s template engine', () => {
  it('renders seed 000: the Cluster, ObjectStore with the MinIO CA, ScheduledBackup, and the init-roles Sync hook on the psql image', async () => {
    const chart = await writeChart(seed000(ROLES));
    const chartYaml = parseAllDocuments(readFileSync(join(chart, 'Chart.yaml'), 'utf8'))[0]!.toJS();
    expect(chartYaml.dependencies).toEqual([
      { name: 'cloudnative-pg', version: '0.27.0', repository: 'https://cloudnative-pg.github.io/charts' },
      { name: 'plugin-barman-cloud', version: '0.5.0', repository: 'https://cloudnative-pg.github.io/charts' },
    ]);
    const values = parseAllDocuments(readFileSync(join(chart, 'values.yaml'), 'utf8'))[0]!.toJS();
    // The plugin chart composes <registry>/<repository>:<tag>: the pinned reference comes back whole.
    const img = values['plugin-barman-cloud'].sidecarImage;
    expect(`${img.registry}/${img.repository}:${img.tag}`).toBe(seed000().plugin!.sidecarImage);

    const out = renderChartOrThrow(chart, { release: 'cloudnative-pg', namespace: 'cnpg-system' });
    const objs = objects(out);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      ['Cluster/cnpg-main', 'ConfigMap/cnpg-main-init-roles', 'Job/cnpg-main-init-roles', 'ObjectStore/cnpg-main-backup', 'ScheduledBackup/cnpg-main-backup'].sort(),
    );
    expect(objs.every((o) => o.metadata.namespace === 'apps')).toBe(true);
    const [cluster] = find(objs, 'Cluster');
    expect(cluster!.spec.instances).toBe(2);
    expect(cluster!.spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'cnpg-main-backup' } }]);
    expect(find(objs, 'ObjectStore')[0]!.spec.configuration.endpointCA).toEqual({ name: 'minio-ca', key: 'ca.crt' });
    expect(find(objs, 'ScheduledBackup')[0]!.spec.schedule).toBe('0 0 0 * * *');
    const [job] = find(objs, 'Job');
    expect(job!.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'Sync',
      'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
      'argocd.argoproj.io/sync-wave': '1',
    });
    expect(job!.spec.template.spec.containers[0].image).toBe(`dhi.io/postgres:18.1-debian13@${DIGEST}`);

    // Valid for the real APIs: schemas and CEL rules of the shipped CRDs, cross-references.
    const tree = mkdtempSync(join(tmpdir(), 'cnpg-wrapper-out-'));
    writeFileSync(join(tree, 'rendered.yaml'), out);
    const result = await validateTree({ root: tree, kubectl: 'off' });
    // The chart alone does not make the Secrets it reads (the delivery adds their ExternalSecrets
    // beside it; minio-ca is the team's): cross-references name exactly those, nothing else fails.
    const missing = new Set(result.problems.map((p) => /Secret (\S+) is not produced/.exec(p.message)?.[1] ?? formatProblem(p)));
    expect([...missing].sort()).toEqual(['cnpg-main-superuser-secret', 'cnpg-minio-credentials', 'gitea-pg-role', 'harbor-pg-role', 'minio-ca']);
  });

  it('psqlImage falls back to the cluster image; no apps, no hook; backups off, no ObjectStore or ScheduledBackup', async () => {
    const input = seed000(ROLES);
    input.cluster.psqlImage = '';
    const objs = objects(renderChartOrThrow(await writeChart(input)));
    expect(find(objs, 'Job')[0]!.spec.template.spec.containers[0].image).toBe('ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie');

    const bare = seed000([]);
    delete bare.cluster.backup;
    delete bare.plugin;
    const kinds = objects(renderChartOrThrow(await writeChart(bare))).map((o) => o.kind);
    expect(kinds).toEqual(['Cluster']);
  });

  it('a value the templates require, removed in an override, fails the render naming it', async () => {
    const r = renderWrapperChart(await writeChart(seed000(ROLES)), { values: { cnpg: { cluster: { host: '' } } } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/init-roles-job\.yaml:\d+:\d+\): cnpg\.cluster\.host is required$/);
  });
});

describe.skipIf(!!skipSql)('the init-roles hook\'s SQL on a real PostgreSQL', () => {
  let pg: Postgres;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterEach(() => pg?.reset());
  afterAll(() => pg?.stop());

  /** Runs the Job's command with its env resolved as the kubelet would (Secrets from `secrets`), against the test server. */
  function runJob(out: string, secrets: Record<string, Record<string, string>>): { status: number | null; stderr: string } {
    const objs = objects(out);
    const sql = find(objs, 'ConfigMap')[0]!.data['init-roles.sql'] as string;
    const container = find(objs, 'Job')[0]!.spec.template.spec.containers[0];
    const dir = mkdtempSync(join(tmpdir(), 'cnpg-init-roles-'));
    writeFileSync(join(dir, 'init-roles.sql'), sql);
    const env: Record<string, string> = {};
    for (const e of container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[]) {
      env[e.name] = e.value ?? secrets[e.valueFrom!.secretKeyRef.name]![e.valueFrom!.secretKeyRef.key]!;
    }
    // The Service and TLS are the cluster's; here the server is local, over its socket.
    Object.assign(env, { PGHOST: pg.socketDir, PGPORT: String(pg.port), PGSSLMODE: 'disable' });
    const args = container.command.slice(1).map((a: string) => (a === '/sql/init-roles.sql' ? join(dir, 'init-roles.sql') : a));
    const base = { ...pg.env };
    for (const k of Object.keys(base)) if (k.startsWith('PG')) delete base[k];
    const r = pg.psql(args.filter((a: string) => a !== '-X'), { ...base, ...env });
    return { status: r.status, stderr: r.stderr };
  }

  it('creates each role (hostile and padded passwords, trimmed as CNPG trims) and its database; runs again without change; never alters what exists', async () => {
    const roles = [...ROLES, { role: `odd"name'`, database: 'odd db', passwordSecret: 'odd-pg-role' }];
    const passwords = [HOSTILE[0]!, PADDED, HOSTILE[1]!];
    const secrets: Record<string, Record<string, string>> = { 'cnpg-main-superuser-secret': { username: pg.superuser, password: pg.superPass } };
    roles.forEach((r, i) => (secrets[r.passwordSecret] = { username: r.role, password: passwords[i]! }));
    const out = renderChartOrThrow(await writeChart(seed000(roles)));

    // A role that exists already keeps its password: CNPG's managed roles own changes.
    pg.sql(`CREATE ROLE gitea LOGIN PASSWORD 'kept'`);
    for (let run = 0; run < 2; run++) {
      const r = runJob(out, secrets);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(pg.sql(`SELECT datname || ':' || pg_get_userbyid(datdba) FROM pg_database WHERE datname NOT IN ('postgres','template0','template1') ORDER BY 1`)).toBe(
      `gitea_db:gitea\nharbor:harbor\nodd db:odd"name'`,
    );
    expect(pg.sql(`SELECT count(*) FROM pg_roles WHERE rolname = 'pwned'`)).toBe('0');
    const login = (user: string, password: string, db: string) => envLogin(pg, { PGHOST: pg.socketDir, PGPORT: String(pg.port), PGUSER: user, PGPASSWORD: password, PGDATABASE: db });
    expect(login('harbor', passwords[0]!, 'harbor')).toBe('harbor\tharbor');
    expect(login('gitea', 'kept', 'gitea_db')).toBe('gitea\tgitea_db');
    expect(login(`odd"name'`, passwords[2]!, 'odd db')).toBe(`odd"name'\todd db`);
    expect(() => login('gitea', PADDED, 'gitea_db')).toThrow(/password authentication failed/);
    pg.sql(`DROP DATABASE gitea_db`);
    pg.sql(`DROP ROLE gitea`);
    expect(runJob(out, secrets).status).toBe(0);
    expect(login('gitea', PADDED.trim(), 'gitea_db')).toBe('gitea\tgitea_db');
  });
});
