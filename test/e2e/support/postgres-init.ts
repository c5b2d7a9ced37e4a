import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Missing } from './tools.js';

/**
 * home-operations/containers apps/postgres-init/entrypoint.sh, the initContainer the
 * init-container mode feeds. Its code is not this repository's to commit, so the tests run it in
 * two ways:
 * - the real script, when POSTGRES_INIT_ENTRYPOINT (or test/e2e/vendor/postgres-init/entrypoint.sh,
 *   git-ignored) holds it at this commit: `curl -fsSLo <file> <POSTGRES_INIT_URL>` where a network is;
 * - always: `transcribedPostgresInit`, the commands that script issues at this commit, in its order
 *   and with its interpolations (what it runs, read from the script, not its text), so every CI run
 *   proves the rendered secret against a real server even where the script cannot be fetched.
 */
export const POSTGRES_INIT = {
  repo: 'home-operations/containers',
  path: 'apps/postgres-init/entrypoint.sh',
  commit: 'a9b84a484c7eed40807d46494ed2ae8d59c0b274',
  sha256: '1f256ff15cb2dc5e79ca373dbe3ca980969db5f84aa2ebfe0f2392db9ad57e3c',
};
export const POSTGRES_INIT_URL = `https://raw.githubusercontent.com/${POSTGRES_INIT.repo}/${POSTGRES_INIT.commit}/${POSTGRES_INIT.path}`;
const DEFAULT = join(import.meta.dirname, '..', 'vendor', 'postgres-init', 'entrypoint.sh');

export function postgresInitScript(): string | undefined {
  const file = process.env.POSTGRES_INIT_ENTRYPOINT ?? DEFAULT;
  return existsSync(file) ? file : undefined;
}

export function missingPostgresInit(): Missing[] {
  const file = postgresInitScript();
  if (!file) return [{ tool: `postgres-init entrypoint.sh (${DEFAULT}); the transcribed commands ran instead`, install: `curl -fsSLo ${DEFAULT} ${POSTGRES_INIT_URL}` }];
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (!process.env.POSTGRES_INIT_ENTRYPOINT && digest !== POSTGRES_INIT.sha256) {
    return [{ tool: `postgres-init entrypoint.sh at ${POSTGRES_INIT.commit} (${file} has sha256 ${digest})`, install: `curl -fsSLo ${DEFAULT} ${POSTGRES_INIT_URL}` }];
  }
  return [];
}

export interface InitRun {
  status: number;
  output: string;
}

/** The real script, with the initdb secret's keys as its environment. */
export function runPostgresInitScript(script: string, env: Record<string, string>): InitRun {
  const r = spawnSync('bash', [script], { encoding: 'utf8', env });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/**
 * What the script at POSTGRES_INIT.commit runs, step by step: psql/createuser/createdb with PG*
 * set from the INIT_POSTGRES_* keys, the values placed into SQL text exactly where the script
 * places them (role name in a `'...'` literal and a `"..."` identifier, password in a `'...'`
 * literal of ALTER USER, database names word-split from INIT_POSTGRES_DBNAME). Like the script
 * it carries on past a failed command: what it did is read back from the server.
 */
export function transcribedPostgresInit(env: Record<string, string>): InitRun {
  const user = env.INIT_POSTGRES_USER ?? '';
  const pgEnv = {
    ...env,
    PGHOST: env.INIT_POSTGRES_HOST ?? '',
    PGUSER: env.INIT_POSTGRES_SUPER_USER || 'postgres',
    PGPASSWORD: env.INIT_POSTGRES_SUPER_PASS ?? '',
    PGPORT: env.INIT_POSTGRES_PORT || '5432',
  };
  let output = '';
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: pgEnv });
    output += `${r.stdout ?? ''}${r.stderr ?? ''}`;
    return (r.stdout ?? '').trim();
  };
  const psql = (sql: string, extra: string[] = []) => run('psql', [...extra, '--command', sql]);
  if (!psql(`SELECT 1 FROM pg_roles WHERE rolname = '${user}'`, ['--tuples-only', '--csv'])) run('createuser', [user]);
  psql(`alter user "${user}" with encrypted password '${env.INIT_POSTGRES_PASS ?? ''}';`);
  for (const dbname of (env.INIT_POSTGRES_DBNAME ?? '').split(/\s+/).filter(Boolean)) {
    if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${dbname}'`, ['--tuples-only', '--csv'])) {
      if (env.INIT_POSTGRES_UTF8 === 'true') run('createdb', ['--template', 'template0', '--encoding', 'UTF8', '--owner', user, dbname]);
      else run('createdb', ['--owner', user, dbname]);
    }
    psql(`grant all privileges on database "${dbname}" to "${user}";`);
  }
  return { status: 0, output };
}
