// The bin, after `tsc` (the type check, and the modules the tests and the template step import):
// src/cli.ts and everything it imports bundled by esbuild into dist/src/cli.cjs, run by the launcher
// dist/src/cli.js (src/launch.ts) with V8's code cache. Resolving and reading ~300 modules one by
// one, then compiling them, was most of a small run's start-up. The templates are compiled here
// (render.ts precompileTemplate), so a run loads Handlebars' runtime and no compiler.
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'src');
const { precompileTemplate } = await import('../dist/src/render.js');
const { TEMPLATES_DIR } = await import('../dist/src/paths.js');

/** Every template under templates/, compiled, as one module in place of src/templates-precompiled.ts. */
function precompiledModule() {
  const entries = [];
  let newest = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        walk(path);
        continue;
      }
      newest = Math.max(newest, statSync(path).mtimeMs);
      entries.push(`  ${JSON.stringify(relative(TEMPLATES_DIR, path).split(sep).join('/'))}: ${precompileTemplate(readFileSync(path, 'utf8'))},`);
    }
  };
  walk(TEMPLATES_DIR);
  // builtMs, the newest template's time: a file changed after it renders from the file (render.ts compiled).
  return `export const PRECOMPILED = {\n builtMs: ${newest},\n specs: {\n${entries.join('\n')}\n}};\n`;
}

const precompiled = {
  name: 'precompiled-templates',
  setup(b) {
    b.onResolve({ filter: /[\\/]templates-precompiled\.js$/ }, () => ({ path: 'templates', namespace: 'precompiled' }));
    b.onLoad({ filter: /.*/, namespace: 'precompiled' }, () => ({ contents: precompiledModule(), loader: 'js' }));
  },
};

/**
 * The prompts' packages (node-plop, inquirer and theirs: 1.2 MB) are a bundle of their own,
 * dist/src/prompts.cjs, loaded only when a terminal asks: each run reads all of cli.cjs. The
 * launcher loads it the same way (`__cnpgLoad`, with its code cache); Node 20 cannot require()
 * node-plop, an ES module, and an import() in a script compiled from a code cache finds no loader.
 */
const promptsBundle = {
  name: 'prompts-bundle',
  setup(b) {
    b.onResolve({ filter: /^node-plop$/ }, () => ({ path: 'node-plop', namespace: 'prompts-bundle' }));
    b.onLoad({ filter: /.*/, namespace: 'prompts-bundle' }, () => ({ contents: "export default (...args) => __cnpgLoad('prompts').default(...args);", loader: 'js' }));
  },
};

/** One CommonJS bundle for src/launch.ts to run with V8's code cache (which Node 20 offers for scripts only); its hash. */
async function bundle(name, entry, options) {
  const outfile = join(OUT, `${name}.cjs`);
  const result = await build({
    ...entry,
    outfile,
    bundle: true,
    // Dynamic imports stay lazy (esbuild runs a module's body on its first import), so --help runs next to nothing.
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    // paths.ts (and node-plop) find their files from their own URL.
    define: { 'import.meta.url': '__cnpgModuleUrl' },
    banner: { js: "const __cnpgModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
    metafile: !!process.env.BUNDLE_META,
    ...options,
  });
  // The launcher wraps the bundle in a function: no `#!` line (esbuild keeps the entry's).
  const text = readFileSync(outfile, 'utf8').replace(/^#!.*\n/, '');
  // ASCII only (esbuild escapes strings; a regular expression it keeps as written), so the launcher
  // reads it as latin1: a third of the time of decoding UTF-8.
  const nonAscii = text.search(/[^\x00-\x7f]/);
  if (nonAscii >= 0) throw new Error(`${outfile}: a non-ASCII character at ${JSON.stringify(text.slice(nonAscii - 40, nonAscii + 10))}: write it as an escape in the source`);
  writeFileSync(outfile, text);
  // BUNDLE_META=prefix: esbuild's metafile (what the bundle holds), for looking into start-up cost.
  if (process.env.BUNDLE_META) writeFileSync(`${process.env.BUNDLE_META}.${name}.json`, JSON.stringify(result.metafile));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

// Left by earlier layouts of the bundle (ES module chunks).
rmSync(join(OUT, 'chunks'), { recursive: true, force: true });
const ids = {
  cli: await bundle('cli', { entryPoints: [join(ROOT, 'src', 'cli.ts')] }, {
    // Loaded from node_modules by validate alone (CEL, PromQL and JSON-schema checkers: 0.6 MB bundled).
    external: ['ajv', 'ajv-formats', '@bufbuild/cel', '@bufbuild/cel/*', '@prometheus-io/lezer-promql'],
    plugins: [precompiled, promptsBundle],
  }),
  prompts: await bundle('prompts', { stdin: { contents: "export { default } from 'node-plop';", resolveDir: ROOT, loader: 'js' } }),
};
// The bin: the launcher, told which bundles it runs (V8 checks a cache against the source's length only).
await build({
  entryPoints: [join(ROOT, 'src', 'launch.ts')],
  outfile: join(OUT, 'cli.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  define: { BUNDLE_IDS: JSON.stringify(ids) },
  logLevel: 'warning',
});
chmodSync(join(OUT, 'cli.js'), 0o755);
