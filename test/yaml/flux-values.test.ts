import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { InputError } from '../../src/errors.js';
import { formatProblem, modelTree, validateTree } from '../../src/validate/index.js';
import { R2, ROOT, ctxFor, snapshot, tempRepo } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli.js');

/** The object Flux applies for `kind/name` (first Kustomization that reaches it). */
export async function applied(dir: string, kind: string, name: string): Promise<Record<string, any>> {
  const { render } = await modelTree({ root: dir, externalVariables: ['CLUSTER_NAME'] });
  const doc = render.rendered.find((r) => r.obj.kind === kind && r.obj.metadata?.name === name && r.flux);
  if (!doc) throw new Error(`${kind}/${name} is not applied by any Kustomization`);
  return doc.obj as Record<string, any>;
}

async function problems(dir: string): Promise<string[]> {
  const r = await validateTree({ root: dir, kubectl: 'off', externalVariables: ['CLUSTER_NAME'], externalKustomizations: ['flux-system/external-secrets-stores', 'flux-system/cert-manager'] });
  return r.problems.map(formatProblem);
}

describe.each(['component', 'explicit'] as const)('values reach the cluster as given through kustomize and Flux (%s layout)', (appLayout) => {
  it('@daily, 0123, true, "a #b", "a: b", {{ x }} and on survive', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, superuserItem: 'on', parameters: 'log_connections=on' });
    const odd = { storeItem: '0123', passwordProperty: 'a #b', backupSchedule: '@daily', backupVolume: 'nfs', nfsServer: 'a: b', nfsPath: '/{{ x }}/true' };
    await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs', appLayout, ...odd });
    await newApp(ctxFor(dir), { name: 'chat', namespace: 'docs', appLayout, provisioning: 'init-container', ...odd });
    expect(await problems(dir)).toEqual([]);
    const es = await applied(dir, 'ExternalSecret', 'wiki-pguser-secret');
    expect(es.spec.data[0].remoteRef).toEqual({ key: '0123', property: 'a #b' });
    const cron = await applied(dir, 'CronJob', 'wiki-pg-backups');
    expect(cron.spec.schedule).toBe('@daily');
    expect(cron.spec.jobTemplate.spec.template.spec.volumes[0].nfs).toEqual({ server: 'a: b', path: '/{{ x }}/true' });
    const initdb = await applied(dir, 'ExternalSecret', 'chat-initdb-secret');
    expect(JSON.stringify(initdb.spec.data)).toContain('"key":"on"');
    const cluster = await applied(dir, 'Cluster', 'postgres');
    expect(cluster.spec.postgresql.parameters.log_connections).toBe('on');
    // The role's password secret sits under the cluster's Kustomization: the same item, as given.
    const role = await applied(dir, 'ExternalSecret', 'wiki-pg-role');
    expect(role.spec.data[0].remoteRef.key).toBe('0123');
  }, 30_000);
});

describe('values Flux would rewrite or fail on are refused, naming the field', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['storeItem', { storeItem: '${ x }' }, 'storeItem: must not contain "${" or "$$"'],
    ['storeItem', { storeItem: 'a$${X}' }, 'storeItem: must not contain "${" or "$$"'],
    ['passwordProperty', { passwordProperty: 'p$$' }, 'passwordProperty: must not contain'],
    ['nfsPath', { backupVolume: 'nfs', nfsServer: 'nas', nfsPath: '/x${' }, 'nfsPath: must not contain'],
    ['storeItem', { storeItem: 'a\u2028b' }, 'storeItem: must be one line without control characters'],
    ['storeItem', { storeItem: 'a\ufeffb' }, 'storeItem: must be one line without control characters'],
    ['database', { database: 'off' }, 'database: "off" reads as a YAML boolean, number or null'],
  ];
  it.each(cases)('%s %j', async (_f, answers, message) => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    const before = snapshot(dir);
    const err = await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs', ...answers }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain(message);
    expect((err as InputError).message.split('\n')).toHaveLength(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it('cluster answers: parameters, superuserItem; backupDestinationPath keeps ${CLUSTER_NAME} but not ${x-y}', async () => {
    for (const [answers, message] of [
      [{ parameters: 'search_path=$$user' }, 'parameters.search_path: must not contain'],
      [{ superuserItem: '${X}' }, 'superuserItem: must not contain'],
      [{ backupDestinationPath: 's3://b/${x-y}/' }, 'backupDestinationPath: may hold "${NAME}" references to the recorded cluster variables (CLUSTER_NAME)'],
      [{ backupDestinationPath: 's3://b/${X}/' }, "backupDestinationPath: uses ${X}, which the repository's clusterVars answer does not list (clusterVars: CLUSTER_NAME)"],
    ] as const) {
      const err = await newCluster(ctxFor(tempRepo()), { backupEndpoint: R2, ...answers }).catch((e: unknown) => e);
      expect((err as Error).message).toContain(message);
    }
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, backupDestinationPath: 's3://cnpg-${CLUSTER_NAME}/x/' });
    expect(await problems(dir)).toEqual([]);
  });
});

describe('validate judges a hand-edited value as Flux would', () => {
  it('a ${ x } in one app\'s role secret is a problem of the shared cluster\'s Kustomization', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs' });
    const file = join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/apps/wiki/externalsecret.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('key: wiki', 'key: "${ x }"'));
    expect(await problems(dir)).toEqual([
      // Not applied, so the role's password Secret is missing too.
      'kubernetes/apps/databases/cloudnative-pg/cluster/apps/wiki/databaserole.yaml:13: DatabaseRole/wiki: Secret wiki-pg-role is not produced in namespace databases (no ExternalSecret target or Secret of that name)',
      'kubernetes/apps/databases/cloudnative-pg/cluster/apps/wiki/externalsecret.yaml:4: ExternalSecret/wiki-pg-role: Flux substitution fails in Kustomization flux-system/cloudnative-pg-cluster (envsubst: unable to parse variable name); nothing of it is applied',
    ]);
  });

  it('a component value kustomize unquotes: @daily pasted raw breaks the document', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs', backupSchedule: '@daily' });
    const ks = join(dir, 'kubernetes/apps/docs/wiki/ks.yaml');
    writeFileSync(ks, readFileSync(ks, 'utf8').replace(/CNPG_BACKUP_SCHEDULE: .*/, 'CNPG_BACKUP_SCHEDULE: "@daily"'));
    const lines = await problems(dir);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kubernetes\/components\/cnpg-backup\/cronjob.yaml:\d+: CronJob\/\$\{APP\}-pg-backups: after substitution by Kustomization flux-system\/wiki: YAML parse error/);
  });
});

describe('through the bin', () => {
  it('--storeItem \'${ x }\' and --parameters search_path=$$user exit 2 with one line naming the field; @daily and on are written and validate', () => {
    const dir = tempRepo(true);
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--yes', '--dest', '.', '--allow-dirty'], { cwd: dir, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    const bad = run('new-cluster', '--backupEndpoint', R2, '--parameters', 'search_path=$$user');
    expect([bad.status, bad.stderr.trim().split('\n').length], bad.stderr).toEqual([2, 1]);
    expect(bad.stderr).toContain('parameters.search_path: must not contain "${" or "$$"');
    expect(run('new-cluster', '--backupEndpoint', R2, '--parameters', 'log_connections=on').status).toBe(0);
    const before = snapshot(dir);
    const refused = run('new-app', '--name', 'wiki', '--namespace', 'docs', '--storeItem', '${ x }');
    expect([refused.status, refused.stderr.trim().split('\n').length], refused.stderr).toEqual([2, 1]);
    expect(refused.stderr).toContain('storeItem: must not contain "${" or "$$"');
    expect(refused.stderr).toContain('(got "${ x }")');
    expect(snapshot(dir)).toEqual(before);
    expect(run('new-app', '--name', 'wiki', '--namespace', 'docs', '--backupSchedule', '@daily', '--storeItem', '0123').status).toBe(0);
    const v = spawnSync(process.execPath, [BIN, 'validate', '--dest', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    expect(v.status, v.stdout + v.stderr).toBe(0);
  }, 60_000);
});
