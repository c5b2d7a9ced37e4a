import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { validateTree } from '../../src/validate/index.js';
import { R2, ctxFor, tempRepo, expectRefused as refused } from '../helpers.js';

const DIR = 'kubernetes/apps/databases/cloudnative-pg/cluster';
const MINIMAL_BOOKWORM = 'ghcr.io/cloudnative-pg/postgresql:18.3-minimal-bookworm';
const doc = (dir: string, file: string) => parseAllDocuments(readFileSync(join(dir, DIR, file), 'utf8'))[0]!.toJS();

const cluster = (dir: string, answers: Record<string, unknown>) => () => newCluster(ctxFor(dir), { backupEndpoint: R2, ...answers });

describe('extensions by ImageVolume', () => {
  it('mounts each image matched to the cluster\'s major and OS, preloads vchord, creates them at the pinned versions', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, imageName: MINIMAL_BOOKWORM, imageVolumeExtensions: ['pgvector', 'postgis', 'vchord'] });
    await newApp(ctxFor(dir), { name: 'immich', namespace: 'media', extensions: ['vector', 'vchord', 'postgis', 'postgis_topology'] });
    const pg = doc(dir, 'cluster.yaml').spec.postgresql;
    expect(pg.extensions).toEqual([
      { name: 'pgvector', image: { reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.6-18-bookworm' } },
      { name: 'postgis', image: { reference: 'ghcr.io/cloudnative-pg/postgis-extension:3.6.4-18-bookworm' }, ld_library_path: ['system'] },
      {
        name: 'vchord',
        image: { reference: 'ghcr.io/tensorchord/vchord-scratch:pg18-v0.5.3' },
        extension_control_path: ['/usr/share/postgresql/18'],
        dynamic_library_path: ['/usr/lib/postgresql/18/lib'],
      },
    ]);
    expect(pg.shared_preload_libraries).toEqual(['vchord']);
    expect(pg.parameters.shared_preload_libraries).toBeUndefined();
    expect(doc(dir, 'apps/immich/database.yaml').spec.extensions).toEqual([
      { name: 'vector', version: '0.8.6', ensure: 'present' },
      { name: 'vchord', version: '0.5.3', ensure: 'present' },
      { name: 'postgis', version: '3.6.4', ensure: 'present' },
      { name: 'postgis_topology', ensure: 'present' },
    ]);
    const r = await validateTree({ root: dir, externalVariables: ['CLUSTER_NAME'], externalKustomizations: ['flux-system/external-secrets-stores', 'flux-system/cert-manager'] });
    expect(r.problems.map((p) => `${p.path}:${p.line}: ${p.message}`)).toEqual([]);
  }, 60_000);

  it('a cluster without them renders no extensions and no preload list', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2 });
    const pg = doc(dir, 'cluster.yaml').spec.postgresql;
    expect(pg.extensions).toBeUndefined();
    expect(pg.shared_preload_libraries).toBeUndefined();
  });
});

describe('extension refusals, one line naming the answer', () => {
  it('an image the table does not know', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { imageName: MINIMAL_BOOKWORM, imageVolumeExtensions: ['timescaledb'] }), 'imageVolumeExtensions', /not in the tool's table/);
  });
  it('no image for that PostgreSQL major and OS', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { imageName: 'ghcr.io/cloudnative-pg/postgresql:18.3-minimal-trixie', imageVolumeExtensions: ['pgvector', 'vchord'] }), 'imageVolumeExtensions', /no image for PostgreSQL 18 on trixie/);
  });
  it('PostgreSQL before 18 (no extension_control_path)', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { imageName: 'ghcr.io/cloudnative-pg/postgresql:17.5-minimal-bookworm', imageVolumeExtensions: ['pgvector'] }), 'imageVolumeExtensions', /PostgreSQL 18 or later/);
  });
  it('an extension the image has already, whose own copy PostgreSQL would find first', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { imageName: 'ghcr.io/cloudnative-pg/postgresql:18.3-standard-bookworm', imageVolumeExtensions: ['pgvector'] }), 'imageVolumeExtensions', /has vector already/);
  });
  it('vchord without vector anywhere', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { imageName: MINIMAL_BOOKWORM, imageVolumeExtensions: ['vchord'] }), 'imageVolumeExtensions', /needs the vector extension/);
  });
  it('an app creating vchord before vector, or an extension nothing mounts', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, imageName: MINIMAL_BOOKWORM, imageVolumeExtensions: ['pgvector', 'vchord'] });
    await refused(dir, () => newApp(ctxFor(dir), { name: 'immich', extensions: ['vchord', 'vector'] }), 'extensions', /needs vector listed before it/);
    await refused(dir, () => newApp(ctxFor(dir), { name: 'maps', extensions: ['postgis'] }), 'extensions', /not offered/);
  });
  it('shared_preload_libraries as a parameter', async () => {
    const dir = tempRepo();
    await refused(dir, cluster(dir, { parameters: { shared_preload_libraries: 'vchord' } }), 'parameters.shared_preload_libraries', /spec.postgresql.shared_preload_libraries/);
  });
});

describe('pod anti-affinity', () => {
  it('antiAffinityTopologyKey spreads the instances across that node label; unset leaves CNPG\'s default', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { backupEndpoint: R2, antiAffinityTopologyKey: 'topology.kubernetes.io/zone' });
    expect(doc(dir, 'cluster.yaml').spec.affinity).toEqual({ enablePodAntiAffinity: true, topologyKey: 'topology.kubernetes.io/zone' });
    const plain = tempRepo();
    await newCluster(ctxFor(plain), { backupEndpoint: R2 });
    expect(doc(plain, 'cluster.yaml').spec.affinity).toBeUndefined();
    await refused(plain, cluster(plain, { antiAffinityTopologyKey: 'not a label' }), 'antiAffinityTopologyKey', /./);
  });
});

describe('under delivery argocd', () => {
  it('extension images and a topology key are refused: the wrapper chart\'s Cluster template carries neither', async () => {
    const argocd = { delivery: 'argocd', argocdRepoURL: 'https://git.example.net/ops.git', appLayout: 'explicit' };
    const dir = tempRepo();
    await refused(dir, cluster(dir, { ...argocd, imageName: MINIMAL_BOOKWORM, imageVolumeExtensions: ['pgvector'] }), 'imageVolumeExtensions', /requires delivery flux/);
    await refused(dir, cluster(dir, { ...argocd, antiAffinityTopologyKey: 'kubernetes.io/hostname' }), 'antiAffinityTopologyKey', /requires delivery flux/);
  });
});
