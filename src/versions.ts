/**
 * Known releases, one table: the chart version pins the operator version, which decides the
 * CRDs (and so what the output may use) and the default PostgreSQL image.
 * Sources: cloudnative-pg/charts `charts/<chart>/Chart.yaml` at each release tag and
 * cloudnative-pg/cloudnative-pg `pkg/versions/versions.go` (DefaultImageName) at each operator tag.
 */
export interface OperatorRelease {
  chart: string;
  operator: string;
  defaultImage: string;
  /** `DatabaseRole` CR (postgresql.cnpg.io/v1), recommended over `Cluster.spec.managed.roles` for GitOps. */
  databaseRole: boolean;
  /** The chart's `kubeVersion` (Chart.yaml), which Helm enforces at install; absent before chart 0.28.1. */
  kubeVersion?: string;
}

export const OPERATOR_RELEASES: readonly OperatorRelease[] = [
  { chart: '0.29.0', operator: '1.30.0', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie', databaseRole: true, kubeVersion: '>=1.29.0-0' },
  { chart: '0.28.3', operator: '1.29.1', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie', databaseRole: false, kubeVersion: '>=1.29.0-0' },
  { chart: '0.28.2', operator: '1.29.1', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie', databaseRole: false, kubeVersion: '>=1.29.0-0' },
  { chart: '0.28.1', operator: '1.29.1', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie', databaseRole: false, kubeVersion: '>=1.29.0-0' },
  { chart: '0.28.0', operator: '1.29.0', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie', databaseRole: false },
  { chart: '0.27.1', operator: '1.28.1', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie', databaseRole: false },
  { chart: '0.27.0', operator: '1.28.0', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie', databaseRole: false },
  { chart: '0.26.1', operator: '1.27.1', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.0-system-trixie', databaseRole: false },
  { chart: '0.26.0', operator: '1.27.0', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:17.5', databaseRole: false },
];

export interface PluginRelease {
  chart: string;
  plugin: string;
  /** Oldest operator minor the plugin supports (the plugin interface it needs). */
  minOperator: string;
  /** The chart's `kubeVersion` (Chart.yaml); absent before chart 0.6.0. */
  kubeVersion?: string;
}

/** Barman Cloud plugin (`plugin-barman-cloud` chart); it needs cert-manager and runs in the operator's namespace. */
// minOperator: the plugin's docs (web/docs/intro.md, "Requirements": CloudNativePG 1.26 or later) at
// each plugin tag, v0.14.0 included. Chart 0.7.1 (2026-07-30, charts PR #976) was released the day
// after plugin v0.14.0 (tag 2026-07-29) with only the release commit on top of charts main at
// b21ad2d, whose Chart.yaml has kubeVersion ">=1.29.0-0"; its appVersion v0.14.0 follows the charts'
// RELEASE.md procedure (appVersion: the plugin's newest tag), not a Chart.yaml read at the tag.
export const PLUGIN_RELEASES: readonly PluginRelease[] = [
  { chart: '0.7.1', plugin: 'v0.14.0', minOperator: '1.26.0', kubeVersion: '>=1.29.0-0' },
  { chart: '0.7.0', plugin: 'v0.13.0', minOperator: '1.26.0', kubeVersion: '>=1.29.0-0' },
  { chart: '0.6.0', plugin: 'v0.12.0', minOperator: '1.26.0', kubeVersion: '>=1.29.0-0' },
  { chart: '0.5.0', plugin: 'v0.11.0', minOperator: '1.26.0' },
];

export const OPERATOR_CHART_URL = 'oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg';
export const PLUGIN_CHART_URL = 'oci://ghcr.io/cloudnative-pg/charts/plugin-barman-cloud';
/** CNPG's HTTP chart index (chart-releaser on gh-pages; cloudnative-pg/charts RELEASE.md): both charts are in it. */
export const OPERATOR_HELM_REPOSITORY_URL = 'https://cloudnative-pg.github.io/charts';
export const OPERATOR_HELM_REPOSITORY = 'cnpg';
export const BARMAN_PLUGIN_NAME = 'barman-cloud.cloudnative-pg.io';

/**
 * Support of each operator minor: CNPG's docs/src/supported_releases.md (release-1.30 and main,
 * 2026-08-21). `endOfLife` only where the table gives a day: 1.30's reads "~ Dec 2026" (3 months
 * after 1.31.0, not yet released), so no date is recorded and no warning is given for it.
 * `kubernetes`: the "Supported Kubernetes versions" column.
 */
export interface OperatorMinor {
  minor: string;
  released: string;
  endOfLife?: string;
  kubernetes: readonly string[];
}

export const OPERATOR_MINORS: readonly OperatorMinor[] = [
  { minor: '1.30', released: '2026-06-29', kubernetes: ['1.34', '1.35', '1.36'] },
  { minor: '1.29', released: '2026-03-31', endOfLife: '2026-09-29', kubernetes: ['1.33', '1.34', '1.35'] },
  { minor: '1.28', released: '2025-12-09', endOfLife: '2026-06-30', kubernetes: ['1.32', '1.33', '1.34', '1.35'] },
  { minor: '1.27', released: '2025-08-12', endOfLife: '2026-03-09', kubernetes: ['1.31', '1.32', '1.33'] },
];

/**
 * CloudNativePG's own security advisories (github.com/cloudnative-pg/cloudnative-pg/security/advisories)
 * and the first patch of each minor that fixes them, from the release notes (docs/src/release_notes/
 * v1.30.md, v1.29.md, old/v1.28.md): a minor not listed never got the fix. Go runtime and library
 * CVEs the notes list under dependency bumps are left out: they are the build's, not the operator's.
 */
export interface Advisory {
  /** The CVE id, or the GHSA id where none was assigned. */
  id: string;
  ghsa: string;
  fixed: readonly string[];
}

export const ADVISORIES: readonly Advisory[] = [
  // Metrics exporter connects as the superuser (1.29.1 and 1.28.3, May 8, 2026).
  { id: 'CVE-2026-44477', ghsa: 'GHSA-423p-g724-fr39', fixed: ['1.28.3', '1.29.1'] },
  // search_path pinning on operator connections (1.30.0, 1.29.2, 1.28.4, Jun 29, 2026).
  { id: 'CVE-2026-55769', ghsa: 'GHSA-x8c2-3p4r-v9r6', fixed: ['1.28.4', '1.29.2', '1.30.0'] },
  // Operator-side SCRAM-SHA-256 encoding of role passwords (same releases).
  { id: 'CVE-2026-55765', ghsa: 'GHSA-w3gf-xc94-wvmj', fixed: ['1.28.4', '1.29.2', '1.30.0'] },
  // Authenticated operator-to-instance-manager calls: 1.30.0 only, "not backported".
  { id: 'GHSA-7qwx-x8ff-3px9', ghsa: 'GHSA-7qwx-x8ff-3px9', fixed: ['1.30.0'] },
];

export const minorOf = (version: string): string => version.replace(/^v/, '').split('.').slice(0, 2).join('.');
export const operatorMinor = (operator: string): OperatorMinor | undefined => OPERATOR_MINORS.find((m) => m.minor === minorOf(operator));

/**
 * The advisories `operator` is affected by, each with the release that fixes it: the fix in its own
 * minor when that minor got one, else the first later release that has it.
 */
export function advisoriesOf(operator: string): { advisory: Advisory; fixedIn: string }[] {
  return ADVISORIES.flatMap((advisory) => {
    const own = advisory.fixed.find((f) => minorOf(f) === minorOf(operator));
    if (own) return compareVersions(operator, own) < 0 ? [{ advisory, fixedIn: own }] : [];
    const later = [...advisory.fixed].sort(compareVersions).find((f) => compareVersions(f, operator) > 0);
    // A minor newer than every fixed one inherits the fix; an older minor that never got it is affected.
    const newest = [...advisory.fixed].sort(compareVersions).at(-1)!;
    return later && compareVersions(minorOf(operator) + '.0', minorOf(newest) + '.0') < 0 ? [{ advisory, fixedIn: later }] : [];
  });
}

/** Why a plugin release does not run with an operator release, or undefined when it does. */
export const pluginMismatch = (operator: OperatorRelease, plugin: PluginRelease): string | undefined =>
  compareVersions(operator.operator, plugin.minOperator) < 0 ? `plugin ${plugin.plugin} needs operator ${plugin.minOperator} or later (chartVersion ${operator.chart} pins ${operator.operator})` : undefined;

/** The plugin's newest chart that runs with `operator` (its minOperator). */
export const newestPluginFor = (operator: string): PluginRelease | undefined => PLUGIN_RELEASES.find((p) => compareVersions(operator, p.minOperator) >= 0);

export const newestOperator = (): OperatorRelease => OPERATOR_RELEASES[0]!;
export const newestPlugin = (): PluginRelease => PLUGIN_RELEASES[0]!;

export const operatorRelease = (chart: string): OperatorRelease | undefined => OPERATOR_RELEASES.find((r) => r.chart === chart);
export const pluginRelease = (chart: string): PluginRelease | undefined => PLUGIN_RELEASES.find((r) => r.chart === chart);

export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The release a repository's answers pin. A chart in the table is the table's row; a newer chart
 * (one Renovate moved to, or a user gave) carries what the table would have said in the answers
 * (`operatorVersion`, `operatorDefaultImage`: schema/repo.ts refuses it without them), and what
 * follows from the operator alone (DatabaseRole from 1.30) follows from that version.
 */
export function releaseOf(repo: { chartVersion: string; operatorVersion?: string | undefined; operatorDefaultImage?: string | undefined }): OperatorRelease {
  const row = operatorRelease(repo.chartVersion);
  if (row) return row;
  const operator = repo.operatorVersion ?? '';
  return { chart: repo.chartVersion, operator, defaultImage: repo.operatorDefaultImage ?? '', databaseRole: compareVersions(operator, DATABASE_ROLE_SINCE) >= 0 };
}

/** The plugin release the answers pin: the table's row, or a newer chart with its `pluginVersion` (minOperator: the newest row's). */
export function pluginOf(repo: { pluginChartVersion: string; pluginVersion?: string | undefined }): PluginRelease {
  return pluginRelease(repo.pluginChartVersion) ?? { chart: repo.pluginChartVersion, plugin: repo.pluginVersion ?? '', minOperator: newestPlugin().minOperator };
}

/** The first operator with the `DatabaseRole` CRD (cloudnative-pg v1.30.0 release notes). */
export const DATABASE_ROLE_SINCE = '1.30.0';
