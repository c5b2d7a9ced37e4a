import { OPERATOR_CHART_URL, PLUGIN_CHART_URL, pluginRelease } from '../versions.js';
import { owned } from './emit.js';
import { type RepoModel, anyPlugin, OPERATOR_KS, PLUGIN_DIR, PLUGIN_KS } from './model.js';
import type { Reconcile, Unit } from './units.js';

const OWNER = 'operator';
const PLUGIN_RECONCILE: Reconcile = { wait: true, interval: '1h', retryInterval: '1m', timeout: '5m' };
/** The operator's Kustomization: its timeout and retry interval are answers (seed 004 waits 15m, retries every 30s). */
const reconcileOf = (m: RepoModel): Reconcile => ({ wait: true, interval: '1h', retryInterval: m.repo.operatorRetryInterval ?? '1m', timeout: m.repo.operatorTimeout ?? '5m' });

/**
 * The chart's values (cloudnative-pg charts/cloudnative-pg/values.yaml, 0.26.0-0.29.0). The Grafana
 * dashboard is the chart's own: its `monitoring` dependency (cloudnative-pg/grafana-dashboards
 * charts/cluster) writes ConfigMap `cnpg-grafana-dashboard` in `namespace` with `labels`; the
 * deprecated sidecarLabel (default grafana_dashboard) is emptied, or the label would be written twice.
 */
function operatorValues(m: RepoModel): Record<string, unknown> {
  const dashboard = { grafanaDashboard: { create: true, namespace: m.repo.monitoringNamespace, sidecarLabel: '', labels: { grafana_dashboard: '1' } } };
  // Like the clusters', no CPU limit: a throttled operator answers its webhooks late, and they fail closed.
  const { operatorCpuRequest: cpu, operatorMemoryRequest: memory, operatorMemoryLimit: limit } = m.repo;
  const requests = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
  const resources = { ...(Object.keys(requests).length ? { requests } : {}), ...(limit ? { limits: { memory: limit } } : {}) };
  return {
    crds: { create: true },
    config: { clusterWide: true },
    ...(Object.keys(resources).length ? { resources } : {}),
    ...(m.repo.grafanaDashboard ? { monitoring: dashboard } : {}),
  };
}

/** The operator (once per repo) and, when a cluster backs up through it, the Barman Cloud plugin. */
export async function operatorUnits(m: RepoModel): Promise<Unit[]> {
  const op = m.repo.operatorPath;
  // ks layout: the chart in app/ beside ks.yaml; flat: the operator directory itself (seed 002's cnpg/).
  const opDir = m.repo.fluxLayout === 'flat' ? op : `${op}/app`;
  const plugin = anyPlugin(m);
  const policies = m.repo.networkPolicies;
  const operator: Unit = {
    id: 'operator',
    kind: 'operator',
    owner: OWNER,
    name: OPERATOR_KS,
    dir: opDir,
    namespace: m.repo.namespace,
    files: policies
      ? [await owned(`${opDir}/networkpolicy.yaml`, OWNER, [['operator/networkpolicy.yaml.hbs', { namespace: m.repo.namespace, monitoringNamespace: m.repo.monitoringNamespace, plugin }]])]
      : [],
    listed: policies ? ['./networkpolicy.yaml'] : [],
    needs: [],
    reconcile: reconcileOf(m),
    health: [],
    chart: { name: OPERATOR_KS, url: OPERATOR_CHART_URL, version: m.repo.chartVersion, values: operatorValues(m), installRetries: m.repo.operatorInstallRetries ?? -1 },
  };
  if (!plugin) return [operator];
  const dir = `${op}/${PLUGIN_DIR}`;
  const pluginUnit: Unit = {
    id: 'plugin',
    kind: 'plugin',
    owner: OWNER,
    name: PLUGIN_KS,
    dir,
    namespace: m.repo.namespace,
    // In a default-deny namespace the operator could not reach the plugin, nor the plugin the API server.
    files: policies ? [await owned(`${dir}/networkpolicy.yaml`, OWNER, [['operator/plugin-networkpolicy.yaml.hbs', { namespace: m.repo.namespace }]])] : [],
    listed: policies ? ['./networkpolicy.yaml'] : [],
    needs: [{ unit: 'operator' }, { external: 'cert-manager', name: m.repo.certManagerKustomization }],
    reconcile: PLUGIN_RECONCILE,
    health: [],
    chart: { name: 'plugin-barman-cloud', url: PLUGIN_CHART_URL, version: pluginRelease(m.repo.pluginChartVersion)!.chart, values: null, installRetries: -1 },
  };
  return [operator, pluginUnit];
}
