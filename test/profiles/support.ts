import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { HELM_RENDER_ENV } from '../../src/validate/argocd-model.js';
import { helmRenderer } from '../e2e/support/helm.js';
import { missingHelmRenderer } from '../e2e/support/tools.js';
import { ROOT, tempRepo } from '../helpers.js';

/** The shipped profiles and their example apps, run as a team would: the real CLI, no prompts. */
export const CLI = join(ROOT, 'dist', 'src', 'cli.js');
export const PROFILES = readdirSync(join(ROOT, 'profiles'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -5))
  .sort();

export function run(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--dest', dir, '--allow-dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `test/profiles/<profile>.apps.yaml`: a list of answer maps, onboarded in order. */
export const appsOf = (profile: string): Record<string, unknown>[] => {
  const file = join(ROOT, 'test', 'profiles', `${profile}.apps.yaml`);
  return existsSync(file) ? (parse(readFileSync(file, 'utf8')) as Record<string, unknown>[]) : [];
};

/**
 * One non-interactive `new-cluster --profile`, on `<profile>.base/` when there is one (seed 002: a
 * Flux bootstrap with its root kustomization.yaml) with the flags of `<profile>.flags` (answers a
 * profile cannot know), then `new-app --answers` for each of `apps`.
 */
export function buildProfile(profile: string, apps: Record<string, unknown>[]): string {
  const dir = tempRepo();
  const base = join(ROOT, 'test', 'profiles', `${profile}.base`);
  if (existsSync(base)) cpSync(base, dir, { recursive: true });
  const flagsFile = join(ROOT, 'test', 'profiles', `${profile}.flags`);
  const flags = existsSync(flagsFile) ? readFileSync(flagsFile, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
  const made = run(dir, ['new-cluster', '--profile', profile, ...flags]);
  expect(made.out, made.out).toMatch(/created/);
  expect(made.code).toBe(0);
  for (const [i, answers] of apps.entries()) {
    const file = join(dir, `..${i}-${profile}.answers.yaml`);
    writeFileSync(file, JSON.stringify(answers));
    const app = run(dir, ['new-app', '--answers', file]);
    rmSync(file);
    expect(app.code, app.out).toBe(0);
  }
  return dir;
}

/** `regen --check` finds no drift and `validate` no problem (charts rendered by Helm's engine where it builds). */
export function expectClean(dir: string) {
  const check = run(dir, ['regen', '--check']);
  expect(check.code, check.out).toBe(0);
  const env = missingHelmRenderer().length ? process.env : { ...process.env, [HELM_RENDER_ENV]: helmRenderer() };
  const valid = spawnSync(process.execPath, [CLI, 'validate', '--dest', dir], { encoding: 'utf8', env });
  const problems = `${valid.stdout}${valid.stderr}`.split('\n').filter((l) => l && !l.startsWith('note:') && !l.startsWith('validate:') && !l.startsWith('warning:'));
  expect(problems).toEqual([]);
  // A profile keeps its seed's chart: past end of life, that is a warning on stderr and only that.
  for (const w of valid.stderr.split('\n').filter(Boolean)) expect(w).toMatch(/^warning: chartVersion \S+: operator /);
  expect(valid.status).toBe(0);
}
