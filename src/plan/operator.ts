import { OPERATOR_CHART_URL, PLUGIN_CHART_URL, pluginRelease } from '../versions.js';
import { type Doc, kustomization, owned } from './emit.js';
import { clusterKs, operatorKs, pluginKs } from './flux.js';
import { type RepoModel, anyPlugin, OPERATOR_KS, PLUGIN_DIR } from './model.js';
import type { PlannedFile } from './types.js';
import { registerInNamespace } from './namespace.js';

const UNIT = 'operator';

/** The operator (once per repo): ks.yaml with every Flux Kustomization, the chart, the plugin. */
export async function planOperator(m: RepoModel): Promise<PlannedFile[]> {
  const op = m.repo.operatorPath;
  const plugin = anyPlugin(m);
  const ks: Doc[] = [['flux/kustomization.yaml.hbs', operatorKs(m)]];
  if (plugin) ks.push(['flux/kustomization.yaml.hbs', pluginKs(m)]);
  for (const c of [...m.clusters].sort((a, b) => a.clusterName.localeCompare(b.clusterName))) ks.push(['flux/kustomization.yaml.hbs', clusterKs(m, c)]);

  const appResources = ['./ocirepository.yaml', './helmrelease.yaml', ...(m.repo.networkPolicies ? ['./networkpolicy.yaml'] : [])];
  const files: PlannedFile[] = [
    await owned(`${op}/ks.yaml`, UNIT, ks),
    await kustomization(`${op}/app/kustomization.yaml`, UNIT, appResources),
    await owned(`${op}/app/ocirepository.yaml`, UNIT, [['operator/ocirepository.yaml.hbs', { name: OPERATOR_KS, url: OPERATOR_CHART_URL, tag: m.repo.chartVersion }]]),
    await owned(`${op}/app/helmrelease.yaml`, UNIT, [['operator/helmrelease.yaml.hbs', { name: OPERATOR_KS, values: { crds: { create: true }, config: { clusterWide: true } } }]]),
  ];
  if (m.repo.networkPolicies) {
    files.push(
      await owned(`${op}/app/networkpolicy.yaml`, UNIT, [
        ['operator/networkpolicy.yaml.hbs', { namespace: m.repo.namespace, monitoringNamespace: m.repo.monitoringNamespace, plugin }],
      ]),
    );
  }
  if (plugin) {
    const release = pluginRelease(m.repo.pluginChartVersion);
    files.push(
      await kustomization(`${op}/${PLUGIN_DIR}/kustomization.yaml`, UNIT, ['./ocirepository.yaml', './helmrelease.yaml', ...(m.repo.networkPolicies ? ['./networkpolicy.yaml'] : [])]),
      await owned(`${op}/${PLUGIN_DIR}/ocirepository.yaml`, UNIT, [['operator/ocirepository.yaml.hbs', { name: 'plugin-barman-cloud', url: PLUGIN_CHART_URL, tag: release!.chart }]]),
      await owned(`${op}/${PLUGIN_DIR}/helmrelease.yaml`, UNIT, [['operator/helmrelease.yaml.hbs', { name: 'plugin-barman-cloud', values: null }]]),
    );
    // In a default-deny namespace the operator could not reach the plugin, nor the plugin the API server.
    if (m.repo.networkPolicies) {
      files.push(await owned(`${op}/${PLUGIN_DIR}/networkpolicy.yaml`, UNIT, [['operator/plugin-networkpolicy.yaml.hbs', { namespace: m.repo.namespace }]]));
    }
  }
  files.push(...(await registerInNamespace(m, m.repo.namespace, `${op}/ks.yaml`, UNIT)));
  return files;
}
