import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { APP_VARS, EMBEDDED_KEYS } from '../../src/plan/app-values.js';

/** Helpers that write a value (each one decides its YAML form); `eq`/`or`/`and`/`not` only test. */
const VALUE_HELPERS = new Set(['q', 'str', 'block', 'go', 'shq', 'line']);

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templates(join(dir, e.name)) : e.name.endsWith('.hbs') ? [join(dir, e.name)] : []));
}

/** Every `{{...}}` that prints something, as `file: source`, unless it is a value helper called with a value. */
function rawMustaches(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; path?: { original?: unknown }; params?: unknown[]; loc?: { start: { line: number } } };
    if (n.type === 'MustacheStatement') {
      const name = String(n.path?.original);
      if (!VALUE_HELPERS.has(name) || !n.params?.length) out.push(`${relative(TEMPLATES_DIR, file)}:${n.loc?.start.line}: {{${name}}}`);
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') (Array.isArray(v) ? v : [v]).forEach(visit);
  };
  visit(Handlebars.parse(source));
  return out;
}

describe('templates', () => {
  it('each has a typed view in src/views.ts, and each view a template', () => {
    const names = templates(TEMPLATES_DIR).map((f) => relative(TEMPLATES_DIR, f)).sort();
    const views = readFileSync(join(TEMPLATES_DIR, '..', 'src', 'views.ts'), 'utf8');
    const declared = [...views.matchAll(/^  '([^']+\.hbs)':/gm)].map((m) => m[1]).sort();
    expect(declared).toEqual(names);
  });

  it('pass every value through a YAML-safe helper (no raw {{name}} mustache)', () => {
    const files = templates(TEMPLATES_DIR);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(rawMustaches)).toEqual([]);
  });

  it('the scan sees a raw mustache, in a comment or a value', () => {
    const probe = Handlebars.parse('# {{app}}\na: {{q b}}\nc: {{{d}}}\n');
    let seen = 0;
    const walk = (n: any): void => {
      if (n?.type === 'MustacheStatement' && !VALUE_HELPERS.has(String(n.path.original))) seen++;
      if (n?.body) n.body.forEach(walk);
    };
    walk(probe);
    expect(seen).toBe(2);
  });
});

describe('component variables', () => {
  it('used inside a longer scalar are exactly the EMBEDDED_KEYS (the others get their value as YAML text)', () => {
    const dir = join(import.meta.dirname, '..', 'golden', 'cnpg-1.30-defaults', 'kubernetes', 'components');
    const embedded = new Set<string>();
    for (const file of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
      for (const line of readFileSync(join(file.parentPath, file.name), 'utf8').split('\n')) {
        for (const m of line.matchAll(/\$\{(CNPG_[A-Z_]+)\}/g)) {
          // A whole scalar: `key: "${VAR}"` or `- "${VAR}"`, nothing else on the line.
          if (!new RegExp(`^\\s*(- |[^\\s"][^"]*: )"\\$\\{${m[1]}\\}"$`).test(line)) embedded.add(m[1]!);
        }
      }
    }
    const expected = [...EMBEDDED_KEYS].map((k) => APP_VARS[k]);
    expect([...embedded].sort()).toEqual(expected.sort());
  });
});
