import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, snapshot } from '../helpers.js';
import { appsOf, buildProfile, expectClean, PROFILES } from './support.js';

/**
 * Each shipped profile, as its team would run it: one non-interactive `new-cluster --profile`, then
 * `new-app --answers` for the example apps in `test/profiles/<profile>.apps.yaml` (a list of answer
 * maps), on the repository in `test/profiles/<profile>.base/` when there is one. The tree must equal `test/golden/profiles/<profile>/` (UPDATE_GOLDENS=1 rewrites it: read the
 * diff), regenerate without drift, and validate clean.
 */
describe.each(PROFILES)('profile %s', (profile) => {
  it('one command builds the team\'s tree; new-app, regen --check and validate work on it', () => {
    const dir = buildProfile(profile, appsOf(profile));
    const golden = join(ROOT, 'test', 'golden', 'profiles', profile);
    const got = snapshot(dir);
    if (process.env.UPDATE_GOLDENS) {
      rmSync(golden, { recursive: true, force: true });
      for (const [p, text] of Object.entries(got)) {
        mkdirSync(dirname(join(golden, p)), { recursive: true });
        writeFileSync(join(golden, p), text);
      }
    }
    expect(existsSync(golden), `no golden tree for profile ${profile}`).toBe(true);
    expect(got).toEqual(snapshot(golden));
    expectClean(dir);
  }, 60_000);
});
