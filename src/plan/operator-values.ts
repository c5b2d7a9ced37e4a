import type { RepoAnswers } from '../../schema/repo.js';
import { OPERATOR_KS } from './model.js';

/**
 * The chart's pod labels: `cloudnative-pg.selectorLabels` (templates/_helpers.tpl, charts
 * 0.26.0-0.29.0) is the chart name and the release name; Flux names the release after the
 * HelmRelease (no spec.targetNamespace, no releaseName), which is `cloudnative-pg`.
 */
export const operatorPodLabels = (): Record<string, string> => ({ 'app.kubernetes.io/name': 'cloudnative-pg', 'app.kubernetes.io/instance': OPERATOR_KS });

/**
 * The restricted Pod Security Standard, written out: these are the chart's own defaults
 * (values.yaml podSecurityContext / containerSecurityContext, 0.26.0-0.29.0), kept in the values
 * so a later chart default cannot loosen them under a namespace that enforces `restricted`. PSA
 * `restricted` takes runAsNonRoot from the pod when a container does not set it; the container's
 * keys are the ones the chart's values.schema.json lists.
 */
const RESTRICTED = {
  podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containerSecurityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsUser: 10001,
    runAsGroup: 10001,
    seccompProfile: { type: 'RuntimeDefault' },
    capabilities: { drop: ['ALL'] },
  },
};

const some = (o: Record<string, unknown>) => Object.keys(o).length > 0;

/**
 * The HelmRelease values from the operator's answers. Only what differs from the chart's defaults
 * is written (crds and config.clusterWide always are: the tool's choice, stated). Every key is a
 * key of the chart's values.schema.json at each pinned version (test/engine/chart-values.test.ts).
 */
export function operatorChartValues(r: RepoAnswers): Record<string, unknown> {
  const selector = { matchLabels: operatorPodLabels() };
  const term = { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' };
  const affinity =
    r.operatorAntiAffinity === 'required'
      ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
      : r.operatorAntiAffinity === 'preferred'
        ? { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } }
        : null;
  // Like the clusters', no CPU limit: a throttled operator answers its webhooks late, and they fail closed.
  const requests = { ...(r.operatorCpuRequest ? { cpu: r.operatorCpuRequest } : {}), ...(r.operatorMemoryRequest ? { memory: r.operatorMemoryRequest } : {}) };
  const limits = r.operatorMemoryLimit ? { memory: r.operatorMemoryLimit } : {};
  const resources = { ...(some(requests) ? { requests } : {}), ...(some(limits) ? { limits } : {}) };
  // The Grafana dashboard is the chart's own: its `monitoring` dependency (cloudnative-pg/grafana-dashboards
  // charts/cluster) writes ConfigMap `cnpg-grafana-dashboard` in `namespace` with `labels`; the
  // deprecated sidecarLabel (default grafana_dashboard) is emptied, or the label would be written twice.
  const monitoring = {
    ...(r.podMonitors ? { podMonitorEnabled: true, ...(some(r.monitoringLabels) ? { podMonitorAdditionalLabels: r.monitoringLabels } : {}) } : {}),
    ...(r.grafanaDashboard ? { grafanaDashboard: { create: true, namespace: r.monitoringNamespace, sidecarLabel: '', labels: { grafana_dashboard: '1' } } } : {}),
  };
  return {
    ...(r.operatorReplicas !== 1 ? { replicaCount: r.operatorReplicas } : {}),
    crds: { create: r.operatorCrds === 'chart' },
    config: { clusterWide: r.operatorClusterWide, ...(some(r.operatorConfig) ? { data: r.operatorConfig } : {}) },
    ...(r.operatorPriorityClass ? { priorityClassName: r.operatorPriorityClass } : {}),
    ...(some(r.operatorNodeSelector) ? { nodeSelector: r.operatorNodeSelector } : {}),
    ...(r.operatorTolerations.length ? { tolerations: r.operatorTolerations } : {}),
    ...(affinity ? { affinity } : {}),
    ...(some(resources) ? { resources } : {}),
    ...(some(r.operatorPodAnnotations) ? { podAnnotations: r.operatorPodAnnotations } : {}),
    ...(r.operatorSecurityContext === 'restricted' ? RESTRICTED : {}),
    ...(some(monitoring) ? { monitoring } : {}),
  };
}
