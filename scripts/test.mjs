// The project's test command: typecheck and build dist/ and the bundled bin (tests run it), then vitest;
// ends with the plain line CI reads.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;
const results = '.vitest-results.json';

if (run('npx', ['tsc', '-p', 'tsconfig.json']) !== 0 || run('node', ['scripts/build.mjs']) !== 0) {
  console.log('0 passed, 1 failed (typecheck or build)');
  process.exit(1);
}
rmSync(results, { force: true });
const code = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...process.argv.slice(2)]);
let summary = { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, numTodoTests: 0 };
try {
  summary = JSON.parse(readFileSync(results, 'utf8'));
} catch {
  // vitest died before writing results: counted as one failure below.
}
const failed = summary.numFailedTests + (code !== 0 && summary.numFailedTests === 0 ? 1 : 0);
console.log(`${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests + summary.numTodoTests} skipped`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
