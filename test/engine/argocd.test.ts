import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { loadProfile } from '../../src/profiles.js';
import { ARGOCD_REPO } from '../e2e/support/argocd-tree.js';
import { ctxFor, snapshot, tempRepo } from '../helpers.js';

const CHART = 'apps/cluster/cloudnative-pg/Chart.yaml';
const chartVersion = (dir: string) => parse(readFileSync(join(dir, CHART), 'utf8')).version as string;
const recorded = (dir: string) => parse(readFileSync(join(dir, '.cnpg/answers/repo.yaml'), 'utf8')).answers as Record<string, unknown>;
const check = async (dir: string) => {
  const ctx = ctxFor(dir);
  const code = await regen(ctx, { check: true });
  return { code, out: ctx.lines.join('\n') };
};

async function refusal(run: () => Promise<unknown>): Promise<string> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e as Error & { exitCode?: number },
  );
  expect(error, 'accepted').toBeDefined();
  expect(error!.exitCode, error!.message).toBe(2);
  return error!.message;
}

describe('delivery argocd', () => {
  it('the wrapper chart\'s version moves once per change of its files, and regen finds nothing to do in between', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { ...(await loadProfile('argocd-wrapper-chart')), ...ARGOCD_REPO });
    expect(chartVersion(dir)).toBe('0.1.0');
    expect(recorded(dir).wrapperChartDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect((await check(dir)).code).toBe(0);

    await newApp(ctxFor(dir), { name: 'harbor', namespace: 'apps', provisioning: 'declarative', backups: false });
    expect(chartVersion(dir)).toBe('0.1.1');
    expect(recorded(dir).wrapperChartVersion).toBe('0.1.1');
    const after = snapshot(dir);
    expect((await check(dir)).code).toBe(0);
    const ctx = ctxFor(dir);
    await regen(ctx, { check: false });
    expect(snapshot(dir)).toEqual(after);

    // An answer that changes nothing in the chart (podLabel: no network policies here) leaves the version alone.
    const app = join(dir, '.cnpg/answers/apps/harbor.yaml');
    writeFileSync(app, readFileSync(app, 'utf8').replace('podLabel: harbor', 'podLabel: harbor-core'));
    await regen(ctxFor(dir), { check: false });
    expect(readFileSync(app, 'utf8')).toMatch(/podLabel: harbor-core/);
    expect(chartVersion(dir)).toBe('0.1.1');
    await newApp(ctxFor(dir), { name: 'gitea', namespace: 'apps', provisioning: 'declarative', backups: false });
    expect(chartVersion(dir)).toBe('0.1.2');
    expect((await check(dir)).code).toBe(0);
  });

  it('a hand edit of the chart is drift like any owned file; regen puts it back without a bump', async () => {
    const dir = tempRepo();
    await newCluster(ctxFor(dir), { ...(await loadProfile('argocd-wrapper-chart')), ...ARGOCD_REPO });
    const values = join(dir, 'apps/cluster/cloudnative-pg/values.yaml');
    const text = readFileSync(values, 'utf8');
    writeFileSync(values, text.replace('instances: 2', 'instances: 3'));
    const drift = await check(dir);
    expect(drift.code).toBe(1);
    expect(drift.out).toMatch(/values\.yaml/);
    await regen(ctxFor(dir, { force: true }), { check: false });
    expect(readFileSync(values, 'utf8')).toBe(text);
    expect(chartVersion(dir)).toBe('0.1.0');
  });

  it('refuses answers that do not fit the delivery, naming both', async () => {
    const profile = { ...(await loadProfile('argocd-wrapper-chart')), ...ARGOCD_REPO };
    expect(await refusal(() => newCluster(ctxFor(tempRepo()), { argocdProject: 'platform' }))).toBe('argocdProject: requires delivery argocd (delivery is flux) (got "platform")');
    expect(await refusal(() => newCluster(ctxFor(tempRepo()), { ...profile, appLayout: 'component' }))).toMatch(/^appLayout: component requires delivery flux \(delivery is argocd\)/);
    const { argocdRepoURL: _, ...noRepo } = profile;
    expect(await refusal(() => newCluster(ctxFor(tempRepo()), noRepo))).toMatch(/^argocdRepoURL: is required for delivery argocd/);
    expect(await refusal(() => newCluster(ctxFor(tempRepo()), { ...profile, backupMethod: 'barmanObjectStore' }))).toMatch(/^backupMethod: barmanObjectStore requires delivery flux \(delivery is argocd\)/);
    expect(await refusal(() => newCluster(ctxFor(tempRepo()), { ...profile, psqlImage: 'dhi.io/postgres:18@sha256:abc' }))).toMatch(/^psqlImage: must end its digest as @sha256/);
    expect(await refusal(() => newCluster(ctxFor(tempRepo()), { ...profile, psqlImage: 'dhi.io/postgres:14.9-debian12' }))).toMatch(
      /^psqlImage: the init-roles hook needs psql 15 or newer \(\\getenv\); dhi\.io\/postgres:14\.9-debian12 is PostgreSQL 14/,
    );
    // Found by test/property/argocd.test.ts: Flux's ${CLUSTER_NAME} default stayed literal in the bucket name.
    expect(await refusal(() => newCluster(ctxFor(tempRepo()), { ...profile, backupDestinationPath: 's3://cnpg-${CLUSTER_NAME}/' }))).toMatch(
      /^backupDestinationPath: holds a \$\{\.\.\.\} reference, but delivery argocd substitutes no variables/,
    );
    const { backupDestinationPath: _p, ...noPath } = profile;
    const byDefault = tempRepo();
    await newCluster(ctxFor(byDefault), noPath);
    expect(readFileSync(join(byDefault, '.cnpg/answers/clusters/cnpg-main.yaml'), 'utf8')).toMatch(/backupDestinationPath: s3:\/\/cnpg-cnpg-main\/\n/);
    const dir = tempRepo();
    await newCluster(ctxFor(dir), profile);
    expect(await refusal(() => newCluster(ctxFor(dir), { clusterName: 'second', clusterDir: 'second', backups: false }))).toMatch(/^clusterName: delivery argocd keeps one cluster in its wrapper chart \(cnpg-main is recorded\)/);
    expect(await refusal(() => newApp(ctxFor(dir), { name: 'wiki', namespace: 'apps', appLayout: 'component' }))).toMatch(/^appLayout: component requires delivery flux \(delivery is argocd\)/);
  });
});
