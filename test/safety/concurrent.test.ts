import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { R2, commitAll, tempRepo } from '../helpers.js';
import { copyRepo, leftovers, runBin, trials } from './helpers.js';

// Runs at once against one repository: the lock serialises them, so every app's entries land in
// the shared files (cluster and namespace kustomizations, Cluster.spec.managed.roles on chart
// 0.27.1, the manifest, the answers), every run exits 0, and the result is what regen would write.
// CNPG_SAFETY_CONCURRENT_ROUNDS repeats more.
const read = (dir: string, p: string) => readFileSync(join(dir, p), 'utf8');

describe('concurrent runs against the same repository', () => {
  let base: string;
  beforeAll(async () => {
    base = tempRepo(true);
    const r = await runBin(base, ['new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2, '--chartVersion', '0.27.1']);
    expect(r.code, r.err).toBe(0);
    commitAll(base);
  }, 120_000);

  for (const n of [2, 4, 8]) {
    it(`${n} new-app runs at once all land, each edit kept`, async () => {
      for (let round = 0; round < trials('CNPG_SAFETY_CONCURRENT_ROUNDS', 2); round++) {
        const dir = copyRepo(base);
        // Half share one namespace (the same kustomization.yaml), half get their own.
        const apps = Array.from({ length: n }, (_, i) => ({ name: `app${i}`, namespace: i % 2 ? `ns${i}` : 'shared' }));
        const runs = await Promise.all(apps.map((a) => runBin(dir, ['new-app', '--yes', '--dest', '.', '--name', a.name, '--namespace', a.namespace])));
        runs.forEach((r, i) => expect(r.code, `${apps[i]!.name}: ${r.err}`).toBe(0));

        const cluster = parse(read(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml'));
        const roles = (cluster.spec.managed?.roles ?? []).map((r: { name: string }) => r.name);
        const clusterKs = parse(read(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/kustomization.yaml'));
        const manifest = JSON.parse(read(dir, '.cnpg/manifest.json')).files.map((f: { path: string }) => f.path);
        for (const a of apps) {
          expect(roles, a.name).toContain(a.name);
          expect(clusterKs.resources, a.name).toContain(`./apps/${a.name}`);
          expect(parse(read(dir, `kubernetes/apps/${a.namespace}/kustomization.yaml`)).resources, a.name).toContain(`./${a.name}/ks.yaml`);
          expect(read(dir, `.cnpg/answers/apps/${a.name}.yaml`), a.name).toContain(`name: ${a.name}`);
          expect(manifest, a.name).toContain(`kubernetes/apps/${a.namespace}/${a.name}/ks.yaml`);
        }
        expect(leftovers(dir)).toEqual([]);
        const check = await runBin(dir, ['regen', '--check', '--dest', '.']);
        expect(check.code, check.out).toBe(0);
      }
    }, 600_000);
  }
});
