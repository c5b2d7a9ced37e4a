import { describe, expect, it } from 'vitest';
import type { CnpgRelease } from './support/cnpg-sql.js';
import { jdbcLogins, pointAt, psqlLogin } from './support/login.js';
import { EMOJI, HOSTILE, PADDED } from './support/passwords.js';
import { realServer } from './support/suite.js';
import { reconcile } from './support/reconcile.js';
import { materialize, secret, type Store } from './support/secrets.js';
import { missingJava, missingPostgres, missingRenderer, missingWarning } from './support/tools.js';
import { appliedDocs, generate } from './support/tree.js';

const skip = missingWarning('declarative roles and databases', [...missingPostgres(), ...missingRenderer()]);
const noJava = missingWarning('declarative roles: JDBC login', missingJava());

/** Both ways the tool declares roles: DatabaseRole CRs (chart 0.29.0, CNPG 1.30) and Cluster.spec.managed.roles (0.27.1, CNPG 1.28). */
const RELEASES: { chart: string; release: CnpgRelease; kind: string }[] = [
  { chart: '0.29.0', release: '1.30', kind: 'DatabaseRole' },
  { chart: '0.27.1', release: '1.28', kind: 'Cluster.spec.managed.roles' },
];

/** One app per hostile password, across both layouts (component: values through Flux substitution). */
const PASSWORDS = [...HOSTILE, PADDED, EMOJI];
const ALL_APPS = PASSWORDS.map((password, i) => ({
  answers: {
    name: i === 0 ? 'wiki' : `app-${i}`,
    database: i === 0 ? 'wiki' : `app_${i}`,
    namespace: i % 2 ? 'media' : 'apps',
    appLayout: i % 2 ? 'explicit' : 'component',
    extensions: i === 0 ? ['citext', 'pg_trgm', 'hstore'] : [],
    provisioning: 'declarative',
    backups: false,
  },
  password,
}));

describe.skipIf(!!skip)('declarative provisioning against a real PostgreSQL', () => {
  const live = realServer();

  for (const { chart, release, kind } of RELEASES) {
    // CNPG 1.30 SCRAM-encodes the password itself with xdg-go/stringprep's SASLprep, which (stored
    // strings mode, saslprep.go) refuses code points unassigned in Unicode 3.2: the role would get
    // no password. 1.28 sends the cleartext and the server falls back to the raw bytes.
    const APPS = ALL_APPS.filter((a) => release !== '1.30' || a.password !== EMOJI);
    it(`chart ${chart} (${kind}): the operator's SQL creates roles and databases; each app's uri and jdbc-uri log in with its hostile password`, async () => {
      const dir = await generate({ chartVersion: chart }, APPS.map((a) => a.answers));
      const docs = await appliedDocs(dir);
      // The release decides where roles are declared: exactly one of the two ways.
      const crs = docs.filter((d) => d.obj.kind === 'DatabaseRole').length;
      const managed = docs.filter((d) => d.obj.kind === 'Cluster').flatMap((d) => ((d.obj.spec as { managed?: { roles?: unknown[] } }).managed?.roles ?? [])).length;
      expect(kind === 'DatabaseRole' ? [crs, managed] : [managed, crs]).toEqual([APPS.length, 0]);
      const store: Store = { 'cloudnative-pg': { POSTGRES_SUPER_PASS: live.pg.superPass } };
      for (const a of APPS) store[a.answers.name] = { POSTGRES_PASSWORD: a.password };
      const secrets = materialize(docs, store, live.renderer);
      const done = reconcile(live.pg, docs, secrets, release);
      expect(done.roles.sort()).toEqual(APPS.map((a) => a.answers.database).sort());
      expect(done.unavailableExtensions).toEqual([]);
      expect(live.pg.sql(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`, 'wiki')).toBe('citext\nhstore\npg_trgm');
      const jdbc: { name: string; url: string; who: string }[] = [];
      for (const { answers, password } of APPS) {
        const s = secret(secrets, answers.namespace, `${answers.name}-pguser-secret`);
        const who = `${s.username}\t${s.dbname}`;
        expect(who).toBe(`${answers.database}\t${answers.database}`);
        expect(psqlLogin(live.pg, pointAt(s.uri!, s.host!, live.pg)), `${answers.name} uri`).toBe(who);
        // The separate keys, as an app that builds its own connection uses them.
        const own = `postgresql://127.0.0.1:${live.pg.port}/${s.dbname}?user=${encodeURIComponent(s.username!)}&password=${encodeURIComponent(s.password!)}`;
        expect(psqlLogin(live.pg, own), `${answers.name} password key`).toBe(who);
        if (password !== EMOJI) jdbc.push({ name: answers.name, url: pointAt(s['jdbc-uri']!, s.host!, live.pg), who });
      }
      if (!noJava) {
        const got = jdbcLogins(live.pg, jdbc.map((j) => j.url));
        expect(Object.fromEntries(jdbc.map((j, i) => [j.name, got[i]]))).toEqual(Object.fromEntries(jdbc.map((j) => [j.name, j.who])));
      }
      expect(live.pg.sql(`SELECT count(*) FROM pg_roles WHERE rolname = 'pwned'`)).toBe('0');
    }, 60_000);
  }
});
