import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOPATH_DEBIAN } from './tools.js';

/**
 * Builds one of the test programs under test/e2e/<name>/main.go once per source, Go version and
 * installed Debian Go sources, offline: GOPATH mode over /usr/share/gocode, no module proxy.
 * The binary is cached in the temp dir under that hash, so parallel test files share one build.
 * `deps` are files under GOPATH_DEBIAN/src whose mtime stands for the packaged library's version.
 */
export function buildGoTool(name: string, deps: readonly string[]): string {
  const source = join(import.meta.dirname, '..', name, 'main.go');
  const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' });
  const hash = createHash('sha256').update(readFileSync(source)).update(goVersion);
  for (const dep of deps) hash.update(String(statSync(join(GOPATH_DEBIAN, 'src', dep)).mtimeMs));
  const cache = join(tmpdir(), 'cnpg-scaffold-e2e');
  const binary = join(cache, `${name}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const gopath = mkdtempSync(join(cache, 'gopath-'));
  const pkg = join(gopath, 'src', name);
  mkdirSync(pkg, { recursive: true });
  copyFileSync(source, join(pkg, 'main.go'));
  const tmpBinary = join(gopath, name);
  const env = { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:${GOPATH_DEBIAN}`, GOFLAGS: '', GOPROXY: 'off', GOCACHE: join(cache, 'gocache') };
  const r = spawnSync('go', ['build', '-o', tmpBinary, '.'], { cwd: pkg, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${name} failed: ${r.stderr}`);
  renameSync(tmpBinary, binary); // atomic: a concurrent build of the same source writes the same file
  rmSync(gopath, { recursive: true, force: true });
  return binary;
}
