import * as z from 'zod';
import type { Field } from './fields.js';

/**
 * Restore answers of a cluster: bootstrap by recovery from the backups of a server name in the
 * cluster's own object store, an optional point-in-time target, and the server name the cluster
 * itself archives to. Field names and semantics follow CNPG 1.30 api/v1/cluster_types.go
 * (BootstrapRecovery.source, RecoveryTarget.targetTime, ExternalCluster.plugin/barmanObjectStore)
 * and plugin-barman-cloud v0.13.0 web/docs/parameters.md (`barmanObjectName`, `serverName`).
 */

const restoring = (a: Record<string, unknown>) => typeof a.restoreFrom === 'string' && a.restoreFrom !== '';

/**
 * The server name a cluster writes base backups and WAL under. It must differ from the one restored
 * from: the first WAL archive of a new cluster checks for an empty archive and stops in "Setting up
 * primary" otherwise (CNPG docs/src/recovery.md, "Expected empty archive").
 */
export const defaultServerName = (a: Record<string, unknown>): string =>
  restoring(a) && a.restoreFrom === a.clusterName ? `${String(a.clusterName)}-restored` : String(a.clusterName);

export const restoreFields = <Ctx>(): Field<Ctx>[] => [
  {
    name: 'restoreFrom',
    kind: 'string',
    message: 'Bootstrap by recovery from the backups of this server name in the object store ("" for an empty cluster; set "" again once restored)',
    default: () => '',
    when: (a) => a.backups === true,
  },
  {
    name: 'restoreTargetTime',
    kind: 'string',
    message: 'Point-in-time target of the restore, RFC 3339 (2026-01-06T12:00:00Z; "" replays all WAL)',
    default: () => '',
    when: restoring,
  },
  {
    name: 'backupServerName',
    kind: 'string',
    message: 'Server name of this cluster\'s backups and WAL in the object store (a restored cluster needs a new one)',
    default: defaultServerName,
    when: (a) => a.backups === true,
  },
];

/** Barman's server name is a directory of the bucket; CNPG defaults it to the cluster's name. */
const serverName = z.string().max(63, 'must be at most 63 characters').regex(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/, 'must be a server name (lowercase letters, digits, "-", "_", "."; start and end alphanumeric)');

/**
 * RFC 3339 date-time with an explicit offset (CNPG's webhook also takes PostgreSQL's own format; one
 * unambiguous form is asked for here), and a real calendar date and time.
 */
export function rfc3339Problem(v: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/.exec(v);
  const rule = 'must be an RFC 3339 date-time with an offset, such as 2026-01-06T12:00:00Z or 2026-01-06T13:00:00+01:00';
  if (!m) return rule;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return `${rule}: no such date or time`;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return `${rule}: no such offset`;
  return undefined;
}

export const restoreShape = {
  // Optional: records written before these answers existed hold none (no restore, server name = cluster name).
  restoreFrom: z.union([z.literal(''), serverName]).optional(),
  restoreTargetTime: z.string().optional(),
  backupServerName: serverName.optional(),
};

interface RestoreAnswers {
  clusterName: string;
  backups: boolean;
  restoreFrom?: string | undefined;
  restoreTargetTime?: string | undefined;
  backupServerName?: string | undefined;
}

/** The server name the cluster archives to. */
export const serverNameOf = (c: { clusterName: string; backupServerName?: string | undefined }): string => c.backupServerName ?? c.clusterName;

/** The refusals, each naming the field: a restore needs backups, a target needs a restore, no restore from its own archive. */
export function refineRestore(a: RestoreAnswers, add: (path: string, message: string) => void): void {
  const from = a.restoreFrom ?? '';
  const target = a.restoreTargetTime ?? '';
  if (from && !a.backups) add('restoreFrom', 'needs backups true: the restore reads the object store the backup answers name');
  if (target && !from) add('restoreTargetTime', 'needs restoreFrom: a point-in-time target is only used by a restore');
  if (target && from) {
    const problem = rfc3339Problem(target);
    if (problem) add('restoreTargetTime', problem);
  }
  if (from && from === serverNameOf(a))
    add('restoreFrom', `must differ from backupServerName (${serverNameOf(a)}), the archive this cluster writes to: restoring from it fails with "Expected empty archive"; set backupServerName to a new name`);
}
