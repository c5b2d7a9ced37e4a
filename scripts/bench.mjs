// Speed and memory figures (printed, never asserted): the built bin on the bundled example.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const runs = Number(process.env.BENCH_RUNS ?? 5);
const cases = [
  ['regen --check', ['dist/src/cli.js', 'regen', '--check', '--dest', 'example']],
  ['validate', ['dist/src/cli.js', 'validate', '--dest', 'example']],
  ['new-app --dry-run', ['dist/src/cli.js', 'new-app', '--yes', '--dry-run', '--dest', 'example', '--name', 'bench', '--namespace', 'default']],
  ['--help', ['dist/src/cli.js', '--help']],
];
for (const [name, args] of cases) {
  const times = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', '%M', process.execPath, ...args], { encoding: 'utf8' })
      : spawnSync(process.execPath, args, { encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    rss = Math.max(rss, Number(r.stderr.trim().split('\n').pop()) || 0);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(20)} median ${times[Math.floor(runs / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max RSS ${timeBin ? `${(rss / 1024).toFixed(0)} MiB` : 'n/a (no /usr/bin/time)'} (${runs} runs)`);
}
