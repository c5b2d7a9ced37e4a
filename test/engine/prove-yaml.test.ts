import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeChanges } from '../../src/changes.js';
import type { Plan, PlannedFile } from '../../src/plan/index.js';

// Rendered YAML is parsed where it would be written (or shown as drift), not on every render.
const BROKEN = 'kind: ConfigMap\ndata: {a: 1\n';
const plan = (f: PlannedFile): Plan => ({ files: [f], roots: ['apps'], model: {} as Plan['model'] });
const owned: PlannedFile = { mode: 'owned', path: 'apps/cm.yaml', unit: 'app x', contents: BROKEN, templates: ['app/configmap.yaml.hbs'] };

describe('a template that renders invalid YAML', () => {
  it('stops the run before its file is created, naming the template', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prove-'));
    await expect(computeChanges(dir, plan(owned), [])).rejects.toThrow(/template app\/configmap\.yaml\.hbs rendered invalid YAML/);
  });
  it('stops it before its file is updated, and before a patched or scaffold file is created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prove-'));
    mkdirSync(join(dir, 'apps'));
    writeFileSync(join(dir, 'apps/cm.yaml'), 'kind: ConfigMap\n');
    await expect(computeChanges(dir, plan(owned), [])).rejects.toThrow(/rendered invalid YAML/);
    const patched: PlannedFile = { mode: 'patched', path: 'apps/new.yaml', unit: 'app x', apply: () => BROKEN, slots: () => ({}), templates: ['t.hbs'] };
    await expect(computeChanges(dir, plan(patched), [])).rejects.toThrow(/template t\.hbs rendered invalid YAML/);
    const scaffold: PlannedFile = { mode: 'scaffold', path: 'apps/s.yaml', unit: 'app x', contents: BROKEN, templates: ['s.hbs'] };
    await expect(computeChanges(dir, plan(scaffold), [])).rejects.toThrow(/template s\.hbs rendered invalid YAML/);
  });
  it('is not parsed again where the tree already holds exactly that text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prove-'));
    mkdirSync(join(dir, 'apps'));
    writeFileSync(join(dir, 'apps/cm.yaml'), BROKEN);
    const changes = await computeChanges(dir, plan(owned), []);
    expect(changes.find((c) => c.path === 'apps/cm.yaml')?.action).toBe('unchanged');
  });
});
