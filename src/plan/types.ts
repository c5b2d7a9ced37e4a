/**
 * What a plan holds: pure data, computed from answers alone, no I/O.
 * - owned: the tool writes the whole file; any byte that differs is drift.
 * - patched: a user's file in which the tool keeps entries; `apply` adds them to the current text.
 * - scaffold: written once when absent (a starting point the user then owns), never checked again;
 *   with `onlyWith`, only in the same run that creates that other file.
 */
export type PlannedFile =
  | { mode: 'owned'; path: string; unit: string; contents: string }
  | { mode: 'patched'; path: string; unit: string; apply: (current: string | undefined) => string }
  | { mode: 'scaffold'; path: string; unit: string; contents: string; onlyWith?: string };

export interface Plan {
  files: PlannedFile[];
  /**
   * The directories the recorded answers give the tool (apps root, operator, components, each
   * app's path): an orphan is deleted only inside them, whatever the manifest says.
   */
  roots: string[];
}
