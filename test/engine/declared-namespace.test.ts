import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, tempRepo } from '../helpers.js';
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

/**
 * The operator's namespace follows the same rule, as a repository answer decided when new-cluster
 * first records the repository: a Namespace of the user's (a namespaces file, a flux-system manifest)
 * gets no second declaration from the tool, in either Flux layout.
 */
describe('the operator\'s namespace declared in a file of the user\'s', () => {
  const repoAnswers = (dir: string) => (parse(readFileSync(join(dir, '.cnpg/answers/repo.yaml'), 'utf8')) as { answers: Record<string, unknown> }).answers;
  const namespacesIn = (stdout: string) => stdout.split(/^---$/m).filter((d) => /^kind: Namespace$/m.test(d)).map((d) => /^ {2}name: (\S+)$/m.exec(d)?.[1]).sort();

  it('ks layout: new-cluster declares none, names the labels to add, and a re-run keeps the answer', () => {
    const dir = tempRepo();
    mkdirSync(join(dir, 'kubernetes/apps'), { recursive: true });
    writeFileSync(join(dir, 'kubernetes/apps/namespaces.yaml'), `${NAMESPACE('databases')}---\n${NAMESPACE('tools')}`);
    const made = run(dir, ['new-cluster', '--yes', '--backups', 'false', '--podSecurity', 'restricted']);
    expect(made.code, made.out).toBe(0);
    expect(repoAnswers(dir).createNamespace).toBe(false);
    expect(existsSync(join(dir, 'kubernetes/apps/databases/namespace.yaml'))).toBe(false);
    expect(existsSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/namespace.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'kubernetes/apps/databases/kustomization.yaml'), 'utf8')).not.toMatch(/namespace\.yaml/);
    expect(made.out).toMatch(/namespace databases is declared by a file of yours \(createNamespace false\), so the tool declares none/);
    expect(made.out).toMatch(/give it the labels pod-security\.kubernetes\.io\/enforce=restricted/);

    // Recorded answers are the defaults: the answer stays, and so does the tree.
    const again = run(dir, ['new-cluster', '--yes']);
    expect(again.code, again.out).toBe(0);
    expect(repoAnswers(dir).createNamespace).toBe(false);
    expect(existsSync(join(dir, 'kubernetes/apps/databases/namespace.yaml'))).toBe(false);
    // An app in the operator's namespace is under the same rule: its folder is the operator's.
    const app = run(dir, ['new-app', '--yes', '--name', 'grafana', '--namespace', 'databases']);
    expect(app.code, app.out).toBe(0);
    expect(readFileSync(join(dir, 'kubernetes/apps/databases/kustomization.yaml'), 'utf8')).not.toMatch(/namespace\.yaml/);
    const check = run(dir, ['regen', '--check']);
    expect(check.code, check.out).toBe(0);

    if (!hasKubectl) return;
    writeFileSync(join(dir, 'kubernetes/apps/kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./namespaces.yaml\n  - ./databases\n');
    const built = spawnSync('kubectl', ['kustomize', join(dir, 'kubernetes/apps')], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(namespacesIn(built.stdout)).toEqual(['databases', 'tools']);
  }, 60_000);

  it('flat layout: a Namespace in flux-system leaves the operator\'s directory without one', () => {
    const dir = tempRepo();
    cpSync(join(ROOT, 'test', 'profiles', 'flux-per-app-helmrepository.base'), dir, { recursive: true });
    const fluxSystem = join(dir, 'clusters/um890/flux-system');
    writeFileSync(join(fluxSystem, 'namespaces.yaml'), NAMESPACE('cnpg-system'));
    writeFileSync(join(fluxSystem, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./namespaces.yaml\n');
    const made = run(dir, ['new-cluster', '--profile', 'flux-per-app-helmrepository']);
    expect(made.code, made.out).toBe(0);
    expect(repoAnswers(dir).createNamespace).toBe(false);
    expect(existsSync(join(dir, 'clusters/um890/cnpg/namespace.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'clusters/um890/cnpg/kustomization.yaml'), 'utf8')).not.toMatch(/namespace\.yaml/);
    const check = run(dir, ['regen', '--check']);
    expect(check.code, check.out).toBe(0);

    if (!hasKubectl) return;
    // Flux applies the root and the operator's directory as two Kustomizations: the Namespace is in one only.
    // The root lists the HelmRepository file outside it, which Flux's build allows (no load restrictor).
    const root = spawnSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', join(dir, 'clusters/um890')], { encoding: 'utf8' });
    expect(root.status, root.stderr).toBe(0);
    const cnpg = spawnSync('kubectl', ['kustomize', join(dir, 'clusters/um890/cnpg')], { encoding: 'utf8' });
    expect(cnpg.status, cnpg.stderr).toBe(0);
    expect([...namespacesIn(root.stdout), ...namespacesIn(cnpg.stdout)]).toEqual(['cnpg-system']);
  }, 60_000);

  it('an explicit --createNamespace wins over the file found', () => {
    const dir = tempRepo();
    mkdirSync(join(dir, 'kubernetes/apps'), { recursive: true });
    writeFileSync(join(dir, 'kubernetes/apps/namespaces.yaml'), NAMESPACE('databases'));
    const made = run(dir, ['new-cluster', '--yes', '--backups', 'false', '--createNamespace']);
    expect(made.code, made.out).toBe(0);
    expect(repoAnswers(dir).createNamespace).toBe(true);
    expect(readFileSync(join(dir, 'kubernetes/apps/databases/namespace.yaml'), 'utf8')).toMatch(/name: databases/);
  }, 60_000);
});
