import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/**
 * The bin (scripts/build.mjs bundles this file as dist/src/cli.js): it runs the bundled tool,
 * dist/src/cli.cjs, with V8's code cache, and the prompts' bundle (prompts.cjs) when a terminal
 * asks. Node 20 has no compile cache for modules (`module.enableCompileCache` is Node 22), and a
 * small run spent a fifth of its time compiling the same functions again. A cache holds the
 * bytecode of what a run of that command compiled; it lives inside this package
 * (`node_modules/.cache/cnpg-scaffold/` under its root): whoever can write there can already
 * change the code, so a cache is never trusted more than the code is. A cache is only ever a
 * shortcut: a missing, stale or unwritable one means compiling as usual.
 */
declare const BUNDLE_IDS: Record<string, string>;

const here = dirname(fileURLToPath(import.meta.url));
const cacheDir = join(here, '..', '..', 'node_modules', '.cache', 'cnpg-scaffold');
const DAY_MS = 24 * 60 * 60 * 1000;

/** One cache per bundle and command (and its --help): each holds the functions that command ran. */
function cacheKey(): string {
  const [first = '', ...rest] = process.argv.slice(2);
  const command = /^[a-z][a-z-]{0,30}$/.test(first) ? first : 'top';
  return `${process.version}-${process.arch}-${command}${rest.includes('--help') || rest.includes('-h') ? '-help' : ''}`;
}

const read = (file: string): Buffer | undefined => {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
};

/** Runs dist/src/<name>.cjs as CommonJS would, from its code cache when there is one; its exports. */
function load(name: string): unknown {
  const file = join(here, `${name}.cjs`);
  // V8 checks its version and flags, and only the length of the source: the build's hash of the bundle names the right cache.
  const id = `${name}-${BUNDLE_IDS[name]}-`;
  const full = join(cacheDir, `${id}${cacheKey()}.bin`);
  // A run that failed (bad input, Ctrl-C) caches what it compiled too, as partial: the next run that succeeds replaces it.
  const partial = full.replace(/\.bin$/, '.partial.bin');
  const fromFull = read(full);
  const cachedData = fromFull ?? read(partial);
  // ASCII only (scripts/build.mjs checks): latin1 reads it as it is, without decoding UTF-8. The
  // CommonJS module wrapper, so the bundle sees require, module and __filename as from require().
  const source = readFileSync(file, 'latin1');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __cnpgLoad) {${source}\n})`, { filename: file, cachedData });
  const usable = cachedData !== undefined && !script.cachedDataRejected;
  if (!usable || !fromFull) {
    // At exit, so the cache holds the functions the run compiled (not only the top level).
    process.once('exit', (code) => {
      if (usable && code !== 0) return;
      try {
        mkdirSync(cacheDir, { recursive: true });
        // Caches of other builds of this bundle, once a day old: checkouts sharing node_modules
        // (git worktrees) run different builds at once, and each would drop the others' caches.
        for (const other of readdirSync(cacheDir)) {
          const path = join(cacheDir, other);
          if (other.startsWith(`${name}-`) && !other.startsWith(id) && Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { force: true });
        }
        // A whole file or none: runs in parallel each write their own and rename it into place.
        const target = code === 0 ? full : partial;
        const tmp = `${target}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, target);
        if (code === 0) rmSync(partial, { force: true });
      } catch {
        // A read-only install: every run compiles, as without a cache.
      }
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, here, load);
  return module.exports;
}

load('cli');
