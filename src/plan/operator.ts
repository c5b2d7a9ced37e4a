import { OPERATOR_CHART_URL, PLUGIN_CHART_URL, pluginOf, releaseOf } from '../versions.js';
import { ensureMapEntries, mapEntriesSlots, type MapEntries } from '../patch.js';
import { renderTemplate } from '../render.js';
import { formatYaml } from '../format.js';
import { owned } from './emit.js';
import { type RepoModel, anyPlugin, OPERATOR_KS, PLUGIN_DIR, PLUGIN_KS } from './model.js';
import { alertRules } from './monitoring.js';
import { operatorChartValues, operatorPodLabels } from './operator-values.js';
import type { PlannedFile } from './types.js';
import type { Reconcile, Unit } from './units.js';

const OWNER = 'operator';
const RECONCILE: Reconcile = { wait: true, interval: '1h', retryInterval: '1m', timeout: '5m' };
export const CRDS_KS = 'cloudnative-pg-crds';
/** The operator's source repository; config/crd at a release tag holds that release's CRDs only. */
const CNPG_GIT_URL = 'https://github.com/cloudnative-pg/cloudnative-pg';

const labelsOrNull = (l: Record<string, string>) => (Object.keys(l).length ? l : null);

/** Pod Security Admission labels for the operator's namespace (enforce, audit and warn at one level). */
export function podSecurityLabels(m: RepoModel): Record<string, string> {
  const level = m.repo.podSecurity;
  if (level === 'none') return {};
  return Object.fromEntries(['enforce', 'audit', 'warn'].map((mode) => [`pod-security.kubernetes.io/${mode}`, level]));
}
const PLUGIN_RECONCILE: Reconcile = { wait: true, interval: '1h', retryInterval: '1m', timeout: '5m' };
/** The operator's Kustomization: its timeout and retry interval are answers (seed 004 waits 15m, retries every 30s). */
const reconcileOf = (m: RepoModel): Reconcile => ({ wait: true, interval: '1h', retryInterval: m.repo.operatorRetryInterval ?? '1m', timeout: m.repo.operatorTimeout ?? '5m' });

/**
 * `CNPG_OPERATOR_VERSION` in the team's cluster-settings ConfigMap (a file that may be theirs):
 * the version the CRD bundle and the chart are pinned at, for the rest of their tree to use.
 */
async function clusterSettings(m: RepoModel): Promise<PlannedFile[]> {
  const path = m.repo.clusterSettingsFile;
  if (!path) return [];
  const want: MapEntries = { kind: 'ConfigMap', name: m.repo.clusterVarsConfigMap, path: ['data'], entries: { CNPG_OPERATOR_VERSION: releaseOf(m.repo).operator } };
  const created = await formatYaml(renderTemplate('operator/cluster-settings.yaml.hbs', { name: m.repo.clusterVarsConfigMap, namespace: m.repo.fluxNamespace }));
  return [{ mode: 'patched', path, unit: OWNER, apply: (cur) => ensureMapEntries(cur, want, created), slots: (t) => mapEntriesSlots(t, want), templates: ['operator/cluster-settings.yaml.hbs'] }];
}

/** The CRDs apart from the chart (`operatorCrds: bundle`), at exactly the operator's version. */
function crdsUnit(m: RepoModel): Unit {
  const version = releaseOf(m.repo).operator;
  return {
    id: 'crds',
    kind: 'crds',
    owner: OWNER,
    name: CRDS_KS,
    dir: 'config/crd',
    namespace: m.repo.namespace,
    files: [],
    needs: [],
    reconcile: RECONCILE,
    health: [],
    // Pruning the CRDs would delete every Cluster and its volumes: a removed bundle stays.
    source: { name: CRDS_KS, url: CNPG_GIT_URL, tag: `v${version}`, ignore: ['/*', '!/config/crd/'], prune: false },
  };
}

/** The operator's own documents besides the chart: policy, PodDisruptionBudget, alerts. */
async function operatorFiles(m: RepoModel, dir: string): Promise<PlannedFile[]> {
  const r = m.repo;
  const files: PlannedFile[] = [];
  if (r.networkPolicies) files.push(await owned(`${dir}/networkpolicy.yaml`, OWNER, [['operator/networkpolicy.yaml.hbs', { namespace: r.namespace, monitoringNamespace: r.monitoringNamespace, plugin: anyPlugin(m) }]]));
  if (r.operatorPdb) files.push(await owned(`${dir}/pdb.yaml`, OWNER, [['operator/pdb.yaml.hbs', { name: OPERATOR_KS, selector: operatorPodLabels() }]]));
  if (r.prometheusRule)
    files.push(
      await owned(`${dir}/prometheusrule.yaml`, OWNER, [['monitoring/prometheusrule.yaml.hbs', { name: OPERATOR_KS, labels: labelsOrNull(r.monitoringLabels), groups: [{ name: 'cloudnative-pg', rules: alertRules(r) }] }]]),
    );
  return files;
}

/** The operator (once per repo), its CRD bundle when apart, and, when a cluster backs up through it, the Barman Cloud plugin. */
export async function operatorUnits(m: RepoModel): Promise<Unit[]> {
  const op = m.repo.operatorPath;
  // ks layout: the chart in app/ beside ks.yaml; flat: the operator directory itself (seed 002's cnpg/).
  const opDir = m.repo.fluxLayout === 'flat' ? op : `${op}/app`;
  const plugin = anyPlugin(m);
  const policies = m.repo.networkPolicies;
  const bundle = m.repo.operatorCrds === 'bundle';
  const crds = bundle ? [crdsUnit(m)] : [];
  const settings = await clusterSettings(m);
  // An apps cluster that only needs the CRDs (its manifests name CNPG kinds; its databases run elsewhere).
  if (m.repo.operatorInstall === 'crds-only') return [{ ...crds[0]!, files: settings }];
  const files = await operatorFiles(m, opDir);
  const operator: Unit = {
    id: 'operator',
    kind: 'operator',
    owner: OWNER,
    name: OPERATOR_KS,
    dir: opDir,
    namespace: m.repo.namespace,
    files: [...files, ...settings],
    listed: files.map((f) => `./${f.path.slice(opDir.length + 1)}`),
    needs: bundle ? [{ unit: 'crds' }] : [],
    reconcile: reconcileOf(m),
    health: [],
    chart: { name: OPERATOR_KS, url: OPERATOR_CHART_URL, version: m.repo.chartVersion, values: operatorChartValues(m.repo), installRetries: m.repo.operatorInstallRetries ?? -1 },
    // The user's own Namespace (createNamespace false) keeps no labels of the tool's: the next steps name them.
    namespaceLabels: m.repo.createNamespace === false ? {} : podSecurityLabels(m),
  };
  if (!plugin) return [...crds, operator];
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
    chart: { name: 'plugin-barman-cloud', url: PLUGIN_CHART_URL, version: pluginOf(m.repo).chart, values: null, installRetries: -1 },
  };
  return [...crds, operator, pluginUnit];
}
