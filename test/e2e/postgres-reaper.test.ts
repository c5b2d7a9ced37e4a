import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { missingPostgres, missingWarning } from './support/tools.js';

const skip = missingWarning('the test PostgreSQL server outlives no test process', missingPostgres());

/** A test process killed mid-run (SIGKILL: no afterAll) leaves no PostgreSQL server behind. */
describe.skipIf(!!skip)('the test PostgreSQL server', () => {
  it('is stopped and removed once the process that started it is killed', async () => {
    const script = `import { startPostgres } from ${JSON.stringify(join(ROOT, 'test/e2e/support/postgres.ts'))}; const pg = await startPostgres(); console.log(pg.socketDir); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const dir = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => resolve(b.toString().trim()));
      child.on('exit', (code) => reject(new Error(`the child exited (${code}) before starting a server`)));
    });
    expect(existsSync(join(dir, 'data', 'postmaster.pid'))).toBe(true);
    child.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while (existsSync(dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(existsSync(dir), `${dir} still there`).toBe(false);
    expect(spawnSync('pgrep', ['-f', `postgres -D ${dir}/data`]).status, 'a server still runs').toBe(1);
  }, 60_000);
});
