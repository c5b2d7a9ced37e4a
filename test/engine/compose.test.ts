import { describe, expect, it } from 'vitest';
import { resourcesPatch } from '../../src/plan/emit.js';
import { mergeByPath, type PlannedFile } from '../../src/plan/index.js';

// A namespace's kustomization.yaml lists the ks.yaml of every app in it: the patches of many units
// to one file compose as one edit. It must give the text and the slots that applying each unit's
// patch in turn gives (what the planner did before), whatever the user's file looks like.
const PATH = 'kubernetes/apps/ns/kustomization.yaml';
const units = (n: number): PlannedFile[] => [
  resourcesPatch(PATH, 'operator', { created: ['./namespace.yaml', './cnpg/ks.yaml'], existing: ['./namespace.yaml', './cnpg/ks.yaml'] }),
  ...Array.from({ length: n }, (_, i) => resourcesPatch(PATH, `app app-${i}`, { created: ['./namespace.yaml', `./app-${i}/ks.yaml`], existing: [`./app-${i}/ks.yaml`] })),
];
type Patched = Extract<PlannedFile, { mode: 'patched' }>;
/** The same patches without their entries spelled out: the planner can only chain them. */
const opaque = (files: PlannedFile[]) => files.map((f) => ({ ...(f as Patched), resources: undefined }));

const k = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const USER_FILES: Record<string, string | undefined> = {
  absent: undefined,
  empty: k,
  'block list with comments': `${k}# mine\nresources:\n  - ./namespace.yaml # the namespace\n  - ./other/ks.yaml\n# the end\n`,
  'flush list, some listed already': `${k}resources:\n- ./app-3/ks.yaml\n- app-1/ks.yaml/\n- ./mine.yaml\n`,
  'flow list': `${k}resources: [./mine.yaml, ./app-2/ks.yaml]\n`,
  'empty flow list': `${k}resources: []\n`,
  'CRLF, resources: with nothing': `${k.replace(/\n/g, '\r\n')}resources:\r\n`,
  'two documents': `---\nkind: Other\n---\n${k}resources:\n  - ./x.yaml\n`,
};

describe('one shared kustomization.yaml composed from many units', () => {
  for (const [what, text] of Object.entries(USER_FILES))
    it(`gives the text and slots of applying each unit in turn: ${what}`, () => {
      const [one] = mergeByPath(units(12)) as [Patched];
      const [chained] = mergeByPath(opaque(units(12))) as [Patched];
      expect(one.resources).toBeDefined(); // composed as one list, not chained
      expect(chained.resources).toBeUndefined();
      const desired = one.apply(text);
      expect(desired).toBe(chained.apply(text));
      expect(one.slots(text)).toEqual(chained.slots(text));
      expect(Object.keys(one.slots(desired))).toEqual(Object.keys(chained.slots(desired)));
      // Applying again changes nothing.
      expect(one.apply(desired)).toBe(desired);
    });
  it('names the first unit, and keeps every entry once, in unit order', () => {
    const [one] = mergeByPath(units(3)) as [Patched];
    expect(one.unit).toBe('operator');
    expect(one.apply(undefined)).toBe(`${k}resources:\n  - ./namespace.yaml\n  - ./cnpg/ks.yaml\n  - ./app-0/ks.yaml\n  - ./app-1/ks.yaml\n  - ./app-2/ks.yaml\n`);
  });
});
