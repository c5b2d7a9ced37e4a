import { formatOwnedYaml, formatYaml, ownedMarkdown } from '../format.js';
import { renderTemplate, renderText } from '../render.js';
import type { PlannedFile } from './types.js';
import type { Doc } from '../views.js';

export type { Doc } from '../views.js';

/** An owned file from one or more rendered documents. */
export async function owned(path: string, unit: string, docs: Doc[]): Promise<PlannedFile> {
  const body = docs.map(([t, v]) => renderTemplate(t, v).replace(/^---\n/, '')).join('---\n');
  return { mode: 'owned', path, unit, contents: await formatOwnedYaml(unit, body) };
}

/** A file written once, then the user's: comment lines, then the rendered document. */
export async function scaffold(path: string, unit: string, comment: string[], [template, view]: Doc, onlyWith?: string): Promise<PlannedFile> {
  const contents = `${comment.map((l) => `# ${l}`).join('\n')}\n${await formatYaml(renderTemplate(template, view))}`;
  return { mode: 'scaffold', path, unit, contents, ...(onlyWith ? { onlyWith } : {}) };
}

/** A kustomize kustomization.yaml (or Component) listing `resources`. */
export const kustomization = (path: string, unit: string, resources: string[], component = false) =>
  owned(path, unit, [['kustomize/kustomization.yaml.hbs', { resources, component }]]);

/** An owned Markdown file (a directory's README) from one text template. */
export const ownedText = (path: string, unit: string, [template, view]: Doc): PlannedFile => ({ mode: 'owned', path, unit, contents: ownedMarkdown(unit, renderText(template, view)) });
