import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppAnswers } from '../../schema/app.js';
import { OtherApps } from '../../schema/other-apps.js';
import type { RepoAnswers } from '../../schema/repo.js';
import { overlaps } from '../../src/repo-path.js';

// The index only narrows which recorded apps the cross-app rules look at: it must name every app
// the rules could refuse (same cluster and database or role, overlapping paths), in recorded order.
const repo = { topology: 'shared', fluxNamespace: 'flux-system', namespace: 'databases', networkPolicies: false } as unknown as RepoAnswers;
const seg = fc.constantFrom('a', 'b', 'ab', 'a-b');
const app = fc.record({
  name: fc.constantFrom('x', 'y', 'z', 'w'),
  cluster: fc.constantFrom('c1', 'c2'),
  database: fc.constantFrom('d1', 'd2', 'd3'),
  role: fc.constantFrom('r1', 'r2', 'r3'),
  path: fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')),
  namespace: fc.constant('default'),
}) as unknown as fc.Arbitrary<AppAnswers>;

describe('OtherApps', () => {
  it('names every recorded app that may conflict, in recorded order, also when caught up one app at a time', () => {
    fc.assert(
      fc.property(fc.array(app, { maxLength: 12 }), app, (others, a) => {
        const want = others.filter((o) => (o.cluster === a.cluster && (o.database === a.database || o.role === a.role)) || overlaps(o.path, a.path));
        const whole = OtherApps.for(undefined, repo, [], others);
        let grown: OtherApps | undefined;
        for (let i = 0; i <= others.length; i++) grown = OtherApps.for(grown, repo, [], others.slice(0, i));
        for (const index of [whole, grown!]) {
          const got = index.candidates(a);
          expect(want.every((o) => got.includes(o))).toBe(true);
          expect(got).toEqual(others.filter((o) => got.includes(o)));
        }
      }),
      { numRuns: 500 },
    );
  });
});
