import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { ConflictError } from '../../src/errors.js';
import { R2, commitAll, ctxFor, snapshot, tempRepo } from '../helpers.js';

const CLUSTER_RECORD = '.cnpg/answers/clusters/postgres.yaml';
const MANIFEST = '.cnpg/manifest.json';
const CLUSTER = 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml';

/** A committed repository with a cluster and one app, then `mess` applied to its work tree. */
async function onboarded(mess: (dir: string) => void): Promise<string> {
  const dir = tempRepo(true);
  await newCluster(ctxFor(dir), { backupEndpoint: R2 });
  await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs' });
  commitAll(dir);
  mess(dir);
  return dir;
}

const edit = (dir: string, path: string, f: (t: string) => string) => writeFileSync(join(dir, path), f(readFileSync(join(dir, path), 'utf8')));

/** Runs an unrelated new-app without --allow-dirty; returns the refusal (or undefined) and what the tree became. */
async function unrelatedApp(dir: string, allowDirty = false) {
  const before = snapshot(dir);
  let error: unknown;
  try {
    await newApp(ctxFor(dir, { allowDirty }), { name: 'chat', namespace: 'comms' });
  } catch (e) {
    error = e;
  }
  return { error, before, after: snapshot(dir) };
}

describe('uncommitted work is never overwritten without --allow-dirty', () => {
  const cases: [string, (dir: string) => void, string][] = [
    ['a comment in a recorded answers file', (d) => edit(d, CLUSTER_RECORD, (t) => t.replace('  instances: 3\n', '  instances: 3 # three zones\n')), CLUSTER_RECORD],
    ['a note line in a recorded answers file', (d) => edit(d, CLUSTER_RECORD, (t) => `# reviewed by ops\n${t}`), CLUSTER_RECORD],
    ['an edited value in manifest.json', (d) => edit(d, MANIFEST, (t) => t.replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'0'.repeat(64)}"`)), MANIFEST],
    ['a reformatted manifest.json', (d) => edit(d, MANIFEST, (t) => JSON.stringify(JSON.parse(t))), MANIFEST],
    ['an owned file deleted', (d) => rmSync(join(d, CLUSTER)), CLUSTER],
    ['a patched file deleted', (d) => rmSync(join(d, 'kubernetes/apps/docs/wiki/ks.yaml')), 'kubernetes/apps/docs/wiki/ks.yaml'],
  ];
  for (const [what, mess, path] of cases) {
    it(`${what}: refused, naming ${path}, nothing written; --allow-dirty writes`, async () => {
      const dir = await onboarded(mess);
      const { error, before, after } = await unrelatedApp(dir);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toContain(`uncommitted changes in`);
      expect((error as Error).message).toContain(path);
      expect(after).toEqual(before);
      const forced = await unrelatedApp(dir, true);
      expect(forced.error).toBeUndefined();
    });
  }

  it("the tool's own uncommitted output is not the user's work: two runs in a row need no flag", async () => {
    const dir = tempRepo(true);
    await newCluster(ctxFor(dir, { allowDirty: false }), { backupEndpoint: R2 });
    await newApp(ctxFor(dir, { allowDirty: false }), { name: 'wiki', namespace: 'docs' });
    await newApp(ctxFor(dir, { allowDirty: false }), { name: 'chat', namespace: 'docs' });
    expect(snapshot(dir)['kubernetes/apps/docs/kustomization.yaml']).toContain('./chat/ks.yaml');
  });

  it('a file moved away with git mv is seen as uncommitted work at its old path', async () => {
    const dir = await onboarded(() => {});
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['mv', CLUSTER, `${CLUSTER}.bak`], { cwd: dir });
    const { error } = await unrelatedApp(dir);
    expect((error as Error).message).toMatch(/cluster\/cluster\.yaml \(deleted\)/);
  });
});
