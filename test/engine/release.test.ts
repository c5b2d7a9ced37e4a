import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { upgrade } from '../../src/commands/upgrade.js';
import { isCanonicalRecord, recordPaths } from '../../src/records.js';
import { supportProblems } from '../../src/support.js';
import { ALLOWED_COMMANDS, regenCommand, renovateAdmin, renovatePreset } from '../../src/renovate.js';
import { PLUGIN_RELEASES, newestOperator } from '../../src/versions.js';
import { R2, ROOT, ctxFor, expectRefused, snapshot, tempRepo } from '../helpers.js';

const NEWEST = newestOperator();
/** A release newer than the table, as Renovate would move a repository to it. */
const BEYOND = { chartVersion: '0.29.9', operatorVersion: '1.30.9', operatorDefaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.9-system-trixie' };
const quiet = (dir: string, over = {}) => ctxFor(dir, { warn: () => {}, ...over });
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

describe('releases beyond the table (schema/release.ts)', () => {
  it('a chart in the table fills operatorVersion, operatorDefaultImage and pluginVersion into the record', async () => {
    const dir = tempRepo();
    await newCluster(quiet(dir), { backupEndpoint: R2 });
    const repo = read(dir, recordPaths.repo);
    expect(repo).toContain(`  chartVersion: ${NEWEST.chart}\n  # renovate: datasource=docker depName=ghcr.io/cloudnative-pg/cloudnative-pg\n  operatorVersion: ${NEWEST.operator}\n  operatorDefaultImage: ${NEWEST.defaultImage}\n`);
    expect(repo).toContain(`  pluginVersion: ${PLUGIN_RELEASES[0]!.plugin}\n`);
  });

  it('a chart in the table with another operatorVersion is refused, naming both', async () => {
    const dir = tempRepo();
    await expectRefused(dir, () => newCluster(quiet(dir), { backupEndpoint: R2, chartVersion: NEWEST.chart, operatorVersion: '1.30.9' }), 'operatorVersion', `operatorVersion: chartVersion ${NEWEST.chart} installs ${NEWEST.operator} (the release table): leave operatorVersion out or set it to ${NEWEST.operator} (got "1.30.9")`);
    await expectRefused(dir, () => newCluster(quiet(dir), { backupEndpoint: R2, pluginChartVersion: '0.7.1', pluginVersion: 'v0.13.0' }), 'pluginVersion', /pluginChartVersion 0\.7\.1 installs v0\.14\.0/);
  });

  it('a chart beyond the table is refused without what it installs, one line naming the missing answers', async () => {
    const dir = tempRepo();
    await expectRefused(dir, () => newCluster(quiet(dir), { backupEndpoint: R2, chartVersion: '0.29.9' }), 'chartVersion', /^chartVersion: 0\.29\.9 is not in this tool's release table \(.*\): give operatorVersion and operatorDefaultImage too, what that chart installs, or pick a chart from the table \(got "0\.29\.9"\)$/);
    await expectRefused(dir, () => newCluster(quiet(dir), { backupEndpoint: R2, chartVersion: '0.29.9', operatorVersion: '1.30.9' }), 'chartVersion', /give operatorDefaultImage too/);
    await expectRefused(dir, () => newCluster(quiet(dir), { backupEndpoint: R2, pluginChartVersion: '0.7.9' }), 'pluginChartVersion', /give pluginVersion too/);
  });

  it('a chart beyond the table is accepted with them: rendered from the answers, the support status judged by its operator', async () => {
    const dir = tempRepo();
    await newCluster(quiet(dir), { backupEndpoint: R2, ...BEYOND, pluginChartVersion: '0.7.9', pluginVersion: 'v0.14.9' });
    const tree = snapshot(dir);
    const ocirepos = Object.entries(tree).filter(([p]) => p.endsWith('ocirepository.yaml'));
    expect(ocirepos.map(([, t]) => /tag: "?([^"\s]+)/.exec(t)?.[1]).sort()).toEqual(['0.29.9', '0.7.9']);
    // A new cluster defaults to the given operator's default image, standard flavour.
    expect(read(dir, recordPaths.cluster('postgres'))).toContain('imageName: ghcr.io/cloudnative-pg/postgresql:18.9-standard-trixie');
    // DatabaseRole follows from the operator version (1.30 and later).
    await newApp(quiet(dir), { name: 'wiki', namespace: 'wiki' });
    expect(Object.keys(snapshot(dir)).some((p) => p.endsWith('wiki/databaserole.yaml'))).toBe(true);
    expect(await regen(quiet(dir), { check: true })).toBe(0);
    // upgrade has nowhere to go from a chart past every row.
    const before = snapshot(dir);
    expect(await upgrade(quiet(dir), {})).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    // A newer chart on an end-of-life operator still warns, by the operator it gives.
    expect(supportProblems({ chartVersion: '0.26.9', operatorVersion: '1.27.9' }, new Date('2026-12-01T12:00:00Z'))[0]).toMatch(/^chartVersion 0\.26\.9: operator 1\.27 reached end of life on 2026-03-09/);
  });

  it('a record Renovate moved to a chart in the table without its operator fails regen with the line naming both', async () => {
    const dir = tempRepo();
    await newCluster(quiet(dir), { backupEndpoint: R2, chartVersion: '0.28.2' });
    const path = join(dir, recordPaths.repo);
    writeFileSync(path, readFileSync(path, 'utf8').replace('chartVersion: 0.28.2', 'chartVersion: 0.29.0'));
    await expectRefused(dir, () => regen(quiet(dir), { check: false }), `${recordPaths.repo}: operatorVersion`, /chartVersion 0\.29\.0 installs 1\.30\.0 \(the release table\): leave operatorVersion out or set it to 1\.30\.0 \(got "1\.29\.1"\)/);
  });
});

describe('the records keep their Renovate comments', () => {
  it('a record with its comments is canonical; a comment of the user\'s is not', async () => {
    const dir = tempRepo();
    await newCluster(quiet(dir), { backupEndpoint: R2 });
    const text = read(dir, recordPaths.repo);
    expect(text).toMatch(/^ {2}# renovate: datasource=docker depName=ghcr\.io\/cloudnative-pg\/charts\/cloudnative-pg\n {2}chartVersion: /m);
    expect(isCanonicalRecord(text, text, recordPaths.repo)).toBe(true);
    expect(isCanonicalRecord(text.replace('  chartVersion:', '  # pinned for the audit\n  chartVersion:'), text, recordPaths.repo)).toBe(false);
    expect(isCanonicalRecord(text.replace(/^ {2}# renovate: .*\n/m, ''), text, recordPaths.repo)).toBe(false);
  });
});

describe('the Renovate preset shipped in the package', () => {
  it('renovate/cnpg-scaffold.json and renovate/admin.json are what src/renovate.ts says, and package.json ships them', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'renovate', 'cnpg-scaffold.json'), 'utf8'))).toEqual(renovatePreset());
    expect(JSON.parse(readFileSync(join(ROOT, 'renovate', 'admin.json'), 'utf8'))).toEqual(renovateAdmin());
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).files).toContain('renovate');
  });

  it('the regen command runs the tool as the CI job does, and allowedCommands admits exactly it', () => {
    const allowed = new RegExp(ALLOWED_COMMANDS[0]!);
    expect(regenCommand(undefined)).toBe(`npx --yes --package "cnpg-scaffold@$(node -p "require('./.cnpg/manifest.json').version")" cnpg-scaffold regen --dest .`);
    expect(regenCommand('./tools/cnpg-scaffold.tgz')).toBe('npx --yes --package ./tools/cnpg-scaffold.tgz cnpg-scaffold regen --dest .');
    for (const spec of [undefined, './tools/cnpg-scaffold.tgz', 'git+https://git.example.com/org/cnpg-scaffold.git#0123abc', 'https://host.example.com/~team/cnpg-scaffold-0.1.0.tgz']) expect(allowed.test(regenCommand(spec))).toBe(true);
    expect(allowed.test('npx --yes --package x;rm cnpg-scaffold regen --dest .')).toBe(false);
    expect(allowed.test('npx --yes --package x cnpg-scaffold regen --dest . && curl evil')).toBe(false);
  });

  it('new-cluster writes renovate.json5 once with the recorded toolPackage; then it is the user\'s', async () => {
    const dir = tempRepo();
    await newCluster(quiet(dir), { backupEndpoint: R2, toolPackage: './tools/cnpg-scaffold.tgz' });
    const text = read(dir, 'renovate.json5');
    expect(text).toContain('"npx --yes --package ./tools/cnpg-scaffold.tgz cnpg-scaffold regen --dest ."');
    writeFileSync(join(dir, 'renovate.json5'), '{}\n');
    expect(await regen(quiet(dir), { check: true })).toBe(0);
    const none = tempRepo();
    await newCluster(quiet(none), { backupEndpoint: R2, renovateConfig: '' });
    expect(Object.keys(snapshot(none))).not.toContain('renovate.json5');
  });
});

describe('extension images are pins (the cluster answer extensionImages)', () => {
  const base = { backupEndpoint: R2, imageName: 'ghcr.io/cloudnative-pg/postgresql:18.4-minimal-trixie', imageVolumeExtensions: 'pgvector' };

  it('filled from the table under a renovate comment; a moved tag is rendered with its SQL version', async () => {
    const dir = tempRepo();
    await newCluster(quiet(dir), base);
    expect(read(dir, recordPaths.cluster('postgres'))).toContain('  extensionImages:\n    # renovate: datasource=docker depName=ghcr.io/cloudnative-pg/pgvector\n    pgvector: ghcr.io/cloudnative-pg/pgvector:0.8.6-18-trixie\n');
    const moved = tempRepo();
    await newCluster(quiet(moved), { ...base, extensionImages: { pgvector: 'ghcr.io/cloudnative-pg/pgvector:0.8.7-18-trixie' } });
    await newApp(quiet(moved), { name: 'ai', namespace: 'ai', extensions: 'vector' });
    const tree = snapshot(moved);
    expect(Object.values(tree).some((t) => t.includes('reference: ghcr.io/cloudnative-pg/pgvector:0.8.7-18-trixie'))).toBe(true);
    expect(Object.entries(tree).find(([p]) => p.endsWith('ai/database.yaml'))?.[1]).toContain('version: "0.8.7"');
  });

  it('refused: another repository, another major or OS, an image for an extension not mounted', async () => {
    const dir = tempRepo();
    await expectRefused(dir, () => newCluster(quiet(dir), { ...base, extensionImages: { pgvector: 'docker.io/pgvector/pgvector:0.8.7-18-trixie' } }), 'extensionImages', /must come from ghcr\.io\/cloudnative-pg\/pgvector/);
    await expectRefused(dir, () => newCluster(quiet(dir), { ...base, extensionImages: { pgvector: 'ghcr.io/cloudnative-pg/pgvector:0.8.7-17-trixie' } }), 'extensionImages', /tag must be like 0\.8\.6-18-trixie/);
    await expectRefused(dir, () => newCluster(quiet(dir), { ...base, extensionImages: { postgis: 'ghcr.io/cloudnative-pg/postgis-extension:3.6.4-18-trixie' } }), 'extensionImages', /"postgis" is not in imageVolumeExtensions/);
  });
});
