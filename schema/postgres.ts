/**
 * What PostgreSQL and CloudNativePG refuse, as data: keywords that cannot name a role or a
 * database, and the postgresql.conf parameters CNPG manages itself.
 */

/**
 * PostgreSQL's RESERVED_KEYWORD category (src/include/parser/kwlist.h). `CREATE ROLE` takes a
 * RoleId (gram.y: RoleSpec -> NonReservedWord | CURRENT_ROLE | CURRENT_USER | SESSION_USER), so
 * only these are refused; `system_user` became reserved in PostgreSQL 16. Checked against
 * `pg_get_keywords()` (catcode 'R') and `CREATE ROLE <word>` for every keyword on PostgreSQL 15.
 */
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral ' +
    'leading limit localtime localtimestamp not null offset on only or order placing primary references returning ' +
    'select session_user some symmetric system_user table then to trailing true union unique user using variadic when ' +
    'where window with'
  ).split(' '),
);

/**
 * TYPE_FUNC_NAME_KEYWORD: allowed as a role name, refused as a database name (`CREATE DATABASE`
 * takes a ColId: IDENT | unreserved_keyword | col_name_keyword). Checked the same way.
 */
export const TYPE_FUNC_NAME_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like ' +
    'natural notnull outer overlaps right similar tablesample verbose'
  ).split(' '),
);

/**
 * RoleId refuses these even quoted: "role name "public" is reserved", and likewise "none".
 */
export const RESERVED_ROLE_NAMES: ReadonlySet<string> = new Set(['public', 'none']);

/**
 * cloudnative-pg pkg/postgres/configuration.go `FixedConfigurationParameters` (tag v1.30.0; the
 * same list in v1.27.0 to v1.29.0): "fixed" ones the operator sets itself, "blocked" ones that
 * must keep PostgreSQL's default for the operator to work. The Cluster webhook refuses a value
 * for either (internal/webhook/v1/cluster_webhook.go validateConfiguration).
 */
const FIXED =
  'archive_command archive_mode cluster_name pg_failover_slots.primary_dsn pg_failover_slots.standby_slot_names port ' +
  'primary_conninfo primary_slot_name recovery_target recovery_target_action recovery_target_inclusive recovery_target_lsn ' +
  'recovery_target_name recovery_target_time recovery_target_timeline recovery_target_xid restore_command ' +
  'shared_preload_libraries ssl ssl_ca_file ssl_cert_file ssl_crl_file ssl_dh_params_file ssl_ecdh_curve ssl_key_file ' +
  'ssl_passphrase_command ssl_passphrase_command_supports_reload ssl_prefer_server_ciphers synchronized_standby_slots ' +
  'synchronous_standby_names temp_tablespaces';
const BLOCKED =
  'allow_system_table_mods archive_cleanup_command bonjour bonjour_name config_file data_directory data_sync_retry ' +
  'event_source external_pid_file hba_file hot_standby ident_file jit_provider listen_addresses log_destination ' +
  'log_directory log_file_mode log_filename log_rotation_age log_rotation_size log_truncate_on_rotation ' +
  'logging_collector promote_trigger_file recovery_end_command recovery_min_apply_delay restart_after_crash ' +
  'stats_temp_directory syslog_facility syslog_ident syslog_sequence_numbers syslog_split_messages ' +
  'unix_socket_directories unix_socket_group unix_socket_permissions';

const MANAGED: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'CNPG manages it (spec.postgresql.shared_preload_libraries)',
};

/** Why CNPG refuses a value for `parameter`, or undefined. */
export function cnpgParameterProblem(parameter: string): string | undefined {
  if (FIXED.split(' ').includes(parameter))
    return `${parameter} is a fixed parameter: CNPG sets it and rejects a value here${MANAGED[parameter] ? `; ${MANAGED[parameter]}` : ''}`;
  if (BLOCKED.split(' ').includes(parameter)) return `${parameter} is a blocked parameter: it must keep PostgreSQL's default for CNPG to work`;
  return undefined;
}

/**
 * Values the CNPG Cluster webhook refuses (validateConfiguration, v1.30.0): `wal_level` must be
 * logical, replica or minimal, and minimal only without WAL archiving and with one instance;
 * the operator always archives (archive_mode on), so minimal never passes. `wal_log_hints`
 * must stay on with more than one instance.
 */
export function cnpgParameterValueProblem(parameter: string, value: string, instances: number): string | undefined {
  if (parameter === 'wal_level') {
    if (!['logical', 'replica', 'minimal'].includes(value)) return 'wal_level must be logical, replica or minimal';
    if (value === 'minimal') return 'wal_level minimal is refused by CNPG while it archives WAL (archive_mode on): use replica or logical';
  }
  if (parameter === 'wal_log_hints' && instances > 1 && /^(off|false|no|0)$/i.test(value)) return 'wal_log_hints must stay on when instances > 1 (the CNPG webhook refuses off)';
  return undefined;
}
