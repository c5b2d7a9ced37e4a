import { OPERATOR_CHART_URL, PLUGIN_CHART_URL, pluginRelease } from '../versions.js';
import { owned } from './emit.js';
import { type RepoModel, anyPlugin, OPERATOR_KS, PLUGIN_DIR, PLUGIN_KS } from './model.js';
import type { Reconcile, Unit } from './units.js';

const OWNER = 'operator';
const RECONCILE: Reconcile = { wait: true, interval: '1h', retryInterval: '1m', timeout: '5m' };

/** The operator (once per repo) and, when a cluster backs up through it, the Barman Cloud plugin. */
export async function operatorUnits(m: RepoModel): Promise<Unit[]> {
  const op = m.repo.operatorPath;
  const plugin = anyPlugin(m);
  const policies = m.repo.networkPolicies;
  const operator: Unit = {
    id: 'operator',
    kind: 'operator',
    owner: OWNER,
    name: OPERATOR_KS,
    dir: `${op}/app`,
    namespace: m.repo.namespace,
    files: policies
      ? [await owned(`${op}/app/networkpolicy.yaml`, OWNER, [['operator/networkpolicy.yaml.hbs', { namespace: m.repo.namespace, monitoringNamespace: m.repo.monitoringNamespace, plugin }]])]
      : [],
    listed: policies ? ['./networkpolicy.yaml'] : [],
    needs: [],
    reconcile: RECONCILE,
    health: [],
    chart: { name: OPERATOR_KS, url: OPERATOR_CHART_URL, version: m.repo.chartVersion, values: { crds: { create: true }, config: { clusterWide: true } } },
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
    reconcile: RECONCILE,
    health: [],
    chart: { name: 'plugin-barman-cloud', url: PLUGIN_CHART_URL, version: pluginRelease(m.repo.pluginChartVersion)!.chart, values: null },
  };
  return [operator, pluginUnit];
}
