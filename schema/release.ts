import * as z from 'zod';
import type { Field } from './fields.js';
import { imageRef } from './rules.js';
import type { RepoCtx } from './repo.js';
import { OPERATOR_RELEASES, PLUGIN_RELEASES, newestOperator, newestPlugin, operatorRelease, pluginRelease } from '../src/versions.js';

/**
 * What a chart version installs, recorded beside it: the operator version and its default
 * PostgreSQL image for the `cloudnative-pg` chart, the plugin version for `plugin-barman-cloud`.
 * For a chart in the release table (src/versions.ts) they are the table's, filled in and checked;
 * for a newer chart (Renovate moved the pin, or the user gave one) they are the answers' own, so
 * the repository is not held to the releases this package knew when it was published.
 */

/** A chart in the table needs nothing more; otherwise the recorded value, while the recorded chart is the same one. */
const fromTableOr =
  (key: 'operatorVersion' | 'operatorDefaultImage' | 'pluginVersion', table: (a: Record<string, unknown>) => string | undefined, chartKey: 'chartVersion' | 'pluginChartVersion') =>
  (a: Record<string, unknown>, ctx: RepoCtx): unknown =>
    table(a) ?? (ctx.recorded && ctx.recorded[chartKey] === a[chartKey] ? ctx.recorded[key] : undefined);

const operatorRow = (a: Record<string, unknown>) => operatorRelease(String(a.chartVersion));
const pluginRow = (a: Record<string, unknown>) => pluginRelease(String(a.pluginChartVersion));

/** Asked only for a chart beyond the table (after chartVersion and pluginChartVersion in repoFields). */
export const releaseFields: readonly Field<RepoCtx>[] = [
  {
    name: 'operatorVersion',
    kind: 'string',
    message: 'Operator version that chart installs (its appVersion; filled from the release table for a chart in it)',
    default: fromTableOr('operatorVersion', (a) => operatorRow(a)?.operator, 'chartVersion'),
    when: (a) => !operatorRow(a),
  },
  {
    name: 'operatorDefaultImage',
    kind: 'string',
    message: "That operator's default PostgreSQL image (pkg/versions DefaultImageName; filled from the release table for a chart in it)",
    default: fromTableOr('operatorDefaultImage', (a) => operatorRow(a)?.defaultImage, 'chartVersion'),
    when: (a) => !operatorRow(a),
  },
  {
    name: 'pluginVersion',
    kind: 'string',
    message: 'Barman Cloud plugin version that plugin chart installs (v0.14.0; filled from the release table for a chart in it)',
    default: fromTableOr('pluginVersion', (a) => pluginRow(a)?.plugin, 'pluginChartVersion'),
    when: (a) => !pluginRow(a),
  },
];

const chartVersion = (newest: string) => z.string({ message: `must be a chart version such as ${newest}` }).regex(/^\d+\.\d+\.\d+$/, `must be a chart version such as ${newest}`);

/** Spread into repoSchema where chartVersion stood: its keys in this order are the record's. */
export const releaseShape = {
  chartVersion: chartVersion(newestOperator().chart),
  operatorVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be an operator version such as 1.30.0').optional(),
  operatorDefaultImage: imageRef.optional(),
  pluginChartVersion: chartVersion(newestPlugin().chart),
  pluginVersion: z.string().regex(/^v\d+\.\d+\.\d+$/, 'must be a plugin version such as v0.14.0').optional(),
};

interface ReleaseAnswers {
  chartVersion: string;
  operatorVersion?: string | undefined;
  operatorDefaultImage?: string | undefined;
  pluginChartVersion: string;
  pluginVersion?: string | undefined;
}

/**
 * A chart in the table: a given operatorVersion, operatorDefaultImage or pluginVersion must be the
 * table's (the message names both). A chart beyond it: those answers are needed, one line naming
 * the missing ones. False when the release is unknown, so rules that read it are skipped.
 */
export function refineRelease(r: ReleaseAnswers, issue: z.RefinementCtx): boolean {
  let known = true;
  const contradicts = (field: keyof ReleaseAnswers, chartField: string, chart: string, table: string) => {
    const given = r[field];
    if (given !== undefined && given !== table)
      issue.addIssue({ code: 'custom', path: [field], input: given, message: `${chartField} ${chart} installs ${table} (the release table): leave ${field} out or set it to ${table}` });
  };
  const beyond = (chartField: 'chartVersion' | 'pluginChartVersion', table: readonly { chart: string }[], fields: (keyof ReleaseAnswers)[]) => {
    const missing = fields.filter((f) => r[f] === undefined);
    if (!missing.length) return;
    known = false;
    issue.addIssue({
      code: 'custom',
      path: [chartField],
      input: r[chartField],
      message: `${r[chartField]} is not in this tool's release table (${table.map((t) => t.chart).join(', ')}): give ${missing.join(' and ')} too, what that chart installs, or pick a chart from the table`,
    });
  };
  const op = operatorRelease(r.chartVersion);
  if (op) {
    contradicts('operatorVersion', 'chartVersion', op.chart, op.operator);
    contradicts('operatorDefaultImage', 'chartVersion', op.chart, op.defaultImage);
  } else beyond('chartVersion', OPERATOR_RELEASES, ['operatorVersion', 'operatorDefaultImage']);
  const plugin = pluginRelease(r.pluginChartVersion);
  if (plugin) contradicts('pluginVersion', 'pluginChartVersion', plugin.chart, plugin.plugin);
  else beyond('pluginChartVersion', PLUGIN_RELEASES, ['pluginVersion']);
  return known;
}

/** The validated answers with the table's values filled in, the five after operatorPath (where the record has them; it is required). */
export function fillRelease<T extends ReleaseAnswers>(r: T): T & { [K in keyof ReleaseAnswers]-?: string } {
  const op = operatorRelease(r.chartVersion);
  const plugin = pluginRelease(r.pluginChartVersion);
  const filled = {
    chartVersion: r.chartVersion,
    operatorVersion: r.operatorVersion ?? op!.operator,
    operatorDefaultImage: r.operatorDefaultImage ?? op!.defaultImage,
    pluginChartVersion: r.pluginChartVersion,
    pluginVersion: r.pluginVersion ?? plugin!.plugin,
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k in filled) continue;
    out[k] = v;
    if (k === 'operatorPath') Object.assign(out, filled);
  }
  return out as unknown as T & { [K in keyof ReleaseAnswers]-?: string };
}
