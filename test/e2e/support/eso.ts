import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOPATH_DEBIAN } from './tools.js';

const SOURCE = join(import.meta.dirname, '..', 'eso-render', 'main.go');

/**
 * Builds test/e2e/eso-render (Go text/template + sprig as External Secrets renders) once per
 * source, Go version and installed sprig, offline: GOPATH mode over Debian's packaged sources, no proxy.
 * The binary is cached in the temp dir under that hash, so parallel test files share one build.
 */
export function esoRenderer(): string {
  const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' });
  const sprig = statSync(join(GOPATH_DEBIAN, 'src/github.com/Masterminds/sprig/functions.go')).mtimeMs;
  const hash = createHash('sha256').update(readFileSync(SOURCE)).update(goVersion).update(String(sprig)).digest('hex').slice(0, 16);
  const cache = join(tmpdir(), 'cnpg-scaffold-e2e');
  const binary = join(cache, `eso-render-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const gopath = mkdtempSync(join(cache, 'gopath-'));
  const pkg = join(gopath, 'src', 'eso-render');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(SOURCE, join(pkg, 'main.go'));
  const tmpBinary = join(gopath, 'eso-render');
  const env = { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:${GOPATH_DEBIAN}`, GOFLAGS: '', GOPROXY: 'off', GOCACHE: join(cache, 'gocache') };
  const r = spawnSync('go', ['build', '-o', tmpBinary, '.'], { cwd: pkg, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building eso-render failed: ${r.stderr}`);
  renameSync(tmpBinary, binary); // atomic: a concurrent build of the same source writes the same file
  rmSync(gopath, { recursive: true, force: true });
  return binary;
}

/** Renders every key of an ExternalSecret's target.template.data with the given secret data, as ESO does. */
export function renderEso(binary: string, template: Record<string, string>, data: Record<string, string>): Record<string, string> {
  const r = spawnSync(binary, [], { input: JSON.stringify({ template, data }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ExternalSecret template failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}
