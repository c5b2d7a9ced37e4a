import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers.js';
import { run } from '../profiles/support.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!hasKubectl) console.warn('SKIP declared-namespace: kubectl is not on PATH, so the kustomize build of the apps root is not run');

const NAMESPACE = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

/**
 * A Namespace the user declares (here in the apps root's own kustomization, as many repos list their
 * namespaces) is not declared again by the tool: one build with both would fail on the duplicate id.
 */
describe('a namespace declared in a file of the user\'s', () => {
  function repo() {
    const dir = tempRepo();
    mkdirSync(join(dir, 'kubernetes/apps'), { recursive: true });
    writeFileSync(join(dir, 'kubernetes/apps/namespaces.yaml'), `${NAMESPACE('tools')}---\n${NAMESPACE('media')}`);
    const made = run(dir, ['new-cluster', '--yes', '--backups', 'false']);
    expect(made.code, made.out).toBe(0);
    return dir;
  }
  const answers = (dir: string, app: string) => (parse(readFileSync(join(dir, `.cnpg/answers/apps/${app}.yaml`), 'utf8')) as { answers: Record<string, unknown> }).answers;

  it('gets no Namespace from new-app, and createNamespace false is recorded; another namespace still gets its own', () => {
    const dir = repo();
    const first = run(dir, ['new-app', '--yes', '--name', 'immich', '--namespace', 'media']);
    expect(first.code, first.out).toBe(0);
    const other = run(dir, ['new-app', '--yes', '--name', 'n8n', '--namespace', 'automation']);
    expect(other.code, other.out).toBe(0);
    expect(other.out).not.toMatch(/createNamespace/);
    expect(existsSync(join(dir, 'kubernetes/apps/media/namespace.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'kubernetes/apps/media/kustomization.yaml'), 'utf8')).not.toMatch(/namespace\.yaml/);
    expect(answers(dir, 'immich').createNamespace).toBe(false);
    expect(first.out).toMatch(/namespace media is declared by a file of yours \(createNamespace false\)/);
    // Not declared by the user: the tool's folder declares it, and the record stays as before (no key).
    expect(readFileSync(join(dir, 'kubernetes/apps/automation/namespace.yaml'), 'utf8')).toMatch(/name: automation/);
    expect(answers(dir, 'n8n')).not.toHaveProperty('createNamespace');
    // A second app in the same namespace: the tool's own namespace.yaml is not "declared elsewhere".
    const second = run(dir, ['new-app', '--yes', '--name', 'n8n-worker', '--namespace', 'automation']);
    expect(second.code, second.out).toBe(0);
    expect(answers(dir, 'n8n-worker')).not.toHaveProperty('createNamespace');

    const check = run(dir, ['regen', '--check']);
    expect(check.code, check.out).toBe(0);

    if (!hasKubectl) return;
    // The user's root lists its namespaces and the folders: one build, each Namespace once.
    writeFileSync(join(dir, 'kubernetes/apps/kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./namespaces.yaml\n  - ./media\n  - ./automation\n');
    const built = spawnSync('kubectl', ['kustomize', join(dir, 'kubernetes/apps')], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const names = built.stdout.split(/^---$/m).filter((d) => /^kind: Namespace$/m.test(d)).map((d) => /^ {2}name: (\S+)$/m.exec(d)?.[1]);
    expect(names.sort()).toEqual(['automation', 'media', 'tools']);
  }, 60_000);

  it('re-running new-app for the recorded app keeps its answer, and an explicit --createNamespace wins', () => {
    const dir = repo();
    expect(run(dir, ['new-app', '--yes', '--name', 'immich', '--namespace', 'tools', '--createNamespace']).code).toBe(0);
    expect(answers(dir, 'immich').createNamespace).toBe(true);
    const again = run(dir, ['new-app', '--yes', '--name', 'immich']);
    expect(again.code, again.out).toBe(0);
    expect(answers(dir, 'immich').createNamespace).toBe(true);
  }, 60_000);
});
