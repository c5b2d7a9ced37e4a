import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers.js';
import type { Missing } from './tools.js';

/**
 * The real Renovate, from the cache prefix `.ci/run` installs it into (outside the lockfile's tree:
 * as a devDependency, `npm ci` would build re2 and better-sqlite3 from source), or RENOVATE_BIN.
 * 39.264.1 is the last release whose `engines` admit Node 20. Installed with --ignore-scripts,
 * re2 has no native build and Renovate falls back to JavaScript RegExp (util/regex.ts), so the
 * preset's regex also stays within what RE2 accepts (no backreference, no lookaround).
 */
export const RENOVATE_VERSION = '39.264.1';
export const RENOVATE_PREFIX = join(ROOT, '.cache', 'renovate');
export const RENOVATE_BIN = process.env.RENOVATE_BIN ?? join(RENOVATE_PREFIX, 'node_modules', 'renovate', 'dist', 'renovate.js');

export function missingRenovate(): Missing[] {
  if (existsSync(RENOVATE_BIN)) return [];
  return [{ tool: `renovate ${RENOVATE_VERSION}`, install: `npm install --prefix .cache/renovate --ignore-scripts --no-audit --no-fund --no-save renovate@${RENOVATE_VERSION} (.ci/run does it)` }];
}

export interface ExtractedDep {
  depName: string;
  datasource: string;
  currentValue: string;
  currentDigest?: string;
  registryUrls?: string[];
  versioning?: string;
  replaceString?: string;
}

export interface ExtractedFile {
  manager: string;
  packageFile: string;
  deps: ExtractedDep[];
}

/**
 * `renovate --platform=local --dry-run=extract` on a git work tree, with its own renovate.json5 (and
 * `globalConfig` as the bot's config file):
 * extraction only (no lookup, so no registry is asked), its base and cache directories in a temp
 * directory, and every proxy variable pointing at a closed port so a request would fail loudly.
 */
export function renovateExtract(dir: string, globalConfig: Record<string, unknown> = {}): ExtractedFile[] {
  const base = mkdtempSync(join(tmpdir(), 'cnpg-renovate-'));
  const report = join(base, 'report.json');
  const configFile = join(base, 'config.json');
  writeFileSync(configFile, JSON.stringify(globalConfig));
  try {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'tree'], { cwd: dir });
    const closed = 'http://127.0.0.1:9';
    const r = spawnSync(process.execPath, [RENOVATE_BIN, '--platform=local', '--dry-run=extract', '--report-type=file', `--report-path=${report}`], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: base,
        RENOVATE_BASE_DIR: base,
        RENOVATE_CONFIG_FILE: configFile,
        RENOVATE_X_IGNORE_RE2: '1',
        LOG_LEVEL: 'warn',
        HTTP_PROXY: closed,
        HTTPS_PROXY: closed,
        NO_PROXY: '',
      },
    });
    if (r.status !== 0 || !existsSync(report)) throw new Error(`renovate failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    // The one warning expected: the CI job's GitHub Actions would be looked up with a token, later.
    const warnings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /^\s*(WARN|ERROR|FATAL):/.test(l) && !l.includes('GitHub token is required for some dependencies'));
    if (warnings.length) throw new Error(`renovate warned:\n${`${r.stdout}${r.stderr}`}`);
    const json = JSON.parse(readFileSync(report, 'utf8')) as { repositories: Record<string, { packageFiles: Record<string, { packageFile: string; deps: ExtractedDep[] }[]> }> };
    const files = Object.values(json.repositories)[0]?.packageFiles ?? {};
    return Object.entries(files).flatMap(([manager, list]) => list.map((f) => ({ manager, packageFile: f.packageFile, deps: f.deps })));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
