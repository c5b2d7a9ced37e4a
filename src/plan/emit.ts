import { formatOwnedYaml, formatYaml, ownedMarkdown } from '../format.js';
import { renderTemplate, renderText } from '../render.js';
import { ensureResources, removeResources, resourcesSlots } from '../patch.js';
import { type PlannedFile, type ResourceEntries, unpatchFor } from './types.js';
import type { Doc } from '../views.js';

export type { Doc } from '../views.js';

/** An owned file from one or more rendered documents. */
export async function owned(path: string, unit: string, docs: Doc[]): Promise<PlannedFile> {
  const body = docs.map(([t, v]) => renderTemplate(t, v).replace(/^---\n/, '')).join('---\n');
  return { mode: 'owned', path, unit, contents: await formatOwnedYaml(unit, body), templates: docs.map(([t]) => t) };
}

/** A file written once, then the user's: comment lines, then the rendered document. */
export async function scaffold(path: string, unit: string, comment: string[], [template, view]: Doc, onlyWith?: string): Promise<PlannedFile> {
  const contents = `${comment.map((l) => `# ${l}`).join('\n')}\n${await formatYaml(renderTemplate(template, view))}`;
  return { mode: 'scaffold', path, unit, contents, templates: [template], ...(onlyWith ? { onlyWith } : {}) };
}

/** A kustomize kustomization.yaml (or Component) listing `resources`. */
export const kustomization = (path: string, unit: string, resources: string[], component = false) =>
  owned(path, unit, [['kustomize/kustomization.yaml.hbs', { resources, component }]]);

/**
 * A kustomization.yaml of the user's in which the tool keeps `entries` listed (its slots are the
 * entries an existing file keeps). Several such patches of one file compose into one: see mergeByPath.
 */
export const resourcesPatch = (path: string, unit: string, entries: ResourceEntries, removed = entries.existing): PlannedFile => ({
  mode: 'patched',
  path,
  unit,
  apply: (cur) => ensureResources(cur, cur === undefined ? entries.created : entries.existing),
  slots: (t) => resourcesSlots(t, entries.existing),
  // remove-app takes out `removed` only (a Namespace other apps' folders share stays listed).
  unpatch: unpatchFor(unit, (t) => removeResources(t, removed)),
  resources: entries,
});

/** An owned Markdown file (a directory's README) from one text template. */
export const ownedText = (path: string, unit: string, [template, view]: Doc): PlannedFile => ({ mode: 'owned', path, unit, contents: ownedMarkdown(unit, renderText(template, view)) });
