import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGoTool } from './go-tool.js';

/** test/e2e/helm-render: Helm's template engine (Go text/template, sprig, Helm's own functions). */
export function helmRenderer(): string {
  return buildGoTool('helm-render', ['github.com/Masterminds/sprig/functions.go', 'gopkg.in/yaml.v2/yaml.go']);
}

export interface RenderOptions {
  /** Values put over the chart's values.yaml, as `helm template -f` does. */
  values?: Record<string, unknown>;
  release?: string;
  namespace?: string;
}

export type RenderResult = { ok: true; output: string } | { ok: false; error: string };

/**
 * Renders the chart directory's own templates (subchart dependencies are not vendored, so they
 * are not rendered). The output is `helm template`'s: `---`, `# Source: <chart>/templates/<file>`,
 * then each document.
 */
export function renderWrapperChart(dir: string, opts: RenderOptions = {}): RenderResult {
  const args = [dir, '--name', opts.release ?? 'release-name', '--namespace', opts.namespace ?? 'default'];
  let tmp: string | undefined;
  if (opts.values) {
    tmp = mkdtempSync(join(tmpdir(), 'cnpg-helm-values-'));
    const file = join(tmp, 'values.yaml');
    writeFileSync(file, JSON.stringify(opts.values)); // JSON is YAML
    args.push('-f', file);
  }
  try {
    const r = spawnSync(helmRenderer(), args, { encoding: 'utf8' });
    if (r.error) throw r.error;
    return r.status === 0 ? { ok: true, output: r.stdout } : { ok: false, error: r.stderr.trim() };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** renderWrapperChart that throws on a template error. */
export function renderChartOrThrow(dir: string, opts: RenderOptions = {}): string {
  const r = renderWrapperChart(dir, opts);
  if (!r.ok) throw new Error(`helm-render ${dir}: ${r.error}`);
  return r.output;
}
