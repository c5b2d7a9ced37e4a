import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../schema/fields.js';
import { InputError, shown } from './errors.js';
import { PACKAGE_ROOT } from './paths.js';

/**
 * A profile is one team's answers to new-cluster, shipped with the package (`profiles/<name>.yaml`):
 * `--profile <name>` reads it as `--answers` would, and the user's flags and answers file override it.
 */
export const PROFILES_DIR = join(PACKAGE_ROOT, 'profiles');

export const profileNames = (): string[] =>
  readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();

export async function loadProfile(name: string | undefined): Promise<Answers> {
  if (name === undefined) return {};
  const names = profileNames();
  if (!names.includes(name)) throw new InputError(`--profile: no profile named ${shown(name)} (one of ${names.join(', ')})`);
  // Loaded here, not at the top: --help lists the profiles and should not load the YAML reader.
  const { loadAnswersFile } = await import('./context.js');
  return loadAnswersFile(PROFILES_DIR, `${name}.yaml`, '--profile');
}
