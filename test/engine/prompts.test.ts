import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingWarning } from '../e2e/support/tools.js';
import { R2, ROOT, commitAll, snapshot, tempRepo } from '../helpers.js';

/**
 * The interactive path as a user meets it: the real bin and its plop prompts in a pseudo-terminal
 * (python3's pty module), driven by keystrokes (test/support/pty-drive.py). Slow on a loaded
 * machine, hence the generous time-outs; skipped loudly without python3's pty.
 */
const BIN = join(ROOT, 'dist', 'src', 'cli.js');
const DRIVER = join(ROOT, 'test', 'support', 'pty-drive.py');
const ptyMissing = spawnSync('python3', ['-c', 'import os, pty; os.close(os.openpty()[0])'], { stdio: 'ignore' }).status !== 0;
const skipped = ptyMissing ? missingWarning('interactive prompts', [{ tool: "python3 with a working pty module", install: 'apt-get install python3' }]) : undefined;
const TIMEOUT = 300_000;

/** Runs the bin in a terminal; `steps` are [pattern, keys] (the other questions take their default). */
function drive(dir: string, state: string, steps: [string, string][], ...args: string[]) {
  const r = spawnSync('python3', [DRIVER, JSON.stringify(steps), '--', process.execPath, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: dir, XDG_STATE_HOME: state, COLUMNS: '200' },
    timeout: TIMEOUT,
  });
  return { code: r.status, out: r.stdout.replace(/\r\n/g, '\n') };
}
const yes = (dir: string, ...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--yes', '--dest', '.', '--allow-dirty'], { cwd: dir, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
const kept = (state: string) => (existsSync(join(state, 'cnpg-scaffold')) ? readdirSync(join(state, 'cnpg-scaffold')) : []);

describe.skipIf(Boolean(skipped))('interactive prompts in a terminal', () => {
  it('new-cluster: accepting every default gives the tree --yes gives', { timeout: TIMEOUT }, () => {
    const [typed, flags] = [tempRepo(true), tempRepo(true)];
    const state = mkdtempSync(join(tmpdir(), 'cnpg-state-'));
    // The R2 endpoint has no default: left empty it is asked again with its rule.
    const r = drive(typed, state, [['Object storage endpoint', '\r'], ['backupEndpoint: is required for backupProvider r2', `${R2}\r`]], 'new-cluster', '--dest', '.', '--allow-dirty');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('cluster postgres:\n  clusterName: postgres');
    expect(r.out).toMatch(/Write these answers to .*\? Yes/);
    expect(yes(flags, 'new-cluster', '--backupEndpoint', R2).status).toBe(0);
    expect(snapshot(typed)).toEqual(snapshot(flags));
    expect(kept(state)).toEqual([]);
  });

  it('new-app: a wrong answer is asked again with the rule; Ctrl-C keeps the answers, the next run resumes them', { timeout: TIMEOUT }, () => {
    const dir = tempRepo(true);
    expect(yes(dir, 'new-cluster', '--backupEndpoint', R2).status).toBe(0);
    commitAll(dir);
    const state = mkdtempSync(join(tmpdir(), 'cnpg-state-'));
    const before = snapshot(dir);
    // Bad_Name breaks the name's rule; Ctrl-U clears the line it is left on. `default` is offered; Ctrl-C at the database.
    const stopped = drive(dir, state, [['App name', 'Bad_Name\r'], ['name: must be a DNS-1123 label', '\x15wiki\r'], ['Namespace the app runs in', '\r'], ['Database name', '\x03']], 'new-app', '--dest', '.');
    expect(stopped.code, stopped.out).toBe(130);
    expect(stopped.out).toMatch(/default/);
    expect(snapshot(dir)).toEqual(before);
    const [file] = kept(state);
    expect(file, stopped.out).toMatch(/^new-app-.*\.yaml$/);
    const path = join(state, 'cnpg-scaffold', file!);
    expect(stopped.out).toContain(`your answers are kept in ${path}`);
    const saved = readFileSync(path, 'utf8');
    expect(saved).toMatch(/^name: wiki$/m);
    expect(saved).toMatch(/^namespace: default$/m);
    // Resumed (the first choice): name and namespace are not asked again.
    const resumed = drive(dir, state, [['Answers kept from a run that stopped', '\r']], 'new-app', '--dest', '.');
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).not.toContain('App name');
    expect(resumed.out).toContain('app wiki:\n  name: wiki\n  namespace: default');
    expect(kept(state)).toEqual([]);
    // `default` is made by Kubernetes: its new folder lists the ks.yaml and declares no Namespace.
    const tree = snapshot(dir);
    expect(tree['kubernetes/apps/default/namespace.yaml']).toBeUndefined();
    expect(tree['kubernetes/apps/default/kustomization.yaml']).toContain('- ./wiki/ks.yaml');
    const other = tempRepo(true);
    expect(yes(other, 'new-cluster', '--backupEndpoint', R2).status).toBe(0);
    expect(yes(other, 'new-app', '--name', 'wiki', '--namespace', 'default').status).toBe(0);
    expect(snapshot(dir)).toEqual(snapshot(other));
  });
});
