import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteIdent } from './cnpg-sql.js';
import { pgBin } from './tools.js';

/**
 * A throwaway PostgreSQL server: its own data directory and unix socket in a temp dir, TCP on
 * 127.0.0.1 at a free port, password (SCRAM) authentication everywhere so a login proves the
 * password. initdb and postgres refuse to run as root, so as root the server runs as the
 * unprivileged `postgres` user (Debian's postgresql package creates it) through runuser.
 */
export interface Postgres {
  bin: string;
  port: number;
  socketDir: string;
  superuser: string;
  superPass: string;
  /** Environment for the client programs: superuser over the socket. */
  env: NodeJS.ProcessEnv;
  /** psql as the superuser; throws with stderr on failure; returns stdout. */
  sql(sql: string, database?: string): string;
  psql(args: string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
  reset(): void;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const asServerUser = (argv: string[]): string[] => (process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...argv] : argv);

function run(argv: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env });
}

function check(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A test process that is killed (a timeout, ^C, SIGKILL) never runs its afterAll, and pg_ctl's
 * server outlives it. A detached watchdog stops the server and removes its directory once this
 * process is gone; a normal stop() makes it exit on its own.
 */
function reapWhenGone(stop: string[], dir: string): void {
  const script = `while kill -0 ${process.pid} 2>/dev/null && [ -d ${shq(dir)} ]; do sleep 1; done; [ -d ${shq(dir)} ] && { ${stop.map(shq).join(' ')} >/dev/null 2>&1; rm -rf ${shq(dir)}; }; exit 0`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

export async function startPostgres(): Promise<Postgres> {
  const bin = pgBin();
  if (!bin) throw new Error('no PostgreSQL server binaries');
  const dir = mkdtempSync(join(tmpdir(), 'cnpg-e2e-pg-'));
  const superuser = 'postgres';
  // Known to the test only; the hostile passwords are the apps' (the superuser's goes through the initdb secret too).
  const superPass = `Sup3r'"\\ @:/?#[]%&+= $pass`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${superPass}\n`);
  if (process.getuid?.() === 0) {
    const { uid, gid } = idOf('postgres');
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  check(
    run(asServerUser([join(bin, 'initdb'), '-D', data, '-U', superuser, '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'])),
    'initdb',
  );
  rmSync(pwfile);
  let port = 0;
  let started: SpawnSyncReturns<string> | undefined;
  // A port found free can be taken before the server binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    port = await freePort();
    const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c password_encryption=scram-sha-256`;
    started = run(asServerUser([join(bin, 'pg_ctl'), '-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']));
    if (started.status === 0) break;
  }
  check(started!, 'pg_ctl start');
  reapWhenGone(asServerUser([join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']), dir);
  const env = { ...process.env, PGHOST: dir, PGPORT: String(port), PGUSER: superuser, PGPASSWORD: superPass, PGDATABASE: 'postgres', PATH: `${bin}:${process.env.PATH}` };
  const psql = (args: string[], extra: NodeJS.ProcessEnv = env) => run([join(bin, 'psql'), '-X', '--no-psqlrc', ...args], extra);
  const sql = (text: string, database = 'postgres') => check(psql(['-v', 'ON_ERROR_STOP=1', '-At', '-d', database, '-c', text]), `psql -c ${text.slice(0, 60)}`).replace(/\n$/, '');
  return {
    bin,
    port,
    socketDir: dir,
    superuser,
    superPass,
    env,
    psql,
    sql,
    reset() {
      // Back to a fresh server between tests: drop what the tests created (not the superuser).
      for (const db of sql(`SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')`).split('\n').filter(Boolean)) {
        sql(`DROP DATABASE ${quoteIdent(db)} WITH (FORCE)`);
      }
      for (const role of sql(`SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND rolname <> current_user`).split('\n').filter(Boolean)) {
        sql(`DROP ROLE ${quoteIdent(role)}`);
      }
    },
    stop() {
      run(asServerUser([join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function idOf(user: string): { uid: number; gid: number } {
  const uid = Number(check(run(['id', '-u', user]), `id -u ${user}`).trim());
  const gid = Number(check(run(['id', '-g', user]), `id -g ${user}`).trim());
  return { uid, gid };
}
