import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { HELM_RENDER_ENV } from '../../src/validate/argocd-model.js';
import { helmRenderer } from '../e2e/support/helm.js';
import { missingHelmRenderer } from '../e2e/support/tools.js';
import { ROOT, snapshot, tempRepo } from '../helpers.js';

/**
 * remove-app on each shipped profile, through the real CLI: the profile's tree with its example
 * apps, then the first app removed (twice where a first run only marks). The tree must equal the
 * profile's tree built without that app, regenerate without drift and validate clean.
 */
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const PROFILES = readdirSync(join(ROOT, 'profiles'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -5))
  .sort();

function run(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--dest', dir, '--allow-dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const appsOf = (profile: string): Record<string, unknown>[] => {
  const file = join(ROOT, 'test', 'profiles', `${profile}.apps.yaml`);
  return existsSync(file) ? (parse(readFileSync(file, 'utf8')) as Record<string, unknown>[]) : [];
};

/** The profile's tree with `apps` onboarded in order, as profiles.test.ts builds it. */
function build(profile: string, apps: Record<string, unknown>[]): string {
  const dir = tempRepo();
  const base = join(ROOT, 'test', 'profiles', `${profile}.base`);
  if (existsSync(base)) cpSync(base, dir, { recursive: true });
  const flagsFile = join(ROOT, 'test', 'profiles', `${profile}.flags`);
  const flags = existsSync(flagsFile) ? readFileSync(flagsFile, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
  expect(run(dir, ['new-cluster', '--profile', profile, ...flags]).code).toBe(0);
  for (const [i, answers] of apps.entries()) {
    const file = join(dir, `..${i}-remove.answers.yaml`);
    writeFileSync(file, JSON.stringify(answers));
    const app = run(dir, ['new-app', '--answers', file]);
    rmSync(file);
    expect(app.code, app.out).toBe(0);
  }
  return dir;
}

function expectClean(dir: string) {
  const check = run(dir, ['regen', '--check']);
  expect(check.code, check.out).toBe(0);
  const env = missingHelmRenderer().length ? process.env : { ...process.env, [HELM_RENDER_ENV]: helmRenderer() };
  const valid = spawnSync(process.execPath, [CLI, 'validate', '--dest', dir], { encoding: 'utf8', env });
  const problems = `${valid.stdout}${valid.stderr}`.split('\n').filter((l) => l && !l.startsWith('note:') && !l.startsWith('validate:'));
  expect(problems).toEqual([]);
}

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
