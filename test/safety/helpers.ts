import { spawn } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll } from 'vitest';
import { R2, ROOT, commitAll, tempRepo } from '../helpers.js';

// CNPG_SAFETY_BIN runs these against another build (e.g. to see them fail on an older one).
export const BIN = process.env.CNPG_SAFETY_BIN ?? join(ROOT, 'dist', 'src', 'cli.js');

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Starts the bin; `onStart` gets the child (to signal it) right after spawn. */
export function runBin(cwd: string, args: string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, INIT_CWD: cwd } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
    onStart?.(child);
  });
}

/** Everything under dir but .git: files (text and permission bits), symlinks (their target) and directories. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (d === dir && name === '.git') continue;
      const p = join(d, name);
      const rel = relative(dir, p);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[rel] = `symlink -> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${rel}/`] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(p);
      } else out[rel] = `file ${(st.mode & 0o7777).toString(8)}\n${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

export function copyRepo(src: string): string {
  const dst = mkdtempSync(join(tmpdir(), 'cnpg-safety-'));
  cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
  return dst;
}

/** A committed repo: the operator on chart 0.27.1 (roles in Cluster.spec.managed.roles), one cluster, and app wiki in docs. */
export async function baseRepo(): Promise<string> {
  const dir = tempRepo(true);
  const must = async (args: string[]) => {
    const r = await runBin(dir, args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.err}`);
  };
  await must(['new-cluster', '--yes', '--dest', '.', '--backupEndpoint', R2, '--chartVersion', '0.27.1']);
  await must(['new-app', '--yes', '--dest', '.', '--name', 'wiki', '--namespace', 'docs']);
  commitAll(dir);
  return dir;
}

/** base plus `n` more apps, recorded by copying wiki's answers (faster than n runs), then written by regen and committed. */
/**
 * One base repository per describe block, made before its tests (a cluster onboarded takes
 * seconds here): tests copy it. Read it inside tests only.
 */
export function sharedBaseRepo(): () => string {
  let base: string | undefined;
  beforeAll(async () => {
    base = await baseRepo();
  }, 120_000);
  return () => base!;
}

export async function manyAppsRepo(n: number): Promise<string> {
  const dir = await baseRepo();
  const wiki = readFileSync(join(dir, '.cnpg/answers/apps/wiki.yaml'), 'utf8');
  for (let i = 0; i < n; i++) {
    const name = `app${String(i).padStart(3, '0')}`;
    writeFileSync(join(dir, `.cnpg/answers/apps/${name}.yaml`), wiki.replaceAll('wiki', name).replace('namespace: docs', `namespace: ns${i % 7}`).replaceAll('apps/docs/', `apps/ns${i % 7}/`));
  }
  const r = await runBin(dir, ['regen', '--dest', '.', '--allow-dirty']);
  if (r.code !== 0) throw new Error(`regen: ${r.err}`);
  commitAll(dir);
  return dir;
}

/** Leftovers a run must never leave: the transaction area, the lock, temp files of the old writer. */
export function leftovers(dir: string): string[] {
  return Object.keys(tree(dir)).filter((p) => p.startsWith('.cnpg/txn') || p.startsWith('.cnpg/lock') || p.includes('.cnpg-tmp-'));
}

export const trials = (name: string, ci: number) => Number(process.env[name] ?? ci);
