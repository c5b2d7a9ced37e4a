import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { R2, ROOT, commitAll } from '../helpers.js';
import { missingWarning, onPath } from './support/tools.js';

const skip = missingWarning('the CI job runs the tool from a tarball with the real npx', onPath('npx') ? [] : [{ tool: 'npx', install: 'apt-get install npm' }]);
const BIN = join(ROOT, 'dist', 'src', 'cli.js');

/**
 * The install story without a registry release: `npm pack` makes the tarball a user hosts or
 * commits, `--toolPackage` pins it, and the generated job's own steps run it through the real npx.
 */
describe.skipIf(!!skip)('the CI job with --toolPackage', () => {
  it('runs regen --check and validate from a packed tarball in the repository, with no npm release; so does renovate.json5\'s regen after a bump', () => {
    const work = mkdtempSync(join(tmpdir(), 'cnpg-install-'));
    const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;

    const repo = join(work, 'repo');
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8' });
    const made = cli('new-cluster', '--yes', '--dest', repo, '--allow-dirty', '--backupEndpoint', R2, '--toolPackage', './tools/cnpg-scaffold.tgz');
    expect(made.status, made.stderr).toBe(0);
    // Pinned: the next steps do not ask for a pin any more.
    expect(made.stdout).not.toContain('--toolPackage');
    mkdirSync(join(repo, 'tools'));
    copyFileSync(join(work, tarball), join(repo, 'tools/cnpg-scaffold.tgz'));
    spawnSync('git', ['init', '-q'], { cwd: repo });
    commitAll(repo);

    const job = parseAllDocuments(readFileSync(join(repo, '.github/workflows/cnpg-scaffold.yaml'), 'utf8'))[0]!.toJS().jobs.check;
    expect(job.env).toEqual({ CNPG_SCAFFOLD: './tools/cnpg-scaffold.tgz' });
    // npx installs the tarball's dependencies: from npm's cache where it can (the project's own
    // `npm ci` filled it), without INIT_CWD from the outer `npm test` leaking in.
    const env = { ...process.env, ...job.env, INIT_CWD: repo, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
    let log = '';
    for (const step of job.steps as { run?: string; if?: string }[]) {
      // As on GitHub: a step that only runs after a failure (the drift hint) is skipped when all passed.
      if (!step.run || step.if?.startsWith('failure()')) continue;
      const r = spawnSync('bash', ['-e', '-c', step.run], { cwd: repo, env, encoding: 'utf8', timeout: 300_000 });
      log += `$ ${step.run}\n${r.stdout}${r.stderr}`;
      expect(r.status, log).toBe(0);
    }
    expect(log).toContain('regen --check: 2 units');
    expect(log).toMatch(/validate: \d+ documents, \d+ kustomizations, 0 problem\(s\)/);

    // A Renovate pull request: the bump in the answers, then renovate.json5's postUpgradeTasks command
    // as written (the same tarball through npx), then the CI job's drift check passes on the result.
    const config = JSON.parse(readFileSync(join(repo, 'renovate.json5'), 'utf8').replace(/^\/\/.*\n/gm, '')) as { postUpgradeTasks: { commands: string[] } };
    const record = join(repo, '.cnpg/answers/clusters/postgres.yaml');
    const image = /imageName: (\S+)/.exec(readFileSync(record, 'utf8'))![1]!;
    const bumped = image.replace(/:(\d+)\.(\d+)/, (_m, major: string, minor: string) => `:${major}.${Number(minor) + 1}`);
    writeFileSync(record, readFileSync(record, 'utf8').replace(`imageName: ${image}`, `imageName: ${bumped}`));
    for (const command of config.postUpgradeTasks.commands) {
      const r = spawnSync('bash', ['-e', '-c', command], { cwd: repo, env, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, `${command}\n${r.stdout}${r.stderr}`).toBe(0);
    }
    expect(readFileSync(join(repo, 'kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml'), 'utf8')).toContain(`imageName: ${bumped}`);
    const drift = job.steps.find((st: { id?: string }) => st.id === 'regen') as { run: string };
    const check = spawnSync('bash', ['-e', '-c', drift.run], { cwd: repo, env, encoding: 'utf8', timeout: 300_000 });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  }, 600_000);
});
