import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { regen } from '../src/commands/regen.js';
import { operatorRelease, pluginRelease } from '../src/versions.js';
import { EXAMPLE, ctxFor, tempRepo } from './helpers.js';

/** The example's pins before `upgrade` moved it (chart 0.27.1: operator 1.28.1, end of life). */
export const EXAMPLE_BEFORE = { chart: '0.27.1', plugin: '0.7.0', image: 'ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie' };

/**
 * A copy of the example with its recorded pins set back (the records only, as a user's older
 * answers): regen then writes the tree those answers give, which is what the example was.
 */
export async function examplePinnedTo({ chart, plugin, image } = EXAMPLE_BEFORE): Promise<string> {
  const dir = tempRepo();
  cpSync(EXAMPLE, dir, { recursive: true });
  const repo = join(dir, '.cnpg/answers/repo.yaml');
  // A row moves as one: the chart and what it installs (a contradicting operatorVersion is refused).
  const row = operatorRelease(chart)!;
  const pluginRow = pluginRelease(plugin)!;
  const set: [string, string][] = [
    ['chartVersion', chart],
    ['operatorVersion', row.operator],
    ['operatorDefaultImage', row.defaultImage],
    ['pluginChartVersion', plugin],
    ['pluginVersion', pluginRow.plugin],
  ];
  writeFileSync(repo, set.reduce((text, [key, value]) => text.replace(new RegExp(`^(\\s+${key}): \\S+$`, 'm'), `$1: ${value}`), readFileSync(repo, 'utf8')));
  const cluster = join(dir, '.cnpg/answers/clusters/postgres.yaml');
  writeFileSync(cluster, readFileSync(cluster, 'utf8').replace(/imageName: \S+/, `imageName: ${image}`));
  expect(await regen(ctxFor(dir, { warn: () => {} }), { check: false })).toBe(0);
  return dir;
}
