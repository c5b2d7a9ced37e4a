import { formatOwnedYaml, formatYaml, ownedMarkdown } from '../format.js';
import { renderTemplate, renderText } from '../render.js';
import { ensureResources, removeResources, resourcesSlots } from '../patch.js';
import { type PlannedFile, type ResourceEntries, unpatchFor } from './types.js';
import type { Doc } from '../views.js';

export type { Doc } from '../views.js';

/**
 * `file` whose `contents` is rendered when first read: new-app compares the unit it changes and the
 * shared files, and never reads the other apps' files (see computeChanges' `frozen`).
 */
function rendersOnRead<F extends { contents: string }>(file: Omit<F, 'contents'>, render: () => string): F {
  let text: string | undefined;
  return Object.defineProperty(file, 'contents', { get: () => (text ??= render()), enumerable: true }) as F;
}

/** An owned file from one or more rendered documents. */
export async function owned(path: string, unit: string, docs: Doc[]): Promise<PlannedFile> {
  const render = () => formatOwnedYaml(unit, docs.map(([t, v]) => renderTemplate(t, v).replace(/^---\n/, '')).join('---\n'));
  return rendersOnRead<Extract<PlannedFile, { mode: 'owned' }>>({ mode: 'owned', path, unit, templates: docs.map(([t]) => t) }, render);
}

/** A file written once, then the user's: comment lines, then the rendered document. */
export async function scaffold(path: string, unit: string, comment: string[], [template, view]: Doc, onlyWith?: string): Promise<PlannedFile> {
  const render = () => `${comment.map((l) => `# ${l}`).join('\n')}\n${formatYaml(renderTemplate(template, view))}`;
  return rendersOnRead<Extract<PlannedFile, { mode: 'scaffold' }>>({ mode: 'scaffold', path, unit, templates: [template], ...(onlyWith ? { onlyWith } : {}) }, render);
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
export const ownedText = (path: string, unit: string, [template, view]: Doc): PlannedFile =>
  rendersOnRead<Extract<PlannedFile, { mode: 'owned' }>>({ mode: 'owned', path, unit }, () => ownedMarkdown(unit, renderText(template, view)));
