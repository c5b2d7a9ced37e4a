import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { snapshot, tempRepo } from '../helpers.js';
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

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!hasKubectl) console.warn('SKIP part of remove-app edge cases: kubectl is not on PATH, so what stays is not built with kubectl kustomize');

/** Every kustomization.yaml under `kubernetes/` builds with kubectl kustomize (a problem per failing one). */
function unbuildable(dir: string): string[] {
  if (!hasKubectl) return [];
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name === 'kustomization.yaml') {
        const r = spawnSync('kubectl', ['kustomize', d, '--load-restrictor', 'LoadRestrictionsNone'], { encoding: 'utf8' });
        if (r.status !== 0) found.push(`${d.slice(dir.length + 1)}: ${r.stderr.split('\n')[0]}`);
      }
    }
  };
  walk(join(dir, 'kubernetes'));
  return found;
}

/**
 * What the user keeps beside an app's files: the tree that stays must build, and what remove-app says
 * must be true. One app (immich in media, a new namespace folder) on the default answers.
 */
describe('remove-app with files of the user\'s beside the app', () => {
  const APP = 'kubernetes/apps/media/immich';
  function onboarded(): string {
    const dir = tempRepo();
    expect(run(dir, ['new-cluster', '--yes', '--backups', 'false']).code).toBe(0);
    const app = run(dir, ['new-app', '--yes', '--name', 'immich', '--namespace', 'media']);
    expect(app.code, app.out).toBe(0);
    return dir;
  }

  it('a note beside ks.yaml: the ks.yaml stays listed, with the folder and Namespace it needs', () => {
    const dir = onboarded();
    writeFileSync(join(dir, APP, 'NOTES.md'), 'mine\n');
    const r = run(dir, ['remove-app', '--name', 'immich']);
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(join(dir, 'kubernetes/apps/media/kustomization.yaml'), 'utf8')).toMatch(/- \.\/namespace\.yaml\n\s+- \.\/immich\/ks\.yaml/);
    expect(existsSync(join(dir, 'kubernetes/apps/media/namespace.yaml'))).toBe(true);
    expect(readFileSync(join(dir, APP, 'app/kustomization.yaml'), 'utf8')).toMatch(/^resources: \[\]$/m);
    expect(readFileSync(join(dir, APP, 'ks.yaml'), 'utf8')).not.toMatch(/^\s+(dependsOn|components|postBuild):/m);
    expect(r.out).toMatch(/ks\.yaml stays yours, listed/);
    expect(unbuildable(dir)).toEqual([]);
    expect(run(dir, ['regen', '--check']).code).toBe(0);
  }, 60_000);

  it('the user\'s app in app/: it keeps being applied, its kustomization builds', () => {
    const dir = onboarded();
    writeFileSync(join(dir, APP, 'app/configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: immich\n');
    const k = join(dir, APP, 'app/kustomization.yaml');
    writeFileSync(k, readFileSync(k, 'utf8').replace('resources: []', 'resources:\n  - ./configmap.yaml'));
    const r = run(dir, ['remove-app', '--name', 'immich']);
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(join(dir, 'kubernetes/apps/media/kustomization.yaml'), 'utf8')).toMatch(/\.\/immich\/ks\.yaml/);
    expect(existsSync(join(dir, APP, 'app/configmap.yaml'))).toBe(true);
    expect(unbuildable(dir)).toEqual([]);
  }, 60_000);

  it('a root that lists the namespace folder keeps it (and its Namespace)', () => {
    const dir = onboarded();
    writeFileSync(join(dir, 'kubernetes/apps/kustomization.yaml'), 'resources:\n  - ./media\n');
    const r = run(dir, ['remove-app', '--name', 'immich']);
    expect(r.code, r.out).toBe(0);
    expect(existsSync(join(dir, 'kubernetes/apps/media/namespace.yaml'))).toBe(true);
    expect(existsSync(join(dir, APP))).toBe(false);
    expect(unbuildable(dir)).toEqual([]);
    expect(run(dir, ['regen', '--check']).code).toBe(0);
  }, 60_000);

  it('refuses, naming the entry, when a file of the user\'s lists one of the app\'s files', () => {
    const dir = onboarded();
    // Listed from a directory above the app's files, which is where remove-app looks.
    writeFileSync(join(dir, 'kubernetes/kustomization.yaml'), 'resources:\n  - ./apps/databases/cloudnative-pg/cluster/apps/immich/database.yaml\n');
    const before = snapshot(dir);
    const r = run(dir, ['remove-app', '--name', 'immich']);
    expect(r.code, r.out).toBe(1);
    expect(r.out.trim()).toBe('error: kubernetes/kustomization.yaml: lists ./apps/databases/cloudnative-pg/cluster/apps/immich/database.yaml, which goes with app immich (kubernetes/apps/databases/cloudnative-pg/cluster/apps/immich/database.yaml): remove that entry, then run remove-app again');
    expect(snapshot(dir)).toEqual(before);
  }, 60_000);
});

describe('remove-app: what it says is what happens', () => {
  it('SOPS (flux-cluster-template): the files you encrypted stay, named, with how to remove them', () => {
    const apps = appsOf('flux-cluster-template');
    const dir = build('flux-cluster-template', apps);
    const stubs = (d: string): string[] => readdirSync(d, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.sops.yaml')).map((p) => join(d, p));
    // As sops --encrypt leaves them: the stub's text changed, so they are the user's.
    for (const f of stubs(join(dir, 'kubernetes/apps/identity/keycloak'))) appendFileSync(f, 'sops:\n  version: 3.9.0\n');
    expect(run(dir, ['remove-app', '--name', 'keycloak']).code).toBe(0);
    const second = run(dir, ['remove-app', '--name', 'keycloak']);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/the files stay in Git, encrypted and listed by nothing: git rm kubernetes\/apps\/identity\/keycloak\/\S+\.sops\.yaml/);
    expect(second.out).not.toMatch(/go with their SOPS files/);
    expect(unbuildable(dir)).toEqual([]);
  }, 120_000);

  it('Argo CD with argocdPrune false: a sync with prune, not "Argo CD removes"', () => {
    const dir = tempRepo();
    const flags = readFileSync(join(__dirname, 'argocd-wrapper-chart.flags'), 'utf8').trim().split(/\s+/);
    expect(run(dir, ['new-cluster', '--profile', 'argocd-wrapper-chart', ...flags, '--argocdPrune', 'false']).code).toBe(0);
    const file = join(dir, '..apps.json');
    writeFileSync(file, JSON.stringify(appsOf('argocd-wrapper-chart')[0]));
    expect(run(dir, ['new-app', '--answers', file]).code).toBe(0);
    const r = run(dir, ['remove-app', '--name', 'harbor']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/does not prune \(argocdPrune false\): sync it with prune \(argocd app sync \S+ --prune\)/);
  }, 120_000);
});
