import type { RepoAnswers } from '../../schema/repo.js';
import { OPERATOR_KS } from './model.js';

/**
 * The alerts of the tool's PrometheusRule. Every metric is one the pinned operators (1.27-1.30)
 * export:
 * - `cnpg_collector_*`: the instance manager's collector (cloudnative-pg
 *   pkg/management/postgres/webserver/metricserver/pg_collector.go, namespace `cnpg`, subsystem
 *   `collector`: `up`, `last_available_backup_timestamp`, `last_failed_backup_timestamp`, the last
 *   two marked "(Deprecated)" upstream but still exported at v1.30.0);
 * - `cnpg_pg_replication_lag`, `cnpg_pg_stat_archiver_last_{failed,archived}_time`: the chart's
 *   default monitoring queries (`monitoringQueriesConfigMap.queries`, `pg_replication` and
 *   `pg_stat_archiver`, charts 0.26.0-0.29.0; the same as config/manager/default-monitoring.yaml);
 * - `up` of the operator's scrape job: the chart's PodMonitor is named after the release
 *   (`cloudnative-pg`), and the Prometheus Operator names a PodMonitor's job `<namespace>/<name>`.
 * `cluster` is the label the tool's per-Cluster PodMonitor relabels from `cnpg.io/cluster`. The
 * `{{ $labels.x }}` in annotations are Prometheus templates: they reach the cluster literally.
 */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'warning' | 'critical' };
  annotations: { summary: string; description: string };
}

export const operatorJob = (r: RepoAnswers): string => `${r.namespace}/${OPERATOR_KS}`;

export function alertRules(r: RepoAnswers): AlertRule[] {
  const where = 'Cluster {{ $labels.cluster }} in {{ $labels.namespace }}';
  return [
    {
      alert: 'CNPGOperatorDown',
      expr: `absent(up{job="${operatorJob(r)}"} == 1)`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'The CloudNativePG operator is down',
        description: `No operator pod of job ${operatorJob(r)} has been scraped for 5 minutes: no failover, no backup and no webhook admits Cluster changes.`,
      },
    },
    {
      alert: 'CNPGInstanceNotCollecting',
      expr: 'cnpg_collector_up == 0',
      for: '5m',
      labels: { severity: 'critical' },
      annotations: { summary: 'A PostgreSQL instance does not answer its exporter', description: `${where}: instance {{ $labels.pod }} reports cnpg_collector_up 0.` },
    },
    {
      alert: 'CNPGReplicationLag',
      expr: 'max by (namespace, cluster, pod) (cnpg_pg_replication_lag) > 300',
      for: '5m',
      labels: { severity: 'warning' },
      annotations: { summary: 'A standby lags behind its primary', description: `${where}: standby {{ $labels.pod }} is {{ $value | humanizeDuration }} behind.` },
    },
    {
      alert: 'CNPGLastBackupFailed',
      expr: 'max by (namespace, cluster) (cnpg_collector_last_failed_backup_timestamp) > max by (namespace, cluster) (cnpg_collector_last_available_backup_timestamp)',
      for: '5m',
      labels: { severity: 'warning' },
      annotations: { summary: 'The last backup failed', description: `${where}: the last backup failed after the last good one.` },
    },
    {
      alert: 'CNPGBackupTooOld',
      expr: 'time() - max by (namespace, cluster) (cnpg_collector_last_available_backup_timestamp > 0) > 2 * 86400',
      for: '1h',
      labels: { severity: 'warning' },
      annotations: { summary: 'No backup for two days', description: `${where}: the newest available backup is {{ $value | humanizeDuration }} old.` },
    },
    {
      alert: 'CNPGWALArchivingFailing',
      expr: 'cnpg_pg_stat_archiver_last_failed_time > cnpg_pg_stat_archiver_last_archived_time',
      for: '5m',
      labels: { severity: 'critical' },
      annotations: { summary: 'WAL archiving fails', description: `${where}: instance {{ $labels.pod }} failed to archive WAL since its last success; point-in-time recovery is at risk.` },
    },
  ];
}
