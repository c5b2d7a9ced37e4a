// Speed and memory figures, printed and never asserted: whole processes of the built bin, each as
// min / median / max wall, CPU and peak RSS, with its ratio to `node -e 0` measured in the same run.
// Repos of 10, 100 and 1,000 apps (over 10 namespaces) and 1,000 in one namespace are built first.
//   npm run bench [-- --json] [-- --quick]     BENCH_RUNS=N (default 5; 3 for the large cases)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIN = join(import.meta.dirname, '..', 'dist', 'src', 'cli.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const R2 = 'https://0123456789abcdef.r2.cloudflarestorage.com';
const work = mkdtempSync(join(tmpdir(), 'cnpg-bench-'));
const log = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);

/** One whole-process run: wall seconds, CPU seconds, peak RSS in MiB. */
function measure(argv, cwd) {
  const start = process.hrtime.bigint();
  const r = TIME ? spawnSync(TIME, ['-f', '%U %S %M', ...argv], { cwd, encoding: 'utf8' }) : spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const [user, sys, rss] = TIME ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  return { wall, cpu: user + sys, rss: rss / 1024, code: r.status, err: r.stderr };
}

const cli = (...args) => [process.execPath, BIN, ...args];

/**
 * Interactive start: seconds from spawning the command in a pseudo-terminal to its first question
 * (inquirer's `?`), then Ctrl-C; python3's pty, as test/support/pty-drive.py drives the prompts test.
 */
const FIRST_PROMPT = `
import os, pty, select, sys, time
start = time.time()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''
while b'?' not in out:
    if not select.select([fd], [], [], 30)[0]:
        sys.exit('no prompt within 30 s: ' + out.decode('utf8', 'replace'))
    try:
        data = os.read(fd, 65536)
    except OSError:
        data = b''
    if not data:
        sys.exit('exited before a prompt: ' + out.decode('utf8', 'replace'))
    out += data
print(time.time() - start)
os.write(fd, b'\\x03')
while True:
    try:
        if not os.read(fd, 65536):
            break
    except OSError:
        break
os.waitpid(pid, 0)
`;
const python = (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, 'python3')));
function firstPrompt(argv, cwd) {
  // The answers a Ctrl-C keeps go to this run's own state directory, not the user's.
  const r = spawnSync('python3', ['-c', FIRST_PROMPT, ...argv], { cwd, encoding: 'utf8', env: { ...process.env, XDG_STATE_HOME: join(work, 'state') } });
  if (r.status !== 0) throw new Error(`first prompt: exit ${r.status}\n${r.stderr}`);
  return { wall: Number(r.stdout.trim()), cpu: NaN, rss: NaN, code: 0 };
}
function must(argv, what) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what}: exit ${r.status}\n${r.stderr}${r.stdout}`);
}

/** A repo with the default cluster and `apps` apps over `namespaces` namespaces, written by one regen. */
function buildRepo(apps, namespaces) {
  const dir = join(work, `repo-${apps}-${namespaces}`);
  must(cli('new-cluster', '--yes', '--dest', dir, '--allow-dirty', '--backupEndpoint', R2, '--ciWorkflow', 'none'), 'new-cluster');
  if (apps === 0) return commit(dir), dir;
  must(cli('new-app', '--yes', '--dest', dir, '--allow-dirty', '--name', 'app-0', '--namespace', 'ns-0'), 'new-app');
  const template = readFileSync(join(dir, '.cnpg/answers/apps/app-0.yaml'), 'utf8');
  for (let i = 1; i < apps; i++) {
    const ns = `ns-${i % namespaces}`;
    const text = template.replace(/\bapp-0\b/g, `app-${i}`).replace(/\bapp_0\b/g, `app_${i}`).replace(/\bns-0\b/g, ns);
    writeFileSync(join(dir, `.cnpg/answers/apps/app-${i}.yaml`), text);
  }
  must(cli('regen', '--dest', dir, '--allow-dirty'), `regen of ${apps} apps`);
  commit(dir);
  return dir;
}

/** A committed git work tree, as a user's repository is (the tool asks git what is uncommitted). */
function commit(dir) {
  must(['git', '-C', dir, 'init', '-q'], 'git init');
  must(['git', '-C', dir, 'add', '-A'], 'git add');
  must(['git', '-C', dir, '-c', 'user.email=b@b', '-c', 'user.name=bench', 'commit', '-q', '-m', 'bench'], 'git commit');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs) => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });

const rows = [];
let floor;
/** `setup` runs before each measured run (outside the timing), for commands that write. */
function bench(name, argvOf, { runs = RUNS, setup, apps, time = measure } = {}) {
  const samples = [];
  for (let i = 0; i < runs + 1; i++) {
    const cwd = setup?.(i) ?? work;
    const m = time(argvOf(i, cwd), cwd);
    if (m.code !== 0 && !name.includes('check') && !name.startsWith('validate')) throw new Error(`${name}: exit ${m.code}\n${m.err}`);
    if (i > 0) samples.push(m); // the first run warms the file cache
  }
  const row = { name, apps, wall: stats(samples.map((s) => s.wall)), cpu: stats(samples.map((s) => s.cpu)), rss: Math.max(...samples.map((s) => s.rss)), runs };
  if (floor) row.ratio = row.wall.median / floor.wall.median;
  rows.push(row);
  log(format(row));
  return row;
}

const fmt = (s) => `${s.toFixed(3)}`;
function format(r) {
  const cpu = Number.isNaN(r.cpu.median) ? '    -' : fmt(r.cpu.median);
  const rss = Number.isNaN(r.rss) ? '   -' : r.rss.toFixed(0).padStart(4);
  return `${r.name.padEnd(44)} wall ${fmt(r.wall.min)} / ${fmt(r.wall.median)} / ${fmt(r.wall.max)} s  cpu ${cpu} s  rss ${rss} MiB${r.ratio ? `  ${r.ratio.toFixed(1).padStart(5)}x` : ''}`;
}

log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${RUNS} runs after a warm-up (3 for 1,000 apps)`);
log('command                                      wall min / median / max     cpu(median)  peak RSS  wall / node -e 0');
floor = bench('node -e 0', () => [process.execPath, '-e', '0']);
bench('--help', () => cli('--help'));
const empty = buildRepo(0, 1);
const copyOf = (src, i) => {
  const dir = join(work, `copy-${i}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(src, dir, { recursive: true });
  return dir;
};
bench('new-app (empty repo, writes)', (i, cwd) => cli('new-app', '--yes', '--dest', cwd, '--allow-dirty', '--name', `b-${i}`, '--namespace', 'default'), { setup: (i) => copyOf(empty, i) });
if (python) bench('new-app interactive (to the first prompt)', () => cli('new-app', '--dest', empty), { time: firstPrompt });
else log('new-app interactive (to the first prompt): skipped, python3 is not on PATH (it drives the pseudo-terminal)');
bench('new-app --dry-run (empty repo)', () => cli('new-app', '--yes', '--dry-run', '--dest', empty, '--name', 'bench', '--namespace', 'default'));
const sizes = quick ? [10, 100] : [10, 100, 1000];
const repos = {};
for (const n of sizes) {
  repos[n] = buildRepo(n, 10);
  const runs = n >= 1000 ? Math.min(RUNS, 3) : RUNS;
  bench(`regen --check (${n} apps, 10 namespaces)`, () => cli('regen', '--check', '--dest', repos[n]), { runs, apps: n });
}
if (!quick) {
  const one = buildRepo(1000, 1);
  bench('regen --check (1000 apps, 1 namespace)', () => cli('regen', '--check', '--dest', one), { runs: Math.min(RUNS, 3), apps: 1000 });
  const big = repos[1000];
  bench('new-app (1000 apps recorded, writes)', (i, cwd) => cli('new-app', '--yes', '--dest', cwd, '--allow-dirty', '--name', `b-${i}`, '--namespace', 'ns-0'), { runs: 3, setup: (i) => copyOf(big, i), apps: 1000 });
  bench('regen (1000 apps, every file rewritten)', (i, cwd) => cli('regen', '--dest', cwd, '--allow-dirty'), {
    runs: 3,
    apps: 1000,
    setup: (i) => {
      const dir = copyOf(big, i);
      rmSync(join(dir, 'kubernetes'), { recursive: true, force: true });
      return dir;
    },
  });
  const kubectl = (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, 'kubectl')));
  bench(`validate (1000 apps, ${kubectl ? 'with kubectl' : 'kubectl not on PATH'})`, () => cli('validate', '--dest', big), { runs: 3, apps: 1000 });
  // Without kubectl is `--skip-kubectl`: the same process on the same PATH, only the builds left out.
  bench('validate (1000 apps, --skip-kubectl)', () => cli('validate', '--skip-kubectl', '--dest', big), { runs: 3, apps: 1000 });
}
// Growth per app: the median CPU a command adds for each app recorded, between two sizes. Linear
// means the step from 100 to 1,000 apps costs per app about what the step from 10 to 100 did.
const growth = [];
const perApp = (what, a, b) => {
  if (!a || !b) return;
  const ms = ((b.cpu.median - a.cpu.median) / (b.apps - a.apps)) * 1000;
  growth.push({ what, from: a.apps, to: b.apps, msPerApp: ms });
  log(`${what} grows ${ms.toFixed(2)} ms CPU per app (${a.apps} -> ${b.apps} apps)`);
};
const row = (name) => rows.find((r) => r.name === name);
const checks = rows.filter((r) => r.name.startsWith('regen --check') && r.name.includes('10 namespaces'));
for (let i = 1; i < checks.length; i++) perApp('regen --check', checks[i - 1], checks[i]);
perApp('regen --check, one namespace', checks[0], row('regen --check (1000 apps, 1 namespace)'));
perApp('new-app', { ...row('new-app (empty repo, writes)'), apps: 0 }, row('new-app (1000 apps recorded, writes)'));
if (json) process.stdout.write(`${JSON.stringify({ node: process.version, cpus: cpus().length, rows, growth }, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
