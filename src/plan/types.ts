import type { Slots } from '../patch.js';
import type { RepoModel } from './model.js';

/**
 * Set on a file whose text the tool rendered from these YAML templates: computeChanges proves it
 * parses (proveYaml) before writing it (or, for a patched file, before creating it).
 */
interface Rendered {
  templates?: string[];
  /** Set by mergeByPath where units besides `unit` plan this path too (a namespace's kustomization.yaml). */
  alsoUnits?: string[];
}

/**
 * What a plan holds: pure data, computed from answers alone, no I/O.
 * - owned: the tool writes the whole file; any byte that differs is drift.
 * - patched: a user's file in which the tool keeps entries; `apply` adds them to the current text,
 *   `slots` reads them back (what each holds in a text), so a hand edit of one can be told apart.
 * - scaffold: written once when absent (a starting point the user then owns), never checked again;
 *   with `onlyWith`, only in the same run that creates that other file.
 */
export type PlannedFile =
  | ({ mode: 'owned'; path: string; unit: string; contents: string } & Rendered)
  | ({
      mode: 'patched';
      path: string;
      unit: string;
      apply: (current: string | undefined) => string;
      slots: (text: string | undefined) => Slots;
      /** remove-app: the text without the entries of `units` (those of others, and the user's, stay). */
      unpatch?: (text: string, units: ReadonlySet<string>) => string;
      /** Set by resourcesPatch: what `apply` lists, so many units' entries in one file compose as one edit. */
      resources?: ResourceEntries;
    } & Rendered)
  | ({ mode: 'scaffold'; path: string; unit: string; contents: string; onlyWith?: string } & Rendered);

/** The entries a kustomization.yaml lists for a unit: `created` when the tool creates the file, else `existing`. */
export interface ResourceEntries {
  created: string[];
  existing: string[];
}

/** An unpatch that removes `remove`'s entries when `unit` is among those removed. */
export const unpatchFor =
  (unit: string, remove: (text: string) => string) =>
  (text: string, units: ReadonlySet<string>): string =>
    units.has(unit) ? remove(text) : text;

export interface Plan {
  files: PlannedFile[];
  /**
   * The model as planned: the answers, plus what the delivery keeps in the records about its own
   * output (Argo CD: the wrapper chart's version and digest). The records are written from this.
   */
  model: RepoModel;
  /**
   * The directories the recorded answers give the tool (apps root, operator, components, each
   * app's path): an orphan is deleted only inside them, whatever the manifest says.
   */
  roots: string[];
}
