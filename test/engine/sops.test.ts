import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'prettier';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { validateTree } from '../../src/validate/index.js';
import { R2, ctxFor, snapshot, tempRepo, expectRefused as refused } from '../helpers.js';
import { loadProfile } from '../../src/profiles.js';

/**
 * No `sops` binary installs here, so the stubs are checked by structure: for the same answers, every
 * Secret External Secrets would make is a stub Secret with the same keys, no value that holds a
 * secret, matched by .sops.yaml's rule and applied by a Kustomization that decrypts.
 */
const AGE = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const SECRET_KEYS = new Set(['password', 'uri', 'jdbc-uri', 'ACCESS_KEY_ID', 'SECRET_ACCESS_KEY', 'INIT_POSTGRES_PASS', 'INIT_POSTGRES_SUPER_PASS']);

async function build(sops: boolean) {
  const dir = tempRepo();
  const repo = sops ? { secretSource: 'sops', sopsAgeRecipient: AGE } : {};
  await newCluster(ctxFor(dir), { backupEndpoint: R2, appLayout: 'explicit', ...repo });
  await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs' });
  await newApp(ctxFor(dir), { name: 'auth', namespace: 'security', provisioning: 'init-container' });
  return dir;
}

type Doc = { kind: string; metadata: { name: string }; spec?: Record<string, any>; stringData?: Record<string, unknown>; type?: string };
function docs(dir: string): { path: string; doc: Doc }[] {
  return Object.entries(snapshot(dir))
    .filter(([p]) => p.endsWith('.yaml') && !p.startsWith('.cnpg/') && p !== '.sops.yaml')
    .flatMap(([path, text]) => parseAllDocuments(text).map((d) => ({ path, doc: d.toJS() as Doc })).filter((x) => x.doc));
}

/** The keys an ExternalSecret's target Secret gets: its template's, else its data's. */
const esKeys = (d: Doc) => Object.keys(d.spec!.target.template?.data ?? {}).concat(d.spec!.target.template?.data ? [] : d.spec!.data.map((x: { secretKey: string }) => x.secretKey)).sort();

const problems = async (dir: string) =>
  (await validateTree({ root: dir, externalVariables: ['CLUSTER_NAME'], externalKustomizations: ['flux-system/cert-manager', 'flux-system/sops-age'] })).problems.map(
    (p) => `${p.path}:${p.line}: ${p.message}`,
  );

describe('secretSource sops', () => {
  it('every Secret External Secrets would make is a stub with the same keys and no secret value', async () => {
    const es = docs(await build(false)).filter((x) => x.doc.kind === 'ExternalSecret');
    const dir = await build(true);
    const all = docs(dir);
    expect(all.filter((x) => x.doc.kind === 'ExternalSecret')).toEqual([]);
    const stubs = all.filter((x) => x.doc.kind === 'Secret');
    expect(stubs.map((x) => x.doc.metadata.name).sort()).toEqual(es.map((x) => x.doc.spec!.target.name).sort());
    for (const { path, doc } of stubs) {
      const twin = es.find((x) => x.doc.spec!.target.name === doc.metadata.name)!;
      expect(path.endsWith(`/${doc.metadata.name}.sops.yaml`), path).toBe(true);
      expect(Object.keys(doc.stringData!).sort(), doc.metadata.name).toEqual(esKeys(twin.doc));
      for (const [k, v] of Object.entries(doc.stringData!)) {
        expect(typeof v, `${path} ${k}`).toBe('string');
        if (SECRET_KEYS.has(k)) expect(v, `${path} ${k}`).toBe('');
      }
      if (twin.doc.spec!.target.template?.type) expect(doc.type).toBe(twin.doc.spec!.target.template.type);
    }
  }, 60_000);

  it('.sops.yaml encrypts data and stringData of every stub to the recipient', async () => {
    const dir = await build(true);
    const config = parse(readFileSync(join(dir, '.sops.yaml'), 'utf8'));
    expect(config.creation_rules).toHaveLength(1);
    const [rule] = config.creation_rules;
    expect(rule.encrypted_regex).toBe('^(data|stringData)$');
    expect(rule.age).toBe(AGE);
    const stubs = docs(dir).filter((x) => x.doc.kind === 'Secret');
    expect(stubs.length).toBeGreaterThan(0);
    for (const { path } of stubs) expect(new RegExp(rule.path_regex).test(path), path).toBe(true);
    for (const { path } of docs(dir).filter((x) => x.doc.kind !== 'Secret')) expect(new RegExp(rule.path_regex).test(path), path).toBe(false);
  }, 30_000);

  it('each Kustomization that applies a stub decrypts with the secretRef answer; no secret store is needed', async () => {
    const dir = await build(true);
    const ks = docs(dir).filter((x) => x.doc.kind === 'Kustomization' && x.doc.spec?.sourceRef);
    const stubDirs = docs(dir).filter((x) => x.doc.kind === 'Secret').map((x) => x.path);
    expect(ks.length).toBeGreaterThan(3);
    for (const { doc } of ks) {
      const path = String(doc.spec!.path).replace(/^\.\//, '');
      const applies = stubDirs.some((p) => p.startsWith(`${path}/`));
      expect(doc.spec!.decryption ?? null, doc.metadata.name).toEqual(applies ? { provider: 'sops', secretRef: { name: 'sops-age' } } : null);
      expect((doc.spec!.dependsOn ?? []).map((d: { name: string }) => d.name)).not.toContain('external-secrets-stores');
    }
    expect(ks.filter((x) => x.doc.spec!.decryption).map((x) => x.doc.metadata.name).sort()).toEqual(['auth', 'cloudnative-pg-cluster', 'wiki']);
    expect(await problems(dir)).toEqual([]);
  }, 60_000);

  it('a stub filled and encrypted by the user stays theirs: regen --check is clean, validate reads it', async () => {
    const dir = await build(true);
    const file = join(dir, 'kubernetes/apps/databases/cloudnative-pg/cluster/postgres-superuser-secret.sops.yaml');
    // What `sops --encrypt` leaves (shape only): values replaced, a sops metadata key added.
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: postgres-superuser-secret\ntype: kubernetes.io/basic-auth\nstringData:\n  username: ENC[AES256_GCM,data:cG9z,iv:aXY=,tag:dGFn,type:str]\n  password: ENC[AES256_GCM,data:c2Vj,iv:aXY=,tag:dGFn,type:str]\nsops:\n  age:\n    - recipient: ' +
        AGE +
        '\n  encrypted_regex: ^(data|stringData)$\n  version: 3.9.0\n',
    );
    expect(await regen(ctxFor(dir), { check: true })).toBe(0);
    await regen(ctxFor(dir), {});
    expect(readFileSync(file, 'utf8')).toMatch(/ENC\[AES256_GCM/);
    expect(await problems(dir)).toEqual([]);
  }, 60_000);
});

describe('formatted as prettier prints (the tool runs no formatter)', () => {
  it('stubs, .sops.yaml and decrypting Kustomizations; a restore with extension images', async () => {
    const sops = await build(true);
    const other = tempRepo();
    await newCluster(ctxFor(other), {
      backupEndpoint: R2,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:18.3-minimal-bookworm',
      imageVolumeExtensions: ['pgvector', 'postgis', 'vchord'],
      restoreFrom: 'postgres',
      restoreTargetTime: '2026-01-06T12:00:00Z',
      antiAffinityTopologyKey: 'kubernetes.io/hostname',
    });
    await newApp(ctxFor(other), { name: 'immich', extensions: ['vector', 'vchord', 'postgis'] });
    const changed: string[] = [];
    for (const dir of [sops, other])
      for (const [path, text] of Object.entries(snapshot(dir)))
        if (/\.ya?ml$/.test(path) && !path.startsWith('.cnpg/') && (await format(text, { parser: 'yaml', printWidth: 120, proseWrap: 'preserve' })) !== text) changed.push(path);
    expect(changed).toEqual([]);
  }, 60_000);
});

describe('SOPS with per-app clusters (seed 002\'s profile)', () => {
  it('each app\'s cluster gets its own stubs, decrypted by the app\'s Kustomization; validate and regen --check are clean', async () => {
    const dir = tempRepo();
    mkdirSync(join(dir, 'clusters/um890'), { recursive: true });
    writeFileSync(join(dir, 'clusters/um890/kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
    await newCluster(ctxFor(dir), { ...(await loadProfile('flux-per-app-helmrepository')), secretSource: 'sops', sopsAgeRecipient: AGE });
    const app = ctxFor(dir);
    await newApp(app, { name: 'temporal', namespace: 'temporal', backups: false });
    const all = docs(dir);
    expect(all.filter((x) => x.doc.kind === 'ExternalSecret')).toEqual([]);
    expect(all.filter((x) => x.doc.kind === 'Secret').map((x) => x.path).sort()).toEqual(
      ['minio-backup-credentials', 'temporal-pguser-secret', 'temporal-postgres-credentials', 'temporal-postgres-superuser-secret'].map((n) => `clusters/um890/temporal/${n}.sops.yaml`),
    );
    const ks = all.filter((x) => x.doc.kind === 'Kustomization' && x.doc.spec?.decryption).map((x) => x.doc.metadata.name);
    expect(ks).toEqual(['temporal']);
    expect(app.lines.join('\n')).toMatch(/fill in temporal-postgres-superuser-secret\.sops\.yaml, minio-backup-credentials\.sops\.yaml, temporal-postgres-credentials\.sops\.yaml, temporal-pguser-secret\.sops\.yaml/);
    expect(await problems(dir)).toEqual([]);
    expect(await regen(ctxFor(dir), { check: true })).toBe(0);
  }, 60_000);
});

describe('next steps under SOPS', () => {
  it('name the stubs to fill and encrypt, and the key Flux decrypts with, instead of secret-store items', async () => {
    const dir = tempRepo();
    const cluster = ctxFor(dir);
    await newCluster(cluster, { backupEndpoint: R2, secretSource: 'sops', sopsAgeRecipient: AGE, appLayout: 'explicit' });
    const steps = cluster.lines.join('\n');
    expect(steps).toMatch(/1\. fill in postgres-superuser-secret\.sops\.yaml, cnpg-r2-credentials\.sops\.yaml and encrypt each: sops --encrypt --in-place <file>; Flux decrypts with Secret sops-age in flux-system/);
    expect(steps).not.toMatch(/secret store/);
    const app = ctxFor(dir);
    await newApp(app, { name: 'wiki' });
    expect(app.lines.join('\n')).toMatch(/1\. fill in wiki-pg-role\.sops\.yaml, wiki-pguser-secret\.sops\.yaml \(the role's password the same wherever it appears\)/);
  });
});

describe('sops refusals', () => {
  it('the component layout, for the repository or one app', async () => {
    const dir = tempRepo();
    await refused(dir, () => newCluster(ctxFor(dir), { backupEndpoint: R2, secretSource: 'sops', sopsAgeRecipient: AGE }), 'appLayout', /requires secretSource external-secrets/);
    await newCluster(ctxFor(dir), { backupEndpoint: R2, secretSource: 'sops', sopsAgeRecipient: AGE, appLayout: 'explicit' });
    await refused(dir, () => newApp(ctxFor(dir), { name: 'wiki', appLayout: 'component' }), 'appLayout', /requires secretSource external-secrets/);
  });
  it('delivery argocd, which applies files as they are', async () => {
    const dir = tempRepo();
    await refused(
      dir,
      () => newCluster(ctxFor(dir), { backupEndpoint: R2, delivery: 'argocd', argocdRepoURL: 'https://git.example.net/ops.git', secretSource: 'sops', sopsAgeRecipient: AGE, appLayout: 'explicit' }),
      'secretSource',
      /requires delivery flux/,
    );
  });
  it('no recipient, a malformed one, or an age secret key (never echoed)', async () => {
    const dir = tempRepo();
    const base = { backupEndpoint: R2, secretSource: 'sops', appLayout: 'explicit' };
    await refused(dir, () => newCluster(ctxFor(dir), base), 'sopsAgeRecipient', /is required with secretSource sops/);
    await refused(dir, () => newCluster(ctxFor(dir), { ...base, sopsAgeRecipient: 'age1short' }), 'sopsAgeRecipient', /age public key/);
    const key = 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ';
    const message = await refused(dir, () => newCluster(ctxFor(dir), { ...base, sopsAgeRecipient: key }), 'sopsAgeRecipient', /an age secret key/);
    expect(message).not.toContain(key);
  });
});
