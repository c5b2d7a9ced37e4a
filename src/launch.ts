import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/**
 * The bin (scripts/build.mjs bundles this file as dist/src/cli.js): it runs the bundled tool,
 * dist/src/cli.cjs, with V8's code cache. Node 20 has no compile cache for modules
 * (`module.enableCompileCache` is Node 22), and a small run spent a fifth of its time compiling
 * the same functions again. The cache holds the bytecode of what a run of that command compiled;
 * it lives inside this package (`node_modules/.cache/cnpg-scaffold/` under its root): whoever can
 * write there can already change the code, so a cache is never trusted more than the code is.
 * The cache is only ever a shortcut: a missing, stale or unwritable one means compiling as usual.
 */
declare const BUNDLE_ID: string;

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, 'cli.cjs');
// ASCII only (scripts/build.mjs checks): latin1 reads it as it is, without decoding UTF-8.
const source = readFileSync(bundle, 'latin1');

/** One cache per command (and its --help): each holds the functions that command ran. */
function cachePath(): string {
  const [first = '', ...rest] = process.argv.slice(2);
  const command = /^[a-z][a-z-]{0,30}$/.test(first) ? first : 'top';
  const help = rest.includes('--help') || rest.includes('-h') ? '-help' : '';
  // V8 checks its version and flags, and only the length of the source: the build's hash of the bundle names the right one.
  return join(here, '..', '..', 'node_modules', '.cache', 'cnpg-scaffold', `${BUNDLE_ID}-${process.version}-${process.arch}-${command}${help}.bin`);
}

const cacheFile = cachePath();
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache yet: this run compiles, and writes one if it succeeds.
}
// The CommonJS module wrapper, so the bundle sees require, module and __filename as it would from
// require(); and this module's import() for the packages kept out of it that are ES modules
// (node-plop): an import() in a script compiled from a code cache finds no loader in Node 20.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __cnpgImport) {${source}\n})`, {
  filename: bundle,
  cachedData,
});
if (!cachedData || script.cachedDataRejected) {
  // After a run that succeeded, so the cache holds the functions it compiled (not only the top level).
  process.once('exit', (code) => {
    if (code !== 0) return;
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      // A whole file or none: runs in parallel each write their own and rename it into place.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only install: every run compiles, as without a cache.
    }
  });
}
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, here, (specifier: string) => import(specifier));
