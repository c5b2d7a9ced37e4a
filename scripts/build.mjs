// The bin: src/cli.ts bundled by esbuild into dist/src/cli.js, after `tsc` (the type check, and the
// modules the tests and the bundle's template step import). One file for what every command runs,
// and a lazy chunk per dynamic import, so a command loads only its own code: `--help` next to
// nothing, new-app neither ajv, CEL nor plop. Resolving and reading ~300 modules one by one was
// most of a small run's start-up. The templates are compiled here (render.ts precompileTemplate),
// so a run loads Handlebars' runtime and no compiler.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
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

rmSync(join(OUT, 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: join(ROOT, 'src', 'cli.ts') },
  outdir: OUT,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The CommonJS dependencies (yaml, Handlebars' runtime, ajv) call require() for Node's own modules.
  banner: { js: "import { createRequire as __cnpgRequire } from 'node:module'; const require = __cnpgRequire(import.meta.url);" },
  plugins: [precompiled],
  logLevel: 'warning',
  metafile: !!process.env.BUNDLE_META,
});
// BUNDLE_META=path: esbuild's metafile (what each chunk holds), for looking into start-up cost.
if (process.env.BUNDLE_META) (await import('node:fs')).writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
