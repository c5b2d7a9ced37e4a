import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, argocdTree } from './support/argocd-tree.js';
import { renderChartOrThrow, renderWrapperChart } from './support/helm.js';
import { envLogin } from './support/login.js';
import { HOSTILE, PADDED } from './support/passwords.js';
import { startPostgres, type Postgres } from './support/postgres.js';
import { missingHelmRenderer, missingPostgres, missingWarning } from './support/tools.js';

const skipRender = missingWarning('wrapper chart through Helm\'s engine', missingHelmRenderer());
const skipSql = missingWarning('wrapper chart: init-roles SQL on a real PostgreSQL', [...missingHelmRenderer(), ...missingPostgres()]);

const DIGEST = 'sha256:086748e4e33806af10483b2dd4bc287d7102a8cc3d11d73f5cad9886c02f3b87';

type Obj = Record<string, any>;
const objects = (out: string): Obj[] => parseAllDocuments(out).map((d) => d.toJS() as Obj).filter(Boolean);
const find = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const yamlOf = (file: string) => parseAllDocuments(readFileSync(file, 'utf8'))[0]!.toJS();

describe.skipIf(!!skipRender)('the Argo CD wrapper chart of seed 000, rendered by Helm\'s template engine', () => {
  it('holds the Cluster, ObjectStore with the MinIO CA, ScheduledBackup, the apps\' databases and the init-roles Sync hook on the psql image', async () => {
    const chart = join(await argocdTree(), CHART_DIR);
    expect(yamlOf(join(chart, 'Chart.yaml')).dependencies).toEqual([
      { name: 'cloudnative-pg', version: '0.27.0', repository: 'https://cloudnative-pg.github.io/charts' },
      { name: 'plugin-barman-cloud', version: '0.5.0', repository: 'https://cloudnative-pg.github.io/charts' },
    ]);
    // The plugin chart composes <registry>/<repository>:<tag>: the pinned reference comes back whole.
    const { sidecarImage } = yamlOf(join(chart, 'values.yaml'))['plugin-barman-cloud'];
    expect(`${sidecarImage.registry}/${sidecarImage.repository}:${sidecarImage.tag}`).toBe(
      'harbor.m0sh1.cc/dhi/cloudnative-pg-plugin-barman-cloud-sidecar:0.11.0-debian13@sha256:1a193acad4f966386b31c49493a8e95176b48752f0b1b770aa1b8a5cae9f6b90',
    );

    const objs = objects(renderChartOrThrow(chart, { release: 'cloudnative-pg', namespace: 'cnpg-system' }));
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.annotations?.['argocd.argoproj.io/sync-wave']}`).sort()).toEqual([
      'Cluster/cnpg-main@1',
      'ConfigMap/cnpg-main-init-roles@1',
      'Database/gitea@2',
      'Database/harbor@2',
      'ExternalSecret/cnpg-main-minio-credentials@1',
      'ExternalSecret/cnpg-main-superuser-secret@1',
      'ExternalSecret/gitea-pg-role@2',
      'ExternalSecret/harbor-pg-role@2',
      'Job/cnpg-main-init-roles@2',
      'ObjectStore/cnpg-main-backup@1',
      'ScheduledBackup/cnpg-main-backup@1',
    ]);
    expect(objs.every((o) => o.metadata.namespace === 'apps')).toBe(true);
    const [cluster] = find(objs, 'Cluster');
    expect(cluster!.spec.instances).toBe(2);
    expect(cluster!.spec.enableSuperuserAccess).toBe(true); // the hook logs in as the superuser
    expect(cluster!.spec.managed.roles.map((r: Obj) => r.name)).toEqual(['gitea', 'harbor']);
    expect(cluster!.spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'cnpg-main-backup' } }]);
    expect(find(objs, 'ObjectStore')[0]!.spec.configuration.endpointCA).toEqual({ name: 'minio-ca', key: 'ca.crt' });
    expect(find(objs, 'ScheduledBackup')[0]!.spec.schedule).toBe('0 0 0 * * *');
    // External Secrets' own template survives Helm untouched.
    expect(find(objs, 'ExternalSecret').find((o) => o.metadata.name === 'harbor-pg-role')!.spec.target.template.data.password).toBe('{{ .password }}');
    const [job] = find(objs, 'Job');
    expect(job!.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'Sync',
      'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
      'argocd.argoproj.io/sync-wave': '2',
    });
    expect(job!.spec.template.spec.containers[0].image).toBe(`dhi.io/postgres:18.1-debian13@${DIGEST}`);
  });

  it('psqlImage falls back to the cluster image; without declarative apps there is no hook', async () => {
    const chart = join(await argocdTree(), CHART_DIR);
    const objs = objects(renderChartOrThrow(chart, { values: { cnpg: { cluster: { psqlImage: '' } } } }));
    expect(find(objs, 'Job')[0]!.spec.template.spec.containers[0].image).toBe('ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie');
    const bare = objects(renderChartOrThrow(join(await argocdTree([]), CHART_DIR)));
    expect(find(bare, 'Job')).toEqual([]);
    expect(find(bare, 'Cluster')[0]!.spec.enableSuperuserAccess).toBe(false);
  });

  it('a value the templates require, removed in an override, fails the render naming it', async () => {
    const r = renderWrapperChart(join(await argocdTree(), CHART_DIR), { values: { cnpg: { cluster: { host: '' } } } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/init-roles-job\.yaml:\d+:\d+\): cnpg\.cluster\.host is required$/);
  });

  it('a literal document comes out of Helm byte for byte as the tool rendered it', async () => {
    const tree = await argocdTree();
    const out = renderChartOrThrow(join(tree, CHART_DIR));
    const file = readFileSync(join(tree, CHART_DIR, 'templates/cluster/externalsecret.yaml'), 'utf8');
    const body = file.slice(file.indexOf('*/ -}}\n') + '*/ -}}\n'.length).replaceAll('{{ "{{" }}', '{{');
    const sources = out.split(/^---\n/m).filter((p) => p.startsWith('# Source: cloudnative-pg/templates/cluster/externalsecret.yaml\n'));
    expect(sources.map((p) => p.slice(p.indexOf('\n') + 1)).join('---\n')).toBe(body);
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

  it('creates each app\'s role (hostile and padded passwords, trimmed as CNPG trims) and database; runs again without change; never alters what exists', async () => {
    const apps = [
      { name: 'harbor', namespace: 'apps', provisioning: 'declarative', backups: false },
      { name: 'gitea', database: 'gitea_db', role: 'gitea', namespace: 'apps', provisioning: 'declarative', backups: false },
      { name: 'wiki', role: 'wiki_owner', namespace: 'docs', provisioning: 'declarative', backups: false },
    ];
    const passwords: Record<string, string> = { harbor: HOSTILE[0]!, gitea: PADDED, wiki: HOSTILE[1]! };
    const secrets: Record<string, Record<string, string>> = { 'cnpg-main-superuser-secret': { username: pg.superuser, password: pg.superPass } };
    for (const a of apps) secrets[`${a.name}-pg-role`] = { username: a.role ?? a.name, password: passwords[a.name]! };
    const out = renderChartOrThrow(join(await argocdTree(apps), CHART_DIR));

    // A role that exists already keeps its password: CNPG's managed roles own changes.
    pg.sql(`CREATE ROLE gitea LOGIN PASSWORD 'kept'`);
    for (let run = 0; run < 2; run++) {
      const r = runJob(out, secrets);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(pg.sql(`SELECT datname || ':' || pg_get_userbyid(datdba) FROM pg_database WHERE datname NOT IN ('postgres','template0','template1') ORDER BY 1`)).toBe(
      'gitea_db:gitea\nharbor:harbor\nwiki:wiki_owner',
    );
    expect(pg.sql(`SELECT count(*) FROM pg_roles WHERE rolname = 'pwned'`)).toBe('0');
    const login = (user: string, password: string, db: string) => envLogin(pg, { PGHOST: pg.socketDir, PGPORT: String(pg.port), PGUSER: user, PGPASSWORD: password, PGDATABASE: db });
    expect(login('harbor', passwords.harbor!, 'harbor')).toBe('harbor\tharbor');
    expect(login('wiki_owner', passwords.wiki!, 'wiki')).toBe('wiki_owner\twiki');
    expect(login('gitea', 'kept', 'gitea_db')).toBe('gitea\tgitea_db');
    pg.sql(`DROP DATABASE gitea_db`);
    pg.sql(`DROP ROLE gitea`);
    expect(runJob(out, secrets).status).toBe(0);
    expect(login('gitea', PADDED.trim(), 'gitea_db')).toBe('gitea\tgitea_db');
  });
});

describe.skipIf(!!skipRender)('a restore through the wrapper chart (README, "Restores")', () => {
  it('bootstraps the Cluster by recovery from the old server name in the ObjectStore and archives under the new one', async () => {
    const dir = await argocdTree([], { restoreFrom: 'cnpg-main', backupServerName: 'cnpg-main-2', restoreTargetTime: '2026-01-06T12:00:00Z' });
    const [cluster] = find(objects(renderChartOrThrow(join(dir, CHART_DIR), { release: 'cloudnative-pg', namespace: 'cnpg-system' })), 'Cluster');
    expect(cluster!.spec.bootstrap).toEqual({ recovery: { source: 'cnpg-main', recoveryTarget: { targetTime: '2026-01-06T12:00:00Z' } } });
    expect(cluster!.spec.externalClusters).toEqual([
      { name: 'cnpg-main', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'cnpg-main-backup', serverName: 'cnpg-main' } } },
    ]);
    expect(cluster!.spec.plugins[0].parameters).toEqual({ barmanObjectName: 'cnpg-main-backup', serverName: 'cnpg-main-2' });
  });

  it('switched off, the Cluster has no bootstrap section and keeps the new server name', async () => {
    const dir = await argocdTree([], { restoreFrom: '', backupServerName: 'cnpg-main-2' });
    const [cluster] = find(objects(renderChartOrThrow(join(dir, CHART_DIR), { release: 'cloudnative-pg', namespace: 'cnpg-system' })), 'Cluster');
    expect(cluster!.spec.bootstrap).toBeUndefined();
    expect(cluster!.spec.externalClusters).toBeUndefined();
    expect(cluster!.spec.plugins[0].parameters.serverName).toBe('cnpg-main-2');
  });
});
