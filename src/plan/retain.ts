import { parseAllDocuments } from 'yaml';
import { ensureMapEntries } from '../patch.js';
import type { PlannedFile } from './types.js';

/**
 * Flux leaves an object with this annotation in the cluster when it leaves Git, and when the
 * Kustomization that applied it is deleted (kustomize-controller deleteObjects: its Exclusions, used
 * for pruning and for the finalizer alike).
 */
export const PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } as const;

/**
 * remove-app on a per-app cluster, data retained: before the files go, every object of the cluster's
 * side carries PRUNE_DISABLED, so the Cluster keeps running unmanaged with its PVCs (CNPG makes the
 * Cluster their owner, pkg/reconciler/persistentvolumeclaim/build.go: deleting it deletes them), its
 * backups, Secrets and policies. Owned YAML only; other files (SOPS stubs are the user's) stay as planned.
 */
export function keptOnPrune(f: PlannedFile): PlannedFile {
  if (f.mode !== 'owned' || !f.path.endsWith('.yaml')) return f;
  let contents = f.contents;
  for (const doc of parseAllDocuments(f.contents) as ReturnType<typeof parseAllDocuments> & unknown[]) {
    const kind = doc.get('kind');
    const name = doc.getIn(['metadata', 'name']);
    // A kustomize kustomization.yaml is no object of the cluster's.
    if (typeof kind !== 'string' || typeof name !== 'string') continue;
    contents = ensureMapEntries(contents, { kind, name, path: ['metadata', 'annotations'], entries: { ...PRUNE_DISABLED } }, '');
  }
  return { ...f, contents };
}
