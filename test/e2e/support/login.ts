import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Postgres } from './postgres.js';
import { JDBC_JAR } from './tools.js';

const LOGIN_JAVA = join(import.meta.dirname, '..', 'jdbc', 'Login.java');

/**
 * The secret's host is the cluster's Service name; here the server listens on 127.0.0.1 at a
 * free port. Only that `host:5432` is replaced (exactly once), so user, password and database
 * reach the client byte for byte as rendered.
 */
export function pointAt(uri: string, host: string, pg: Postgres): string {
  const from = `${host}:5432/`;
  const at = uri.indexOf(from);
  if (at < 0 || uri.indexOf(from, at + 1) >= 0) throw new Error(`expected "${from}" once in the rendered URI`);
  return uri.slice(0, at) + `127.0.0.1:${pg.port}/` + uri.slice(at + from.length);
}

const clean = (pg: Postgres): NodeJS.ProcessEnv => {
  const env = { ...pg.env };
  for (const k of ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE']) delete env[k];
  return env;
};

/** `psql <uri>` (no PG* defaults around): returns "user\tdatabase" or throws with psql's error. */
export function psqlLogin(pg: Postgres, uri: string): string {
  const r = pg.psql([uri, '-At', '-F', '\t', '-c', 'SELECT current_user, current_database()'], clean(pg));
  if (r.status !== 0) throw new Error(`psql login failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** pgjdbc logins, one JVM for all URLs: per URL "user\tdatabase" or "ERROR <message>". */
export function jdbcLogins(pg: Postgres, urls: string[]): string[] {
  const r = spawnSync('java', ['-cp', JDBC_JAR, LOGIN_JAVA, ...urls], { encoding: 'utf8', env: clean(pg) });
  if (r.status !== 0) throw new Error(`java Login.java failed: ${r.stderr}`);
  return r.stdout.trimEnd().split('\n');
}

/** Logs in with PG* variables as a pod's env would give them (the backup CronJob, postgres-init). */
export function envLogin(pg: Postgres, env: Record<string, string>): string {
  const r = pg.psql(['-At', '-F', '\t', '-c', 'SELECT current_user, current_database()'], { ...clean(pg), ...env });
  if (r.status !== 0) throw new Error(`psql login failed: ${r.stderr}`);
  return r.stdout.trim();
}
