import type { AppValues } from './app-values.js';

/**
 * The dump script. Shell variables are written `$name`, never `${name}`, and there is no `$$`:
 * Flux substitutes `${...}` and collapses `$$`, so the script passes through it unchanged while
 * the `${CNPG_*}` values in component layout are filled in.
 */
export function backupScript(v: Pick<AppValues, 'database' | 'keepDays' | 'keepWeeks' | 'keepMonths'>, root = '/backups'): string {
  return [
    'set -euo pipefail',
    `db=${v.database}`,
    `dir=${root}/$db`,
    'mkdir -p "$dir/daily" "$dir/weekly" "$dir/monthly"',
    'file="$dir/daily/$db-$(date +%Y%m%d-%H%M%S).dump"',
    // A failed run leaves no .partial behind (the rename below makes this a no-op on success).
    `trap 'rm -f "$file.partial"' EXIT`,
    'pg_dump --format=custom --no-owner --file="$file.partial"',
    'mv "$file.partial" "$file"',
    'if [ "$(date +%u)" = 7 ]; then cp "$file" "$dir/weekly/"; fi',
    'if [ "$(date +%d)" = 01 ]; then cp "$file" "$dir/monthly/"; fi',
    // Names carry the timestamp, so name order is age order; find (unlike a glob) is fine with an
    // empty directory, which the weekly and monthly ones are for their first week and month.
    `prune() { find "$1" -maxdepth 1 -type f -name '*.dump' | sort -r | tail -n +"$(($2 + 1))" | xargs -r rm -f --; }`,
    `prune "$dir/daily" ${v.keepDays}`,
    `prune "$dir/weekly" ${v.keepWeeks}`,
    `prune "$dir/monthly" ${v.keepMonths}`,
    'echo "dumped $db to $file"',
    '',
  ].join('\n');
}

/** pg_dump reads its connection from these, all keys of the pguser secret. */
export const BACKUP_ENV = [
  { name: 'PGHOST', key: 'host' },
  { name: 'PGPORT', key: 'port' },
  { name: 'PGDATABASE', key: 'dbname' },
  { name: 'PGUSER', key: 'username' },
  { name: 'PGPASSWORD', key: 'password' },
];
