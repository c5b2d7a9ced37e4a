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
}

export const OPERATOR_RELEASES: readonly OperatorRelease[] = [
  { chart: '0.29.0', operator: '1.30.0', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie', databaseRole: true },
  { chart: '0.28.3', operator: '1.29.1', defaultImage: 'ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie', databaseRole: false },
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
}

/** Barman Cloud plugin (`plugin-barman-cloud` chart); it needs cert-manager and runs in the operator's namespace. */
export const PLUGIN_RELEASES: readonly PluginRelease[] = [
  { chart: '0.7.0', plugin: 'v0.13.0', minOperator: '1.26.0' },
  { chart: '0.6.0', plugin: 'v0.12.0', minOperator: '1.26.0' },
  { chart: '0.5.0', plugin: 'v0.11.0', minOperator: '1.26.0' },
];

export const OPERATOR_CHART_URL = 'oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg';
export const PLUGIN_CHART_URL = 'oci://ghcr.io/cloudnative-pg/charts/plugin-barman-cloud';
/** CNPG's HTTP chart index (chart-releaser on gh-pages; cloudnative-pg/charts RELEASE.md): both charts are in it. */
export const OPERATOR_HELM_REPOSITORY_URL = 'https://cloudnative-pg.github.io/charts';
export const OPERATOR_HELM_REPOSITORY = 'cnpg';
export const BARMAN_PLUGIN_NAME = 'barman-cloud.cloudnative-pg.io';

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
