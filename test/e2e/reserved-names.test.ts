import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservedPgName } from '../../schema/rules.js';
import { startPostgres, type Postgres } from './support/postgres.js';
import { missingPostgres, missingWarning } from './support/tools.js';

const skip = missingWarning('reserved role names', missingPostgres());

/** Names the server gives a special meaning as a role, beyond its keywords. */
const SPECIAL = ['public', 'none', 'current_user', 'session_user', 'current_role'];

/**
 * Asks the server which names `CREATE ROLE <name>` (unquoted) refuses: each attempt runs in its
 * own subtransaction and is undone, so nothing is created.
 */
function refusedByServer(pg: Postgres, names: string[]): Map<string, string> {
  const list = names.map((n) => `'${n}'`).join(',');
  const out = pg.sql(`
    CREATE TEMP TABLE verdict (name text, error text);
    DO $$
    DECLARE n text;
    BEGIN
      FOREACH n IN ARRAY ARRAY[${list}] LOOP
        BEGIN
          EXECUTE 'CREATE ROLE ' || n;
          RAISE EXCEPTION 'accepted';
        EXCEPTION WHEN OTHERS THEN
          INSERT INTO verdict VALUES (n, NULLIF(SQLERRM, 'accepted'));
        END;
      END LOOP;
    END $$;
    SELECT name || E'\\t' || error FROM verdict WHERE error IS NOT NULL ORDER BY name;`);
  return new Map(out.split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]));
}

// The server is the installed major (15 here, 18 in the clusters): keywords barely move between them.
// NOTE: fails until schema/rules.ts reservedPgName learns the names PostgreSQL refuses (being fixed
// on another branch of issue #9). The mismatch list it prints is the to-do; do not weaken it.
describe.skipIf(!!skip)('reserved role names, asked of a real PostgreSQL', () => {
  let pg: Postgres;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(() => pg?.stop());

  it('reservedPgName refuses exactly the keywords and special names the server refuses as an unquoted role name', () => {
    const keywords = pg.sql('SELECT word FROM pg_get_keywords() ORDER BY 1').split('\n');
    expect(keywords.length).toBeGreaterThan(400);
    const names = [...new Set([...keywords, ...SPECIAL])];
    const server = refusedByServer(pg, names);
    expect(server.size).toBeGreaterThan(50); // the probe works: reserved keywords are refused
    expect(server.has('select') && !server.has('abort')).toBe(true);
    const mismatches = names
      .filter((n) => server.has(n) !== (reservedPgName(n) !== undefined))
      .map((n) => (server.has(n) ? `${n}: server refuses (${server.get(n)}), reservedPgName allows` : `${n}: server accepts, reservedPgName refuses`));
    expect(mismatches).toEqual([]);
  });
});
