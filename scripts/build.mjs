// The bin, after `tsc` (the type check, and the modules the tests and the template step import):
// src/cli.ts and everything it imports bundled by esbuild into dist/src/cli.cjs, run by the launcher
// dist/src/cli.js (src/launch.ts) with V8's code cache. Resolving and reading ~300 modules one by
// one, then compiling them, was most of a small run's start-up. The templates are compiled here
// (render.ts precompileTemplate), so a run loads Handlebars' runtime and no compiler.
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'src');
const { precompileTemplate } = await import('../dist/src/render.js');
const { TEMPLATES_DIR } = await import('../dist/src/paths.js');

/** Every template under templates/, compiled, as one module in place of src/templates-precompiled.ts. */
function precompiledModule() {
  const entries = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else entries.push(`  ${JSON.stringify(relative(TEMPLATES_DIR, path).split(sep).join('/'))}: ${precompileTemplate(readFileSync(path, 'utf8'))},`);
    }
  };
  walk(TEMPLATES_DIR);
  return `export const PRECOMPILED = {\n${entries.join('\n')}\n};\n`;
}

const precompiled = {
  name: 'precompiled-templates',
  setup(b) {
    b.onResolve({ filter: /[\\/]templates-precompiled\.js$/ }, () => ({ path: 'templates', namespace: 'precompiled' }));
    b.onLoad({ filter: /.*/, namespace: 'precompiled' }, () => ({ contents: precompiledModule(), loader: 'js' }));
  },
};

// Left by an earlier layout of the bundle (ES module chunks).
/**
 * node-plop is an ES module, which Node 20 cannot require(), and an import() inside a script V8
 * compiled from a code cache finds no loader: the launcher passes the bundle its own import().
 */
const esmExternal = {
  name: 'esm-external',
  setup(b) {
    b.onResolve({ filter: /^node-plop$/ }, (args) => ({ path: args.path, namespace: 'esm-external' }));
    b.onLoad({ filter: /.*/, namespace: 'esm-external' }, (args) => ({
      contents: `export default (...args) => __cnpgImport(${JSON.stringify(args.path)}).then((m) => m.default(...args));`,
      loader: 'js',
    }));
  },
};

rmSync(join(OUT, 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints: [join(ROOT, 'src', 'cli.ts')],
  outfile: join(OUT, 'cli.cjs'),
  bundle: true,
  // CommonJS, one file: src/launch.ts runs it with V8's code cache, which Node 20 offers for scripts only.
  // Dynamic imports stay lazy (esbuild runs a module's body on its first import), so --help runs next to nothing.
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  // paths.ts finds the package root from its own URL.
  define: { 'import.meta.url': '__cnpgModuleUrl' },
  banner: { js: "const __cnpgModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Loaded from node_modules, and only by the commands that use them: the prompts (node-plop and
  // inquirer, 1.2 MB bundled) and validate's CEL, PromQL and JSON-schema checkers (0.6 MB). Each
  // run reads the whole bundle, so what only some commands use stays out of it.
  external: ['ajv', 'ajv-formats', '@bufbuild/cel', '@bufbuild/cel/*', '@prometheus-io/lezer-promql'],
  plugins: [precompiled, esmExternal],
  logLevel: 'warning',
  metafile: !!process.env.BUNDLE_META,
});
// The launcher wraps the bundle in a function: no `#!` line (esbuild keeps the entry's).
const bundlePath = join(OUT, 'cli.cjs');
const bundled = readFileSync(bundlePath, 'utf8').replace(/^#!.*\n/, '');
// ASCII only (esbuild escapes strings; a regular expression it keeps as written), so the launcher
// reads it as latin1: a third of the time of decoding UTF-8.
const nonAscii = bundled.search(/[^\x00-\x7f]/);
if (nonAscii >= 0) throw new Error(`dist/src/cli.cjs: a non-ASCII character at ${JSON.stringify(bundled.slice(nonAscii - 40, nonAscii + 10))}: write it as an escape in the source`);
writeFileSync(bundlePath, bundled);
// The bin: the launcher, told which bundle it runs (V8 checks a cache against the source's length only).
await build({
  entryPoints: [join(ROOT, 'src', 'launch.ts')],
  outfile: join(OUT, 'cli.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  define: { BUNDLE_ID: JSON.stringify(createHash('sha256').update(bundled).digest('hex').slice(0, 16)) },
  logLevel: 'warning',
});
chmodSync(join(OUT, 'cli.js'), 0o755);
// BUNDLE_META=path: esbuild's metafile (what the bundle holds), for looking into start-up cost.
if (process.env.BUNDLE_META) writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
