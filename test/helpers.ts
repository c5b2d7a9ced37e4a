import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import type { Context } from '../src/context.js';

export const ROOT = join(import.meta.dirname, '..');
export const EXAMPLE = join(ROOT, 'example');

/** A context for a temp repo: no prompts, output collected. */
export function ctxFor(dest: string, over: Partial<Context> = {}): Context & { lines: string[] } {
  const lines: string[] = [];
  return { cwd: dest, dest, dryRun: false, yes: true, force: false, allowDirty: true, out: (l) => lines.push(l), lines, ...over };
}

export function tempRepo(git = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'cnpg-scaffold-'));
  if (git) {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: dir });
  }
  return dir;
}

export function commitAll(dir: string): void {
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'step'], { cwd: dir });
}

/** Every file under dir (but .git) with its text, keyed by relative path. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export const R2 = 'https://0123456789abcdef.r2.cloudflarestorage.com';

/**
 * An answer refused: exit 2, a line starting `field:` that matches `text` (one line per refused
 * answer, none twice), nothing written. Returns the whole message.
 */
export async function expectRefused(dir: string, run: () => Promise<unknown>, field: string, text: string | RegExp): Promise<string> {
  const before = snapshot(dir);
  const error = await run().then(
    () => undefined,
    (e: unknown) => e as Error & { exitCode?: number },
  );
  expect(error, `${field} was accepted`).toBeDefined();
  expect(error!.exitCode, error!.message).toBe(2);
  const lines = error!.message.split('\n');
  const line = lines.find((l) => l.startsWith(`${field}:`));
  expect(line, error!.message).toBeDefined();
  expect(line).toMatch(text);
  expect(new Set(lines).size, `${error!.message}: a line twice`).toBe(lines.length);
  expect(snapshot(dir)).toEqual(before);
  return error!.message;
}

/** Every YAML file under `dir`, outside node_modules and .git. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === '.git') return [];
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}
