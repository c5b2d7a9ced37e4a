import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { HELM_RENDER_ENV } from '../../src/validate/argocd-model.js';
import { helmRenderer } from '../e2e/support/helm.js';
import { missingHelmRenderer } from '../e2e/support/tools.js';
import { ROOT, snapshot, tempRepo } from '../helpers.js';

/**
 * Each shipped profile, as its team would run it: one non-interactive `new-cluster --profile`, then
 * `new-app --answers` for the example apps in `test/profiles/<profile>.apps.yaml` (a list of answer
 * maps), on the repository in `test/profiles/<profile>.base/` when there is one. The tree must equal `test/golden/profiles/<profile>/` (UPDATE_GOLDENS=1 rewrites it: read the
 * diff), regenerate without drift, and validate clean.
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

describe.each(PROFILES)('profile %s', (profile) => {
  it('one command builds the team\'s tree; new-app, regen --check and validate work on it', () => {
    const dir = tempRepo();
    // The team's repository before the tool, where the profile needs one (seed 002: a Flux bootstrap
    // with its root kustomization.yaml).
    const base = join(ROOT, 'test', 'profiles', `${profile}.base`);
    if (existsSync(base)) cpSync(base, dir, { recursive: true });
    // Answers a profile cannot know (the repository Argo CD reads), given as the team would: flags.
    const flagsFile = join(ROOT, 'test', 'profiles', `${profile}.flags`);
    const flags = existsSync(flagsFile) ? readFileSync(flagsFile, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
    const made = run(dir, ['new-cluster', '--profile', profile, ...flags]);
    expect(made.out, made.out).toMatch(/created/);
    expect(made.code).toBe(0);
    const appsFile = join(ROOT, 'test', 'profiles', `${profile}.apps.yaml`);
    const apps = existsSync(appsFile) ? (parse(readFileSync(appsFile, 'utf8')) as Record<string, unknown>[]) : [];
    for (const [i, answers] of apps.entries()) {
      const file = join(dir, `..${i}-${profile}.answers.yaml`);
      writeFileSync(file, JSON.stringify(answers));
      const app = run(dir, ['new-app', '--answers', file]);
      rmSync(file);
      expect(app.code, app.out).toBe(0);
    }
    const golden = join(ROOT, 'test', 'golden', 'profiles', profile);
    const got = snapshot(dir);
    if (process.env.UPDATE_GOLDENS) {
      rmSync(golden, { recursive: true, force: true });
      for (const [p, text] of Object.entries(got)) {
        mkdirSync(dirname(join(golden, p)), { recursive: true });
        writeFileSync(join(golden, p), text);
      }
    }
    expect(existsSync(golden), `no golden tree for profile ${profile}`).toBe(true);
    expect(got).toEqual(snapshot(golden));
    const check = run(dir, ['regen', '--check']);
    expect(check.code, check.out).toBe(0);
    // Charts an Argo CD Application syncs are rendered by Helm's engine (test/e2e/helm-render) where it builds.
    const env = missingHelmRenderer().length ? process.env : { ...process.env, [HELM_RENDER_ENV]: helmRenderer() };
    const valid = spawnSync(process.execPath, [CLI, 'validate', '--dest', dir], { encoding: 'utf8', env });
    const problems = `${valid.stdout}${valid.stderr}`.split('\n').filter((l) => l && !l.startsWith('note:') && !l.startsWith('validate:') && !l.startsWith('warning:'));
    expect(problems).toEqual([]);
    // A profile keeps its seed's chart: past end of life, that is a warning on stderr and only that.
    for (const w of valid.stderr.split('\n').filter(Boolean)) expect(w).toMatch(/^warning: chartVersion \S+: operator /);
    expect(valid.status).toBe(0);
  }, 60_000);
});
