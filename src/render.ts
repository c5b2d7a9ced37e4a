import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Handlebars from 'handlebars';
// The runtime alone (no compiler, no source-map): its typings declare nothing, the package's are the full build's.
import * as runtime from 'handlebars/runtime.js';
import { TEMPLATES_DIR } from './paths.js';
import { PRECOMPILED } from './templates-precompiled.js';
import type { TemplateName, TemplateViews } from './views.js';
import { quoted, scalarText, yamlBlockText } from './yaml-scalar.js';

/**
 * Handlebars set up for YAML: HTML escaping is off (it corrupts `&`, `'`, `"`), and values reach
 * the output only through helpers that emit valid YAML, so no answer can break the document.
 */
const hbs = (runtime as unknown as { default: typeof Handlebars }).default.create();

/** One YAML scalar, safe anywhere a flow scalar may stand, meaning the same to YAML 1.1 and 1.2 readers. */
export function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return scalarText(String(value));
}

/** `{{q value}}`: a scalar. */
hbs.registerHelper('q', (value: unknown) => new hbs.SafeString(yamlScalar(value)));
/** `{{str value}}`: always a quoted string (for fields typed string whose value may look numeric). */
hbs.registerHelper('str', (value: unknown) => new hbs.SafeString(quoted(String(value))));
/** `{{block obj indent}}`: a nested mapping or sequence, one line per entry, indented to sit under its key. */
hbs.registerHelper('block', (value: unknown, indent: unknown) => {
  const pad = ' '.repeat(typeof indent === 'number' ? indent : 0);
  const text = yamlBlockText(value).trimEnd();
  return new hbs.SafeString(`\n${text.split('\n').map((l) => pad + l).join('\n')}`);
});
/** `{{go "expr"}}`: a Go template action (External Secrets templates), emitted as a quoted string. */
hbs.registerHelper('go', (expr: unknown) => new hbs.SafeString(quoted(`{{ ${String(expr)} }}`)));
/**
 * `{{line x}}`: text inside a comment or a literal block scalar, where quoting has no meaning.
 * One line only: a line break would end the comment or the block's indentation.
 */
hbs.registerHelper('line', (value: unknown) => {
  const s = String(value);
  if (/[\r\n\u0085\u2028\u2029]/.test(s)) throw new Error(`{{line}} got a line break in ${JSON.stringify(s)}`);
  return new hbs.SafeString(s);
});
/** `{{shq x}}`: one single-quoted shell word. */
hbs.registerHelper('shq', (value: unknown) => new hbs.SafeString(`'${String(value).replace(/'/g, `'\\''`)}'`));
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
hbs.registerHelper('not', (a: unknown) => !a);

/**
 * One template's compiled form, as JavaScript source (`Handlebars.precompile`). The bundle
 * (scripts/build.mjs) compiles every template with this at build time, so a run from the bin
 * loads only Handlebars' runtime; from source (tests, tsc's output) it runs on first use instead.
 */
export function precompileTemplate(source: string): string {
  const compiler = createRequire(import.meta.url)('handlebars') as typeof Handlebars;
  return compiler.precompile(source, { noEscape: true, strict: true }) as unknown as string;
}

const cache = new Map<string, Handlebars.TemplateDelegate>();

function compiled(name: string): Handlebars.TemplateDelegate {
  let t = cache.get(name);
  if (!t) {
    const path = join(TEMPLATES_DIR, name);
    // The file wins over the bundle's copy when it changed after the build (an edit, a checkout):
    // what is in templates/ is what renders, rebuilt or not.
    const built = PRECOMPILED && statSync(path).mtimeMs <= PRECOMPILED.builtMs ? PRECOMPILED.specs[name] : undefined;
    // Else the compiler's output for the file, evaluated as the bundle would load it.
    const spec = built ?? new Function(`return ${precompileTemplate(readFileSync(path, 'utf8'))}`)();
    t = hbs.template(spec as never);
    cache.set(name, t);
  }
  return t;
}

/** Renders a text template (Markdown): values only through `{{line}}`, no YAML check. */
export function renderText(name: string, view: object): string {
  return compiled(name)(view);
}

/**
 * Renders a YAML template. The file made from it names the template (PlannedFile `templates`), and
 * computeChanges proves the text parses before it is written or shown as drift (format.ts proveYaml): a text
 * equal to the file already in the tree is not parsed again, which at 1,000 apps was a third of a run.
 */
export function renderTemplate<K extends TemplateName>(name: K, view: TemplateViews[K]): string {
  return compiled(name)(view);
}

/**
 * Renders a template whose output is itself a Helm (Go) template: not YAML until Helm runs it, so
 * it is not parsed here. Its Go actions are escaped in the source (`\{{`); the tests render the
 * result with Helm's engine (test/e2e/helm-render) and validate what comes out.
 */
export function renderHelmTemplateSource<K extends TemplateName>(name: K, view: TemplateViews[K]): string {
  return compiled(name)(view);
}
