import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { ensureFluxKustomization, ensureLines, ensureResources } from '../../src/patch.js';
import { regen } from '../../src/commands/regen.js';
import { validateTree } from '../../src/validate/index.js';
import { R2, ROOT, ctxFor, snapshot, tempRepo } from '../helpers.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'cnpg-1.30-defaults');

/** The newest operator with every default, two apps: DatabaseRole CRs instead of managed roles. */
async function renderDefaults(dir: string) {
  await newCluster(ctxFor(dir), { backupEndpoint: R2 });
  await newApp(ctxFor(dir), { name: 'gitea', namespace: 'dev', extensions: ['citext'] });
  await newApp(ctxFor(dir), { name: 'authentik', namespace: 'security', provisioning: 'init-container' });
}

describe('golden output', () => {
  it('matches test/golden/cnpg-1.30-defaults (UPDATE_GOLDENS=1 rewrites it; read the diff)', async () => {
    const dir = tempRepo();
    await renderDefaults(dir);
    const got = snapshot(dir);
    if (process.env.UPDATE_GOLDENS) {
      rmSync(GOLDEN, { recursive: true, force: true });
      for (const [p, text] of Object.entries(got)) {
        mkdirSync(dirname(join(GOLDEN, p)), { recursive: true });
        writeFileSync(join(GOLDEN, p), text);
      }
    }
    expect(got).toEqual(snapshot(GOLDEN));
    const result = await validateTree({ root: dir, externalVariables: ['CLUSTER_NAME'], externalKustomizations: ['flux-system/external-secrets-stores', 'flux-system/cert-manager'] });
    expect(result.problems.map((p) => `${p.path}:${p.line}: ${p.message}`)).toEqual([]);
  }, 30_000);

  it('interactive and non-interactive runs give the same files for the same answers', async () => {
    const flags = tempRepo();
    const prompted = tempRepo();
    await newCluster(ctxFor(flags), { backupEndpoint: R2, instances: '2' });
    const prompt = async (_g: string, known: Record<string, unknown>) => ({ ...known, backupEndpoint: R2, instances: 2 });
    await newCluster(ctxFor(prompted, { prompt: prompt as never }), {});
    expect(snapshot(prompted)).toEqual(snapshot(flags));
  });
});

describe('YAML safety', () => {
  // Line breaks never get this far: answers are one line (test/engine/inputs.test.ts).
  it('answers with & \' " < : # {{ }} - [ ] stay data, never structure', async () => {
    const dir = tempRepo();
    const nasty = `a&b 'q' "dq" <x>: # not a comment {{ .secret }} - [second]: line`;
    await newCluster(ctxFor(dir), { backupEndpoint: R2, superuserItem: nasty, parameters: { log_line_prefix: nasty } });
    const text = readFileSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/externalsecret.yaml'), 'utf8');
    const [superuser] = parseAllDocuments(text).map((d) => d.toJS());
    expect(superuser.spec.data[0].remoteRef.key).toBe(nasty);
    expect(superuser.spec.target.template.data.password).toBe('{{ .password }}');
    const cluster = parseAllDocuments(readFileSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml'), 'utf8'))[0]!.toJS();
    expect(cluster.spec.postgresql.parameters.log_line_prefix).toBe(nasty);
  });
});

describe('patching a user\'s files', () => {
  const userKs = `---
# my app; do not reorder
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: &app wiki
  namespace: flux-system
spec:
  path: ./kubernetes/apps/docs/wiki/app # the app
  sourceRef: {kind: GitRepository, name: home}
  dependsOn:
  - name: rook-ceph # storage first
  postBuild:
    substitute:
      APP: *app
      SUBDOMAIN: wiki
`;
  const want = {
    name: 'wiki',
    defaults: { targetNamespace: 'docs', prune: true },
    dependsOn: [{ name: 'cloudnative-pg-cluster', namespace: 'flux-system' }],
    components: ['../../../../components/cnpg'],
    substitute: { APP: 'wiki', CNPG_DATABASE: 'wiki' },
  };

  it('adds only the tool\'s entries; comments, order, aliases and flush sequences survive', () => {
    const out = ensureFluxKustomization(userKs, want, 'unused');
    expect(out).toMatchSnapshot();
    for (const line of userKs.split('\n').filter(Boolean)) expect(out).toContain(line);
    expect(ensureFluxKustomization(out, want, 'unused')).toBe(out);
  });

  it('registers ks.yaml in a namespace kustomization.yaml once, keeping comments', () => {
    const ns = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  # apps\n  - ./namespace.yaml\n`;
    const out = ensureResources(ns, ['./wiki/ks.yaml']);
    expect(out).toBe(`${ns}  - ./wiki/ks.yaml\n`);
    expect(ensureResources(out, ['./wiki/ks.yaml'])).toBe(out);
  });

  it('adds the records to .sourceignore once, whatever spelling the user chose', () => {
    expect(ensureLines(undefined, ['/.cnpg/'], 'why')).toBe('# why\n/.cnpg/\n');
    expect(ensureLines('*.md', ['/.cnpg/'], 'why')).toBe('*.md\n# why\n/.cnpg/\n');
    for (const mine of ['.cnpg\n', '.cnpg/\n', '# keep\n/.cnpg\n']) expect(ensureLines(mine, ['/.cnpg/'], 'why')).toBe(mine);
  });
});

describe('the CI job for users\' repositories', () => {
  /** Runs the job's `run:` steps in bash, as Actions would, with `npx` standing for the published package. */
  function runJob(dir: string): { code: number; log: string } {
    const job = parseAllDocuments(readFileSync(join(dir, '.github/workflows/cnpg-scaffold.yaml'), 'utf8'))[0]!.toJS();
    const bin = tempRepo();
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh\n[ "$1 $2 $3 $4" = "--yes --package cnpg-scaffold@${version} cnpg-scaffold" ] || { echo "unexpected npx $*" >&2; exit 9; }\nshift 4\nexec "${process.execPath}" "${join(ROOT, 'dist/src/cli.js')}" "$@"\n`,
      { mode: 0o755 },
    );
    const githubEnv = join(bin, 'github-env');
    writeFileSync(githubEnv, '');
    // npx sets INIT_CWD to the directory it runs in; the one from `npm test` must not leak in.
    let env: Record<string, string | undefined> = { ...process.env, INIT_CWD: dir, PATH: `${bin}:${process.env.PATH}`, GITHUB_ENV: githubEnv };
    let log = '';
    for (const step of job.jobs.check.steps as { run?: string }[]) {
      if (!step.run) continue;
      const r = spawnSync('bash', ['-e', '-c', step.run], { cwd: dir, env, encoding: 'utf8' });
      log += `$ ${step.run}\n${r.stdout}${r.stderr}`;
      if (r.status !== 0) return { code: r.status ?? 1, log };
      for (const line of readFileSync(githubEnv, 'utf8').split('\n').filter(Boolean)) {
        const [k, ...v] = line.split('=');
        env = { ...env, [k!]: v.join('=') };
      }
    }
    return { code: 0, log };
  }

  it('runs regen --check and validate with the version that wrote the tree, and fails on drift', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs' });
    const ok = runJob(dir);
    expect(ok.code, ok.log).toBe(0);
    expect(ok.log).toContain('regen --check: 3 units');
    expect(ok.log).toMatch(/validate: \d+ documents, \d+ kustomizations, 0 problem\(s\)/);

    const cluster = join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml');
    writeFileSync(cluster, readFileSync(cluster, 'utf8').replace('instances: 3', 'instances: 4'));
    const drift = runJob(dir);
    expect(drift.code).toBe(1);
    expect(drift.log).toContain('cluster.yaml: changed by hand');
  }, 60_000);

  it('stays the user\'s file: edits and deletion are theirs; ciWorkflow none writes none', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    const path = join(dir, '.github/workflows/cnpg-scaffold.yaml');
    writeFileSync(path, `${readFileSync(path, 'utf8')}# my own step\n`);
    expect(await regen(ctxFor(dir), { check: true })).toBe(0);
    rmSync(path);
    const ctx = ctxFor(dir);
    expect(await regen(ctx, { check: true })).toBe(0);
    await regen(ctxFor(dir), { check: false });
    expect(existsSync(path)).toBe(false);

    const none = tempRepo();
    await newCluster(ctxFor(none), { backupEndpoint: R2, ciWorkflow: 'none' });
    expect(Object.keys(snapshot(none)).filter((p) => p.startsWith('.github'))).toEqual([]);
  });
});

describe('defaults that depend on other answers', () => {
  it('barmanObjectStore gets the release\'s system image, the plugin its standard one', async () => {
    const image = (dir: string) => readFileSync(join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml'), 'utf8').match(/imageName: (.*)/)![1];
    const inTree = tempRepo();
    await newCluster(ctxFor(inTree), { backupEndpoint: R2, backupMethod: 'barmanObjectStore' });
    expect(image(inTree)).toBe('ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie');
    const plugin = tempRepo();
    await newCluster(ctxFor(plugin), { backupEndpoint: R2 });
    expect(image(plugin)).toBe('ghcr.io/cloudnative-pg/postgresql:18.4-standard-trixie');
  });
});

describe('namespace folders', () => {
  const NS = 'kubernetes/apps/docs';
  const manifestPaths = (dir: string) => JSON.parse(readFileSync(join(dir, '.cnpg/manifest.json'), 'utf8')).files.map((f: { path: string }) => f.path);

  it('a folder the tool creates gets a Namespace; deleted later, it stays deleted', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs' });
    await newApp(ctxFor(dir), { name: 'chat', namespace: 'docs' });
    expect(readFileSync(join(dir, NS, 'kustomization.yaml'), 'utf8')).toContain('resources:\n  - ./namespace.yaml\n  - ./wiki/ks.yaml\n  - ./chat/ks.yaml\n');
    expect(parseAllDocuments(readFileSync(join(dir, NS, 'namespace.yaml'), 'utf8'))[0]!.toJS()).toMatchObject({ kind: 'Namespace', metadata: { name: 'docs' } });
    rmSync(join(dir, NS, 'namespace.yaml'));
    const ctx = ctxFor(dir);
    expect(await regen(ctx, { check: true }), ctx.lines.join('\n')).toBe(0);
    // Both gone: the folder is new again, and its kustomization.yaml lists namespace.yaml, so both come back.
    rmSync(join(dir, NS, 'kustomization.yaml'));
    await regen(ctxFor(dir), { check: false });
    expect(readFileSync(join(dir, NS, 'namespace.yaml'), 'utf8')).toContain('kind: Namespace');
  });

  it('an existing folder keeps its own way of making the namespace, and its files stay the user\'s', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    mkdirSync(join(dir, NS), { recursive: true });
    const own = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: docs # mine\n';
    writeFileSync(join(dir, NS, 'namespace.yaml'), own);
    writeFileSync(join(dir, NS, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./namespace.yaml\n');
    await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs' });
    expect(readFileSync(join(dir, NS, 'namespace.yaml'), 'utf8')).toBe(own);
    expect(manifestPaths(dir)).not.toContain(`${NS}/namespace.yaml`);
    expect(manifestPaths(dir)).toContain(`${NS}/kustomization.yaml`);
  });
});

describe('onboarding app B after app A', () => {
  it('leaves A\'s files untouched and changes shared files only by B\'s lines', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, chartVersion: '0.27.1' });
    await newApp(ctxFor(dir), { name: 'alpha', namespace: 'apps' });
    const a = snapshot(dir);
    await newApp(ctxFor(dir), { name: 'beta', namespace: 'apps' });
    const b = snapshot(dir);
    const changed = Object.keys(a).filter((p) => a[p] !== b[p]).sort();
    expect(changed).toEqual([
      '.cnpg/manifest.json',
      'kubernetes/apps/apps/kustomization.yaml',
      'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml',
      'kubernetes/apps/databases/cloudnative-pg/cluster/kustomization.yaml',
    ]);
    const added = (p: string) => b[p]!.split('\n').filter((l) => !a[p]!.split('\n').includes(l));
    const removed = (p: string) => a[p]!.split('\n').filter((l) => !b[p]!.split('\n').includes(l));
    for (const p of changed.slice(1)) expect(removed(p)).toEqual([]);
    expect(added('kubernetes/apps/apps/kustomization.yaml')).toEqual(['  - ./beta/ks.yaml']);
    expect(added('kubernetes/apps/databases/cloudnative-pg/cluster/kustomization.yaml')).toEqual(['  - ./apps/beta']);
    expect(added('kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml')).toEqual(['      - name: beta', '          name: beta-pg-role']);
  });
});
