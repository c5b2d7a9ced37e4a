import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The end-to-end tests run real programs. A missing one skips its tests, loudly: the warning
 * names the program and the Debian package that provides it (`.ci/run` installs them).
 */
export interface Missing {
  tool: string;
  install: string;
}

export function missingWarning(suite: string, missing: readonly Missing[]): string | undefined {
  if (!missing.length) return undefined;
  const list = missing.map((m) => `${m.tool} (install: ${m.install})`).join(', ');
  const text = `SKIPPED e2e "${suite}": missing ${list}`;
  console.warn(`\n*** ${text} ***\n`);
  return text;
}

export function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The newest PostgreSQL server binaries Debian installs (/usr/lib/postgresql/<major>/bin), or PG_BIN. */
export function pgBin(): string | undefined {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : undefined;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return majors.length ? join(base, majors[0]!, 'bin') : undefined;
}

export const PG: Missing = { tool: 'PostgreSQL server (initdb, pg_ctl, psql)', install: 'apt-get install postgresql' };
export const GO: Missing = { tool: 'go', install: 'apt-get install golang-go' };
export const SPRIG: Missing = { tool: 'sprig sources', install: 'apt-get install golang-github-masterminds-sprig-dev' };
export const YAML_V2: Missing = { tool: 'go-yaml v2 sources', install: 'apt-get install golang-gopkg-yaml.v2-dev' };
export const JAVA: Missing = { tool: 'java (JDK 11+, runs a source file)', install: 'apt-get install default-jdk-headless' };
export const JDBC: Missing = { tool: 'PostgreSQL JDBC driver', install: 'apt-get install libpostgresql-jdbc-java' };
export const JDBC_JAR = process.env.PG_JDBC_JAR ?? '/usr/share/java/postgresql.jar';
export const GOPATH_DEBIAN = '/usr/share/gocode';

/** What the PostgreSQL-backed tests need; the renderer's needs are added by the suites that render. */
export function missingPostgres(): Missing[] {
  if (!pgBin()) return [PG];
  // initdb refuses root: as root the server runs as `postgres` (see postgres.ts).
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0) {
    return [{ tool: 'user postgres (initdb refuses to run as root)', install: 'apt-get install postgresql creates it; or useradd --system postgres' }];
  }
  if (process.getuid?.() === 0 && !onPath('runuser')) return [{ tool: 'runuser', install: 'apt-get install util-linux' }];
  return [];
}

export function missingRenderer(): Missing[] {
  const out: Missing[] = [];
  if (!onPath('go')) out.push(GO);
  if (!existsSync(join(GOPATH_DEBIAN, 'src/github.com/Masterminds/sprig/functions.go'))) out.push(SPRIG);
  return out;
}

/** The Helm template renderer needs go-yaml v2 besides Go and sprig. */
export function missingHelmRenderer(): Missing[] {
  const out = missingRenderer();
  if (!existsSync(join(GOPATH_DEBIAN, 'src/gopkg.in/yaml.v2/yaml.go'))) out.push(YAML_V2);
  return out;
}

export function missingJava(): Missing[] {
  const out: Missing[] = [];
  if (!onPath('java')) out.push(JAVA);
  if (!existsSync(JDBC_JAR)) out.push(JDBC);
  return out;
}
