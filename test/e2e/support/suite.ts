import { afterAll, afterEach, beforeAll } from 'vitest';
import { esoRenderer } from './eso.js';
import { startPostgres, type Postgres } from './postgres.js';

/** What a suite's tests use; filled in by `beforeAll`, so read it inside tests only. */
export interface Live {
  /** The External Secrets template renderer binary, built once per run. */
  renderer: string;
  pg: Postgres;
}

/**
 * The lifecycle every e2e suite shares: the renderer built and a server started before the tests,
 * the server emptied after each test and stopped after the last.
 */
export function realServer(): Live {
  const live = {} as Live;
  beforeAll(async () => {
    live.renderer = esoRenderer();
    live.pg = await startPostgres();
  }, 120_000);
  afterEach(() => live.pg?.reset());
  afterAll(() => live.pg?.stop());
  return live;
}
