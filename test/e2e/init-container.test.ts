import { describe, expect, it } from 'vitest';
import { pointAt, psqlLogin } from './support/login.js';
import { EMOJI, HOSTILE, PADDED } from './support/passwords.js';
import { type InitRun, missingPostgresInit, postgresInitScript, runPostgresInitScript, transcribedPostgresInit } from './support/postgres-init.js';
import { realServer } from './support/suite.js';
import { materialize, secret, type Store } from './support/secrets.js';
import { missingPostgres, missingRenderer, missingWarning } from './support/tools.js';
import { appliedDocs, generate } from './support/tree.js';

const skip = missingWarning('init-container provisioning (postgres-init)', [...missingPostgres(), ...missingRenderer()]);
// The real script is not committed (see support/postgres-init.ts): without it, its commands run transcribed.
const realScript = missingWarning('init-container provisioning with the real postgres-init script', missingPostgresInit()) ? undefined : postgresInitScript();
const RUNNERS: [string, (env: Record<string, string>) => InitRun][] = [
  ['the commands postgres-init runs, transcribed', transcribedPostgresInit],
  ...(realScript ? [['the real postgres-init script', (env: Record<string, string>) => runPostgresInitScript(realScript, env)] as [string, (env: Record<string, string>) => InitRun]] : []),
];

const PASSWORDS = [...HOSTILE, PADDED, EMOJI];
const APPS = PASSWORDS.map((password, i) => ({
  answers: { name: `init-${i}`, database: `init_${i}`, namespace: 'apps', appLayout: i % 2 ? 'explicit' : 'component', provisioning: 'init-container', backups: false },
  password,
}));

describe.skipIf(!!skip)('init-container provisioning: postgres-init against a real PostgreSQL', () => {
  const live = realServer();

  it.each(RUNNERS)('%s creates each role and database with the rendered initdb secret; the app logs in with its uri; no password runs SQL', async (_label, runInit) => {
    const dir = await generate({}, APPS.map((a) => a.answers));
    const docs = await appliedDocs(dir);
    // The cluster's superuser password is the server's (hostile too: see startPostgres).
    const store: Store = { 'cloudnative-pg': { POSTGRES_SUPER_PASS: live.pg.superPass } };
    for (const a of APPS) store[a.answers.name] = { POSTGRES_PASSWORD: a.password };
    const secrets = materialize(docs, store, live.renderer);
    for (const { answers } of APPS) {
      const env = secret(secrets, answers.namespace, `${answers.name}-initdb-secret`);
      expect(env.INIT_POSTGRES_SUPER_PASS).toBe(live.pg.superPass);
      // The Service name is not resolvable here: only host and port point at the test server.
      const r = runInit({ PATH: `${live.pg.bin}:${process.env.PATH}`, ...env, INIT_POSTGRES_HOST: '127.0.0.1', INIT_POSTGRES_PORT: String(live.pg.port) });
      expect(r.status, `${answers.name}: ${r.output}`).toBe(0);
      // The script ignores psql failures (no `set -e`): what it did is read from the server.
      expect(live.pg.sql(`SELECT rolname FROM pg_roles WHERE rolname = 'pwned' OR (rolsuper AND rolname <> 'postgres')`), `${answers.name}: roles made by the password`).toBe('');
      const s = secret(secrets, answers.namespace, `${answers.name}-pguser-secret`);
      expect(psqlLogin(live.pg, pointAt(s.uri!, s.host!, live.pg)), answers.name).toBe(`${answers.database}\t${answers.database}`);
    }
    expect(live.pg.sql(`SELECT string_agg(datname || ':' || pg_get_userbyid(datdba), ',' ORDER BY datname) FROM pg_database WHERE datname LIKE 'init\\_%'`)).toBe(
      APPS.map((a) => `${a.answers.database}:${a.answers.database}`).join(','),
    );
  }, 60_000);
});
