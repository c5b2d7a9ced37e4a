import { spawnSync } from 'node:child_process';
import { buildGoTool } from './go-tool.js';

/** test/e2e/eso-render (Go text/template + sprig as External Secrets renders), built once per source. */
export function esoRenderer(): string {
  return buildGoTool('eso-render', ['github.com/Masterminds/sprig/functions.go']);
}

/** Renders every key of an ExternalSecret's target.template.data with the given secret data, as ESO does. */
export function renderEso(binary: string, template: Record<string, string>, data: Record<string, string>): Record<string, string> {
  const r = spawnSync(binary, [], { input: JSON.stringify({ template, data }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ExternalSecret template failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}
