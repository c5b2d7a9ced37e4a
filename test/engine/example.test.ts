import { describe, expect, it } from 'vitest';
import { regen } from '../../src/commands/regen.js';
import { validate } from '../../src/commands/validate.js';
import { EXAMPLE, ctxFor } from '../helpers.js';

describe('bundled example', () => {
  it('regenerates byte for byte from its recorded answers', async () => {
    const ctx = ctxFor(EXAMPLE);
    const code = await regen(ctx, { check: true });
    expect(ctx.lines.slice(0, -1)).toEqual([]);
    expect(code).toBe(0);
  });

  it('validates: schemas, CEL rules, substitution, references and kustomize builds', async () => {
    const ctx = ctxFor(EXAMPLE);
    const code = await validate(ctx, { schemaLocations: [] });
    expect(ctx.lines.filter((l) => !l.startsWith('note:') && !l.startsWith('validate:'))).toEqual([]);
    expect(code).toBe(0);
  }, 30_000);
});
