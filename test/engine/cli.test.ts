import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { R2, ROOT, commitAll, snapshot, tempRepo } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli.js');
const run = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, INIT_CWD: cwd } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('cnpg-scaffold bin', () => {
  it('reports every invalid answer at once, one line each, and suggests the flag or answer meant', () => {
    const dir = tempRepo(true);
    const before = snapshot(dir);
    const r = run(dir, 'new-cluster', '--yes', '--dest', '.', '--clusterName', 'Bad', '--instances', '0', '--backupSchedule', '0 0 * * *', '--backupEndpoint', R2);
    expect(r.code).toBe(2);
    // Defaults derived from a broken answer (clusterDir cluster-Bad) are not reported on top of it.
    expect(r.err.trim().split('\n').map((l) => l.split(':')[1]!.trim())).toEqual(['clusterName', 'instances', 'backupSchedule']);
    expect(snapshot(dir)).toEqual(before);
    expect(run(dir, 'new-app', '--nmae', 'x').err.trim()).toBe('error: --nmae: unknown flag (did you mean --name?) (see --help)');
    const answers = join(dir, '..', `${Date.now()}-typo.yaml`);
    writeFileSync(answers, 'clustrName: x\n');
    expect(run(dir, 'new-cluster', '--dest', '.', '--answers', answers).err.trim()).toBe('error: clustrName: unknown answer for new-cluster (did you mean clusterName?)');
  });

  it('--dry-run shows a diff per changed file; --dry-run --json is one JSON document', () => {
    const dir = tempRepo(true);
    expect(run(dir, 'new-cluster', '--yes', '--dest', '.', '--allow-dirty', '--backupEndpoint', R2).code).toBe(0);
    const dry = run(dir, 'new-app', '--yes', '--dest', '.', '--allow-dirty', '--dry-run', '--name', 'wiki', '--namespace', 'docs');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('would update kubernetes/apps/databases/cloudnative-pg/cluster/kustomization.yaml\n--- a/kubernetes/apps/databases/cloudnative-pg/cluster/kustomization.yaml');
    expect(dry.out).toContain('+  - ./apps/wiki\n');
    const json = run(dir, 'new-app', '--yes', '--dest', '.', '--allow-dirty', '--dry-run', '--json', '--name', 'wiki', '--namespace', 'docs');
    const doc = JSON.parse(json.out) as { files: { path: string; action: string; diff?: string }[] };
    expect(doc.files.find((f) => f.path === 'kubernetes/apps/databases/cloudnative-pg/cluster/kustomization.yaml')?.diff).toContain('+  - ./apps/wiki');
    expect(doc.files.find((f) => f.path === '.cnpg/answers/apps/wiki.yaml')?.action).toBe('create');
    expect(run(dir, 'regen', '--dest', '.', '--json').err.trim()).toBe('error: --json: only with --dry-run (it describes what would change)');
  });

  it('--version prints the package version; each writing run ends with the next steps, by name', () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(run(ROOT, '--version').out.trim()).toBe(`cnpg-scaffold ${version}`);
    const dir = tempRepo(true);
    const cluster = run(dir, 'new-cluster', '--yes', '--dest', '.', '--allow-dirty', '--backupEndpoint', R2, '--backupCredentialsItem', 'r2-keys');
    expect(cluster.code, cluster.err).toBe(0);
    const steps = cluster.out.slice(cluster.out.indexOf('next steps:'));
    expect(steps).toContain('in the secret store onepassword, create item cloudnative-pg with property POSTGRES_SUPER_PASS');
    expect(steps).toContain('item r2-keys with properties ACCESS_KEY_ID and SECRET_ACCESS_KEY');
    expect(steps).toContain('Flux applies the operator, then cluster postgres');
    // Run from a checkout: the CI job's registry release may not exist, so the user learns how to pin it.
    expect(steps).toContain('until that release is there, pin the tool with --toolPackage');
    const app = run(dir, 'new-app', '--yes', '--dest', '.', '--allow-dirty', '--name', 'wiki', '--namespace', 'docs', '--storeItem', 'wiki-db');
    expect(app.code, app.err).toBe(0);
    expect(app.out).toMatch(/next steps:\n {2}1\. in the secret store onepassword, create item wiki-db with property POSTGRES_PASSWORD/);
    expect(app.out).toContain('point the app at Secret wiki-pguser-secret');
  });

  it('bad answers exit 2 with one line naming the field and rule, and write nothing', () => {
    const dir = tempRepo(true);
    const before = snapshot(dir);
    for (const [args, field] of [
      [['--clusterName', 'Bad_Name', '--backupEndpoint', R2], 'clusterName'],
      [['--backupEndpoint', R2, '--backupSchedule', '0 0 * * *'], 'backupSchedule'],
      [['--instances', 'three', '--backupEndpoint', R2], 'instances'],
      [[], 'backupEndpoint'],
      [['--backupEndpoint', R2, '--parameters', 'shared_preload_libraries=pg_stat_statements'], 'parameters.shared_preload_libraries'],
    ] as const) {
      const r = run(dir, 'new-cluster', '--yes', '--dest', '.', ...args);
      expect(r.code, r.err).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`${field}:`);
    }
    expect(run(dir, 'new-cluster', '--yes', '--nope', 'x').code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it("a common flag the command does not read is refused (exit 2), never ignored: new-app --check wrote files", () => {
    const dir = tempRepo(true);
    expect(run(dir, 'new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2).code).toBe(0);
    commitAll(dir);
    const before = snapshot(dir);
    for (const [command, flag] of [['new-app', '--check'], ['new-app', '--ignore-missing-schemas'], ['regen', '--yes'], ['regen', '--answers'], ['validate', '--force'], ['validate', '--dry-run']] as const) {
      const r = run(dir, command, '--dest', '.', ...(command === 'new-app' ? ['--yes', '--name', 'wiki'] : []), flag, ...(flag === '--answers' ? ['a.yaml'] : []));
      expect(r.code, `${command} ${flag}: ${r.err}`).toBe(2);
      expect(r.err.trim()).toBe(`error: ${flag}: not a flag of ${command} (see ${command} --help)`);
    }
    expect(snapshot(dir)).toEqual(before);
    for (const command of ['regen', 'validate']) {
      const r = run(dir, command, '--dest', 'exmaple');
      expect(r.code, r.err).toBe(2);
      expect(r.err.trim()).toBe('error: --dest: no such directory (got "exmaple")');
    }
  });

  it('new-app refuses reserved, invalid, duplicate and unknown answers with exit 2', () => {
    const dir = tempRepo(true);
    expect(run(dir, 'new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2).code).toBe(0);
    expect(run(dir, 'new-app', '--yes', '--dest', '.', '--name', 'wiki', '--namespace', 'docs').code).toBe(0);
    commitAll(dir);
    const before = snapshot(dir);
    const cases: [string[], string][] = [
      [['--name', 'postgres'], 'reserved'],
      [['--name', 'template1'], 'reserved'],
      [['--name', 'pg-stats'], 'reserved'],
      [['--name', 'Wiki'], 'DNS-1123'],
      [['--name', 'a'.repeat(42)], 'at most 41'],
      [['--name', 'other', '--cluster', 'nope'], 'recorded cluster'],
      [['--name', 'other', '--extensions', 'postgis'], 'not offered'],
      [['--name', 'other', '--database', 'wiki'], 'already the database'],
      [['--name', 'on'], 'YAML'],
    ];
    for (const [args, text] of cases) {
      const r = run(dir, 'new-app', '--yes', '--dest', '.', ...args);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toContain(text);
      // One line per refused answer (a derived database and role may both be reserved).
      const fields = r.err.trim().split('\n').map((l) => /^error: ([^:]+):/.exec(l)?.[1]);
      expect(fields.every(Boolean) && new Set(fields).size === fields.length, r.err).toBe(true);
    }
    expect(snapshot(dir)).toEqual(before);
    // The same answers again: a no-op, not an error.
    const again = run(dir, 'new-app', '--yes', '--dest', '.', '--name', 'wiki', '--namespace', 'docs');
    expect(again.code).toBe(0);
    expect(again.out).toContain('0 created, 0 updated, 0 deleted');
  });

  it('--dry-run writes nothing; a hand-edited file needs --force; uncommitted user work needs --allow-dirty', () => {
    const dir = tempRepo(true);
    const before = snapshot(dir);
    const dry = run(dir, 'new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/would create:\n(.*\n)*  kubernetes\/\n    apps\/\n      databases\/\n        cloudnative-pg\/\n(.*\n)*          cluster\/\n(.*\n)*            cluster\.yaml\n/);
    expect(snapshot(dir)).toEqual(before);

    expect(run(dir, 'new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2).code).toBe(0);
    commitAll(dir);
    const cluster = join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml');
    writeFileSync(cluster, snapshot(dir)['kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml']!.replace('instances: 3', 'instances: 5'));
    commitAll(dir);
    const refused = run(dir, 'new-cluster', '--yes', '--dest', '.', '--instances', '2');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('cluster.yaml (changed by hand');
    expect(run(dir, 'new-cluster', '--yes', '--dest', '.', '--instances', '2', '--force').code).toBe(0);
    commitAll(dir);

    writeFileSync(cluster, 'edited\n');
    const dirty = run(dir, 'new-cluster', '--yes', '--dest', '.', '--instances', '3', '--force');
    expect(dirty.code).toBe(1);
    expect(dirty.err).toContain('uncommitted changes');
    // Edited by hand and not committed: one refusal names both flags, not one per run.
    const both = run(dir, 'new-cluster', '--yes', '--dest', '.', '--instances', '3');
    expect(both.code).toBe(1);
    expect(both.err.trim().split('\n')).toHaveLength(1);
    expect(both.err).toContain('cluster.yaml (changed by hand since the tool wrote it); uncommitted changes in ');
    expect(both.err).toContain('pass --force and --allow-dirty together to write anyway');
    expect(run(dir, 'new-cluster', '--yes', '--dest', '.', '--instances', '3', '--force', '--allow-dirty').code).toBe(0);
  });

  it('guards uncommitted work in --dest, wherever the command runs from', () => {
    const top = tempRepo(true);
    const outside = tempRepo();
    mkdirSync(join(top, 'gitops'));
    const first = run(outside, 'new-cluster', '--yes', '--dest', join(top, 'gitops'), '--backupEndpoint', R2);
    expect(first.code).toBe(0);
    // The CI job lands in gitops/.github, where GitHub does not look: the user is told what to do.
    expect(first.out).toContain('move .github/workflows/cnpg-scaffold.yaml there and give its job `defaults: {run: {working-directory: gitops}}`');
    commitAll(top);
    const cluster = join(top, 'gitops/kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml');
    writeFileSync(cluster, readFileSync(cluster, 'utf8').replace('instances: 3', 'instances: 5'));
    // From the git top-level (as `npm run` would) and from outside the repository: the same verdict.
    for (const [cwd, dest] of [[top, 'gitops'], [outside, join(top, 'gitops')]] as const) {
      const r = run(cwd, 'new-cluster', '--yes', '--dest', dest, '--instances', '2', '--force');
      expect(r.code, r.err).toBe(1);
      expect(r.err).toContain('uncommitted changes in kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml');
    }
  });

  it('prints help that lists every answer flag with its type, default or "required", grouped', () => {
    const r = run(ROOT, 'new-app', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--name', '--namespace', '--path', '--cluster', '--database', '--role', '--extensions', '--provisioning', '--[no-]backups']) expect(r.out).toContain(flag);
    expect(r.out).toContain('--name text\n      App name (DNS-1123 label) (required)');
    expect(r.out).toContain('--path text\n      Directory of the app in the repository (default: kubernetes/apps/default/<name>)');
    expect(r.out).toContain('--provisioning declarative|init-container');
    expect(r.out).toMatch(/Logical backups \(pg_dump CronJob\):\n {2}--\[no-\]backups\n/);
    const cluster = run(ROOT, 'new-cluster', '--help').out;
    expect(cluster).toContain('--backupSchedule text\n      ScheduledBackup cron (six fields, seconds first) (default: 0 0 0 * * *; asked only when it applies)');
    expect(cluster).toContain('--profile NAME');
  });
});
