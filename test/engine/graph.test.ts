import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, ROOT, tempRepo } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli.js');
const graph = (dest: string) => spawnSync(process.execPath, [BIN, 'graph', '--dest', dest], { encoding: 'utf8' });

const ks = (name: string, deps: string[]) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  path: ./apps/${name}
  interval: 1h
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  dependsOn: [${deps.map((d) => `{name: ${d}}`).join(', ')}]
`;

describe('graph', () => {
  it('a Kustomization applying an upstream source (the seed 003 CRD bundle) is a node, not a missing dependency', () => {
    const r = graph(join(ROOT, 'test', 'golden', 'profiles', 'flux-hardened-operator'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('missing:');
    const crds = /(n\d+)\["Kustomization flux-system\/cloudnative-pg-crds /.exec(r.stdout)?.[1];
    const operator = /(n\d+)\["Kustomization flux-system\/cloudnative-pg /.exec(r.stdout)?.[1];
    expect(r.stdout).toContain(`  ${crds} --> ${operator}\n`);
  });

  it('draws the example\'s apply order: operator, plugin, cluster, then each app; externals as such', () => {
    const r = graph(EXAMPLE);
    expect(r.status, r.stderr).toBe(0);
    const id = (label: string) => new RegExp(`(n\\d+)\\["Kustomization flux-system/${label} `).exec(r.stdout)?.[1];
    const [operator, plugin, cluster, immich] = ['cloudnative-pg', 'cloudnative-pg-barman-cloud', 'cloudnative-pg-cluster', 'immich'].map(id);
    for (const [from, to] of [[operator, plugin], [plugin, cluster], [operator, cluster], [cluster, immich]]) expect(r.stdout).toContain(`  ${from} --> ${to}\n`);
    expect(r.stdout).toContain('(["external: flux-system/external-secrets-stores"])');
    expect(r.stdout).toContain('No cycles, no dangling references.');
  });

  it('flags a cycle and a dependsOn that names nothing, with exit 1', () => {
    const dir = tempRepo();
    mkdirSync(join(dir, 'flux'));
    writeFileSync(join(dir, 'flux', 'a.yaml'), ks('a', ['b']));
    writeFileSync(join(dir, 'flux', 'b.yaml'), ks('b', ['a']));
    writeFileSync(join(dir, 'flux', 'c.yaml'), ks('c', ['gone']));
    const r = graph(dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/- cycle: flux-system\/(a -> flux-system\/b -> flux-system\/a|b -> flux-system\/a -> flux-system\/b)\n/);
    expect(r.stdout).toContain('- flux-system/c depends on flux-system/gone: no Kustomization of that name in the tree');
    expect(r.stdout).toContain('{{"missing: flux-system/gone"}}');
  });
});
