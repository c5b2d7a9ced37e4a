import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { validate } from '../../src/commands/validate.js';
import { coerce } from '../../schema/fields.js';
import { cronJobScheduleProblem, scheduledBackupProblem } from '../../schema/cron.js';
import { reservedPgName } from '../../schema/rules.js';
import { R2, ROOT, ctxFor, snapshot, tempRepo, expectRefused as refused } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli.js');
const CLUSTER = 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml';

const cluster = (dir: string, answers: Record<string, unknown>) => () => newCluster(ctxFor(dir), { backupEndpoint: R2, ...answers });

async function withCluster(answers: Record<string, unknown> = {}) {
  const dir = tempRepo();
  await newCluster(ctxFor(dir), { backupEndpoint: R2, ...answers });
  return dir;
}

describe('credentials where only a name or reference belongs', () => {
  const secrets: [string, string][] = [
    ['backupEndpoint', 'https://user:pass@storage.example.net'],
    ['backupDestinationPath', 's3://AKIDKEY:SECRETVALUE@bucket/'],
    ['backupEndpoint', 'https://bucket.example.net/?X-Amz-Signature=0123abcd&X-Amz-Date=1'],
    ['backupEndpoint', 'https://storage.example.net/?token=abcdef'],
    ['superuserItem', '-----BEGIN OPENSSH PRIVATE KEY-----'],
    ['superuserProperty', 'AKIAIOSFODNN7EXAMPLE'],
    ['superuserItem', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ'],
    ['backupCredentialsItem', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ];
  it('are refused in any string answer, never echoed, recorded or written', async () => {
    const dir = tempRepo();
    for (const [field, value] of secrets) {
      const message = await refused(dir, cluster(dir, { [field]: value }), field, /credential/);
      expect(message).not.toContain(value);
    }
  });

  it('password= inside --parameters, also inside a conninfo value', async () => {
    const dir = tempRepo();
    for (const [key, parameters] of [
      ['application_name', 'application_name=x password=hunter2'],
      ['primary_conninfo', 'primary_conninfo=host=db password=hunter2 user=x'],
    ]) {
      const message = await refused(dir, cluster(dir, { parameters: coerce({ name: 'parameters', kind: 'map', message: '' }, parameters!) }), `parameters.${key}`, /password=/);
      expect(message).not.toContain('hunter2');
    }
  });

  it('a credential given for an app already onboarded is refused unseen, not echoed as a differing answer', async () => {
    const dir = await withCluster();
    await newApp(ctxFor(dir), { name: 'wiki' });
    const message = await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', storeItem: 'AKIAIOSFODNN7EXAMPLE' }), 'storeItem', /credential/);
    expect(message).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('a recorded answer that holds one is refused when the model loads', async () => {
    const dir = await withCluster();
    const record = join(dir, '.cnpg/answers/clusters/postgres.yaml');
    writeFileSync(record, readFileSync(record, 'utf8').replace('superuserProperty: POSTGRES_SUPER_PASS', 'superuserProperty: AKIAIOSFODNN7EXAMPLE'));
    await refused(dir, () => regen(ctxFor(dir), { check: true }), '.cnpg/answers/clusters/postgres.yaml', /superuserProperty: .*AWS access key/);
  });

  it('names, 1Password item ids and image digests are not mistaken for secrets', async () => {
    const dir = await withCluster({ superuserItem: 'k3j4h5g6f7d8s9a0q1w2e3r4t5', backupCredentialsItem: 'cnpg-r2-credentials-production' });
    expect(snapshot(dir)[CLUSTER]).toBeDefined();
  });
});

describe('cron schedules, field by field', () => {
  it('CronJob: robfig ParseStandard rules as Kubernetes applies them', () => {
    for (const ok of ['0 3 * * *', '*/15 2-4 * jan-mar mon,WED', '5/10 * 1-31 * ?', '@daily', '@every 1h30m', '0 0 1 12 sun'])
      expect(cronJobScheduleProblem(ok), ok).toBeUndefined();
    for (const [bad, why] of [
      ['0 24 * * *', /hour "24" is outside 0-23/],
      ['60 * * * *', /minute/],
      ['0 3 * * 7', /day of week/],
      ['0 3 0 * *', /day of month "0"/],
      ['0 3 * 13 *', /month/],
      ['*/0 * * * *', /step/],
      ['5-2 * * * *', /starts after it ends/],
      ['0 3 * * * *', /6 field/],
      ['TZ=UTC 0 3 * * *', /TZ/],
      ['CRON_TZ=Europe/Paris 0 3 * * *', /TZ/],
      ['@every', /unknown descriptor/],
      ['@every often', /duration/],
      ['@fortnightly', /unknown descriptor/],
      ['0 3 * * foo', /not a number or a name/],
    ] as const)
      expect(cronJobScheduleProblem(bad), bad).toMatch(why);
  });

  it('ScheduledBackup: six fields, seconds first', () => {
    for (const ok of ['0 0 0 * * *', '30 15 2 * * mon-fri', '@weekly', '0 */30 * * * *']) expect(scheduledBackupProblem(ok), ok).toBeUndefined();
    expect(scheduledBackupProblem('60 0 0 * * *')).toMatch(/second/);
    expect(scheduledBackupProblem('0 0 25 * * *')).toMatch(/hour/);
    expect(scheduledBackupProblem('0 0 * * *')).toMatch(/5 field/);
  });

  it('through the engine: a bad range is exit 2 naming the field', async () => {
    const dir = await withCluster();
    await refused(dir, cluster(dir, { backupSchedule: '0 0 25 * * *' }), 'backupSchedule', /hour "25"/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', backupSchedule: '0 3 * * 8' }), 'backupSchedule', /day of week "8"/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', backupSchedule: 'TZ=UTC 0 3 * * *' }), 'backupSchedule', /TZ/);
  });
});

describe('--parameters', () => {
  const map = (text: string) => coerce({ name: 'parameters', kind: 'map', message: '' }, text);
  it('a comma starts a new entry only where key= follows; values keep their text', () => {
    expect(map('datestyle=iso, mdy,work_mem=4MB')).toEqual({ datestyle: 'iso, mdy', work_mem: '4MB' });
    expect(map('shared_buffers=256MB, max_connections=200')).toEqual({ shared_buffers: '256MB', max_connections: '200' });
    expect(map('search_path="$user", public')).toEqual({ search_path: '"$user", public' });
  });

  it('an entry without = is refused, not read as an empty value', () => {
    expect(() => map('work_mem')).toThrow(/parameters: each entry must be key=value \(got "work_mem"\)/);
    expect(() => map('jit,work_mem=4MB')).toThrow(/key=value \(got "jit"\)/);
  });

  it('padding is refused, and parameters CNPG fixes or blocks are refused naming why', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { parameters: map('work_mem=4MB ,x=1') }), 'parameters.work_mem', /spaces/);
    await refused(dir, cluster(dir, { parameters: map('listen_addresses=*') }), 'parameters.listen_addresses', /blocked parameter/);
    await refused(dir, cluster(dir, { parameters: map('archive_mode=off') }), 'parameters.archive_mode', /fixed parameter/);
    await refused(dir, cluster(dir, { parameters: map('a.b.c=1') }), 'parameters.a.b.c', /at most one "."/);
    await refused(dir, cluster(dir, { parameters: map('wal_level=minimal') }), 'parameters.wal_level', /wal_level minimal/);
    await refused(dir, cluster(dir, { parameters: map('wal_log_hints=off') }), 'parameters.wal_log_hints', /wal_log_hints/);
    const ok = await withCluster({ parameters: map('datestyle=iso, mdy') });
    const doc = parseAllDocuments(readFileSync(join(ok, CLUSTER), 'utf8'))[0]!.toJS();
    expect(doc.spec.postgresql.parameters).toEqual({ datestyle: 'iso, mdy' });
  });
});

describe('reserved role and database names', () => {
  it('PostgreSQL refuses reserved keywords, public and none as role names; database names also refuse type/function keywords', () => {
    for (const role of ['public', 'none', 'current_user', 'session_user', 'current_role', 'select', 'user', 'system_user', 'table'])
      expect(reservedPgName(role), role).toBeDefined();
    for (const role of ['authorization', 'between', 'wiki', 'cluster']) expect(reservedPgName(role), role).toBeUndefined();
    expect(reservedPgName('authorization', 'database')).toMatch(/cannot name a database/);
    expect(reservedPgName('none', 'database')).toBeUndefined();
  });

  it('through the engine', async () => {
    const dir = await withCluster();
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', role: 'current_user' }), 'role', /reserved PostgreSQL keyword/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', role: 'public' }), 'role', /reserved/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', database: 'verbose' }), 'database', /cannot name a database/);
  });
});

describe('external inputs and combinations nothing makes', () => {
  it('the endpoint CA Secret the user names counts as provided in validate', async () => {
    const dir = await withCluster({ backupProvider: 'minio', backupEndpoint: 'https://minio.storage.svc:9000', backupEndpointCA: 'minio-ca/ca.crt' });
    const ctx = ctxFor(dir);
    await validate(ctx, { schemaLocations: [] });
    expect(ctx.lines.join('\n')).not.toMatch(/minio-ca/);
  }, 60_000);

  it('extensions with init-container provisioning are refused: postgres-init creates none', async () => {
    const dir = await withCluster();
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', provisioning: 'init-container', extensions: ['citext'] }), 'extensions', /postgres-init/);
  });

  it('in-tree barmanObjectStore on R2 gets the when_required checksum env in Cluster.spec.env; AWS S3 none', async () => {
    const image = 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie';
    const r2 = await withCluster({ backupMethod: 'barmanObjectStore', imageName: image });
    const doc = parseAllDocuments(readFileSync(join(r2, CLUSTER), 'utf8'))[0]!.toJS();
    expect(doc.spec.env).toEqual([
      { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
      { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
    ]);
    const s3 = await withCluster({ backupMethod: 'barmanObjectStore', imageName: image, backupProvider: 's3', backupEndpoint: '' });
    expect(parseAllDocuments(readFileSync(join(s3, CLUSTER), 'utf8'))[0]!.toJS().spec.env).toBeUndefined();
  });
});

describe('rules across units, and the shape of every answer', () => {
  it('are checked when the model loads: two recorded apps with one path or one database', async () => {
    const dir = await withCluster();
    await newApp(ctxFor(dir), { name: 'wiki' });
    const wiki = readFileSync(join(dir, '.cnpg/answers/apps/wiki.yaml'), 'utf8');
    writeFileSync(join(dir, '.cnpg/answers/apps/wiki2.yaml'), wiki.replace('name: wiki\n', 'name: wiki2\n').replace(/(storeItem|podLabel|backupPvc): .*\n/g, (l) => l.replace('wiki', 'wiki2')));
    const message = await refused(dir, () => regen(ctxFor(dir), { check: true }), '.cnpg/answers/apps/wiki2.yaml', /already the database of app wiki/);
    expect(message).toMatch(/wiki2\.yaml: database: /);
    const other = wiki.replace('name: wiki\n', 'name: wiki2\n').replace(/(storeItem|podLabel|backupPvc|database|role): wiki/g, '$1: wiki2');
    writeFileSync(join(dir, '.cnpg/answers/apps/wiki2.yaml'), other);
    await refused(dir, () => regen(ctxFor(dir), { check: true }), '.cnpg/answers/apps/wiki2.yaml: path', /already the path of app wiki/);
  });

  it('names that clash after derivation: a PVC another app makes, a Secret another cluster makes', async () => {
    const dir = await withCluster();
    await newApp(ctxFor(dir), { name: 'wiki' });
    await refused(dir, () => newApp(ctxFor(dir), { name: 'chat', backupPvc: 'wiki-pg-backups' }), 'backupPvc', /PersistentVolumeClaim default\/wiki-pg-backups, which app wiki already has/);
    await refused(dir, cluster(dir, { clusterName: 'analytics', backups: false, superuserSecret: 'postgres-superuser-secret' }), 'superuserSecret', /cluster postgres already has/);
    await refused(dir, cluster(dir, { clusterName: 'analytics', backups: false, superuserSecret: 'wiki-pg-role' }), 'superuserSecret', /Secret databases\/wiki-pg-role, which app wiki already has/);
  });

  it('a network policy name another cluster already has, and label values over 63 characters', async () => {
    const dir = await withCluster({ clusterName: 'pg', backups: false });
    await newCluster(ctxFor(dir), { clusterName: 'pg-allow-wiki', backups: false });
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', cluster: 'pg' }), 'name', /CiliumNetworkPolicy databases\/pg-allow-wiki, which cluster pg-allow-wiki already has/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'chat', cluster: 'pg', podLabel: 'a'.repeat(64) }), 'podLabel', /at most 63/);
  });

  it('an app named like a Flux Kustomization the tree already has (the operator\'s, a cluster\'s)', async () => {
    const dir = await withCluster();
    await refused(dir, () => newApp(ctxFor(dir), { name: 'cloudnative-pg' }), 'name', /Kustomization flux-system\/cloudnative-pg, which the repository already has/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'cloudnative-pg-cluster', database: 'x' }), 'name', /which cluster postgres already has \(its kustomizationName\)/);
  });

  it('a second cluster answered by defaults gets Secrets of its own names', async () => {
    const dir = await withCluster();
    await newCluster(ctxFor(dir), { clusterName: 'analytics', backupEndpoint: R2 });
    const record = readFileSync(join(dir, '.cnpg/answers/clusters/analytics.yaml'), 'utf8');
    expect(record).toContain('superuserSecret: analytics-superuser-secret');
    expect(record).toContain('backupCredentialsSecret: analytics-r2-credentials');
  });

  it('an endpoint new URL cannot parse is exit 2 in the schema, not a crash later', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { backupEndpoint: 'https://a:b' }), 'backupEndpoint', /http/);
    const bin = spawnSync(process.execPath, [BIN, 'new-cluster', '--yes', '--dest', '.', '--backupEndpoint', 'https://a:b'], { cwd: dir, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    expect(bin.status, bin.stderr).toBe(2);
    expect(bin.stderr).not.toMatch(/Invalid URL/);
  });

  it('echoed values are cut short', async () => {
    const dir = tempRepo();
    const message = await refused(dir, cluster(dir, { clusterName: 'a'.repeat(10_000) }), 'clusterName', /at most 50/);
    expect(message.length).toBeLessThan(300);
    expect(message).toContain('10002 characters');
  });

  it('spaces around a value, control characters, newlines and U+2028/9 are refused, never trimmed', async () => {
    const dir = await withCluster();
    await refused(dir, () => newApp(ctxFor(dir), { name: ' wiki' }), 'name', /must not start or end with spaces/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', storeItem: 'wiki ' }), 'storeItem', /spaces/);
    for (const bad of ['a\nb', 'a\tb', 'a\u2028b', 'a\u2029b', 'a\u0000b', 'a\u007fb'])
      await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', storeItem: bad }), 'storeItem', /one line without control characters/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', extensions: ['citext', ' hstore'] }), 'extensions.1', /spaces/);
    await refused(dir, cluster(dir, { instances: ' 3' }), 'instances', /spaces/);
    // A map key is an answer too; a line break in one used to make the error two lines (found by the hostile property).
    await refused(dir, cluster(dir, { parameters: { 'a\r\nb': 'x' } }), 'parameters', /keys must be one line without control characters/);
  });

  it('a ${VAR} in an answer that clusterVars does not list is refused, naming both answers', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { clusterVars: ['DOMAIN'] }), 'backupDestinationPath', /\$\{CLUSTER_NAME\}.*clusterVars: DOMAIN/);
    await withCluster({ clusterVars: ['DOMAIN'], backups: false });
  });

  it('quantities and image digests are checked for form', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { storageSize: '20GB' }), 'storageSize', /quantity/);
    await refused(dir, cluster(dir, { memoryLimit: '2 Gi' }), 'memoryLimit', /quantity/);
    await refused(dir, cluster(dir, { imageName: 'ghcr.io/cloudnative-pg/postgresql@sha256:abc' }), 'imageName', /digest/);
    await withCluster({ storageSize: '1.5Gi', cpuRequest: '1e3', memoryRequest: '512Mi' });
  });
});
