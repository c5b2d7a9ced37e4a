import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../helpers.js';
import { appsOf, buildProfile as build, CLI, expectClean, PROFILES, run } from './support.js';

/**
 * remove-app on each shipped profile, through the real CLI: the profile's tree with its example
 * apps, then the first app removed (twice where a first run only marks). The tree must equal the
 * profile's tree built without that app, regenerate without drift and validate clean.
 */
/**
 * The wrapper chart's version is bumped whenever its files change (src/delivery/argocd): removing an
 * app is such a change, building without it is not. Everything else must be equal.
 */
const chartVersionFree = (tree: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(tree).map(([p, t]) => [p, p.endsWith('Chart.yaml') || p.endsWith('repo.yaml') || p.endsWith('manifest.json') || p.startsWith('argocd/') ? t.replace(/^(\s*(?:version|wrapperChartVersion|targetRevision|"sha256"|"filesSha256")\s*:\s*).*$/gm, '$1<any>') : t]),
  );

describe.each(PROFILES.filter((p) => appsOf(p).length))('remove-app on profile %s', (profile) => {
  it('removes the first app: the tree is the one built without it, clean and valid', () => {
    const apps = appsOf(profile);
    const name = apps[0]!.name as string;
    const dir = build(profile, apps);
    let removed = run(dir, ['remove-app', '--name', name]);
    expect(removed.code, removed.out).toBe(0);
    if (/then remove the files/.test(removed.out)) {
      // A first run only marked the cluster's objects: the tree is consistent in between.
      expect(existsSync(join(dir, '.cnpg/answers/apps', `${name}.yaml`))).toBe(true);
      expectClean(dir);
      removed = run(dir, ['remove-app', '--name', name]);
      expect(removed.code, removed.out).toBe(0);
    }
    expect(removed.out).toMatch(/what stays in the cluster:/);
    const reference = build(profile, apps.slice(1));
    const normal = profile.startsWith('argocd') ? chartVersionFree : (t: Record<string, string>) => t;
    expect(normal(snapshot(dir))).toEqual(normal(snapshot(reference)));
    expectClean(dir);
  }, 120_000);
});

describe('remove-app --drop-data on profile flux-shared-cluster', () => {
  it('first marks the Database and role for deletion (clean, valid), then removes the files', () => {
    const apps = appsOf('flux-shared-cluster');
    const dir = build('flux-shared-cluster', apps);
    const dbFile = join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/apps/n8n/database.yaml');
    const before = snapshot(dir);
    const dry = run(dir, ['remove-app', '--name', 'n8n', '--drop-data', '--dry-run']);
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toMatch(/\+\s+ensure: absent/);
    expect(snapshot(dir)).toEqual(before);

    const first = run(dir, ['remove-app', '--name', 'n8n', '--drop-data']);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/prints "absent true"/);
    const db = parse(readFileSync(dbFile, 'utf8')) as { spec: Record<string, unknown> };
    expect(db.spec).toMatchObject({ ensure: 'absent', databaseReclaimPolicy: 'delete' });
    const cluster = readFileSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml'), 'utf8');
    expect((parse(cluster) as { spec: { managed: { roles: { name: string; ensure: string }[] } } }).spec.managed.roles).toContainEqual(expect.objectContaining({ name: 'n8n', ensure: 'absent' }));
    expect(readFileSync(join(dir, '.cnpg/answers/apps/n8n.yaml'), 'utf8')).toMatch(/removal: drop-data/);
    expectClean(dir);

    // The recorded removal is finished the way it was begun.
    const other = run(dir, ['remove-app', '--name', 'n8n']);
    expect(other.code).toBe(2);
    expect(other.out).toMatch(/--drop-data: app n8n is being removed with drop-data/);

    const second = run(dir, ['remove-app', '--name', 'n8n', '--drop-data']);
    expect(second.code, second.out).toBe(0);
    expect(existsSync(dbFile)).toBe(false);
    expect(snapshot(dir)).toEqual(snapshot(build('flux-shared-cluster', apps.slice(1))));
    expectClean(dir);
  }, 120_000);

  it('refuses an unknown app with a did-you-mean, exit 2, nothing written', () => {
    const dir = build('flux-shared-cluster', appsOf('flux-shared-cluster'));
    const before = snapshot(dir);
    const r = run(dir, ['remove-app', '--name', 'n8m']);
    expect(r.code).toBe(2);
    expect(r.out.trim()).toBe('error: name: no app "n8m" is recorded (did you mean n8n?) (recorded: authentik, n8n)');
    expect(snapshot(dir)).toEqual(before);
    const help = spawnSync(process.execPath, [CLI, 'remove-app', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--drop-data/);
  }, 60_000);
});
