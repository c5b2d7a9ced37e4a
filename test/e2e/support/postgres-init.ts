import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Missing } from './tools.js';

/**
 * home-operations/containers apps/postgres-init/entrypoint.sh, the initContainer the
 * init-container mode feeds. It is run as published, never copied into this repository: `.ci/run`
 * fetches it at this commit and checks its digest; POSTGRES_INIT_ENTRYPOINT points elsewhere.
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
  if (!file) return [{ tool: `postgres-init entrypoint.sh (${DEFAULT})`, install: `.ci/run fetches it, or: curl -fsSLo ${DEFAULT} ${POSTGRES_INIT_URL}` }];
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (!process.env.POSTGRES_INIT_ENTRYPOINT && digest !== POSTGRES_INIT.sha256) {
    return [{ tool: `postgres-init entrypoint.sh at ${POSTGRES_INIT.commit} (${file} has sha256 ${digest})`, install: `curl -fsSLo ${DEFAULT} ${POSTGRES_INIT_URL}` }];
  }
  return [];
}
