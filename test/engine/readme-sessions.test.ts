import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempRepo } from '../helpers.js';

/**
 * The README's sessions (its ```console blocks, in order) are real: each `$` line runs in one fresh
 * git repository, `cnpg-scaffold` being this checkout's bin, and every output line the README shows
 * must appear, in that order, in what the command printed. `...` stands for lines left out; run
 * times and the repository's path are the only things normalised. `# exit N` gives the exit code.
 */
interface Step {
  command: string;
  shown: string[];
  exit: number;
}

function sessions(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const block of markdown.matchAll(/^(`{3,})console\n([\s\S]*?)^\1$/gm)) {
    for (const line of block[2]!.split('\n')) {
      if (line.startsWith('$ ')) {
        const exit = /#\s*exit (\d+)\s*$/.exec(line);
        steps.push({ command: line.slice(2), shown: [], exit: exit ? Number(exit[1]) : 0 });
      } else if (line !== '' && line !== '...') steps.at(-1)!.shown.push(line);
    }
  }
  return steps;
}

const normal = (line: string, repo: string) =>
  line
    .split(repo)
    .join('~/homelab')
    .split(basename(repo))
    .join('homelab')
    .replace(/\(\d+ ms\)/g, '(N ms)')
    .replace(/ in \d+ ms$/, ' in N ms')
    .replace(/\s+$/, '');

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!hasKubectl) console.warn('SKIP README session line checks of validate: kubectl is not on PATH, so its counts differ');

describe('the README sessions', () => {
  it('each shown command prints the shown lines, in order, with the shown exit code', () => {
    const steps = sessions(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(steps.length).toBeGreaterThan(8);
    const bin = mkdtempSync(join(tmpdir(), 'cnpg-bin-'));
    writeFileSync(join(bin, 'cnpg-scaffold'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'dist', 'src', 'cli.js'))} "$@"\n`);
    chmodSync(join(bin, 'cnpg-scaffold'), 0o755);
    const repo = tempRepo(true);
    // Under `npm test`, INIT_CWD names this checkout: the bin would take it for the user's directory.
    const { INIT_CWD: _npm, ...base } = process.env;
    const env = { ...base, PATH: `${bin}:${process.env.PATH}`, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', XDG_STATE_HOME: join(bin, 'state') };
    for (const step of steps) {
      const r = spawnSync('bash', ['-c', step.command], { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const printed = `${r.stdout}${r.stderr}`.split('\n').map((l) => normal(l, repo));
      expect(r.status, `${step.command}\n${printed.join('\n')}`).toBe(step.exit);
      if (!hasKubectl && /cnpg-scaffold validate/.test(step.command)) continue;
      let at = 0;
      for (const line of step.shown) {
        const found = printed.indexOf(normal(line, repo), at);
        expect(found, `${step.command}: the README shows\n  ${line}\nnot printed (after line ${at}):\n${printed.join('\n')}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    }
  }, 180_000);
});
