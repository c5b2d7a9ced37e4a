import { appSideDocs } from '../../plan/app.js';
import { variableValues } from '../../plan/app-values.js';
import { kustomization, owned } from '../../plan/emit.js';
import type { RepoModel } from '../../plan/model.js';
import type { PlannedFile } from '../../plan/types.js';

/**
 * The shared Kustomize Components, once, when any app uses the component layout. Flux only: each
 * app's values reach them through its Kustomization's `postBuild.substitute`.
 */
export async function planComponents(m: RepoModel): Promise<PlannedFile[]> {
  if (!m.apps.some((a) => a.appLayout === 'component')) return [];
  const files: PlannedFile[] = [];
  for (const part of ['cnpg', 'cnpg-initdb', 'cnpg-backup', 'cnpg-backup-nfs']) {
    const dir = `${m.repo.componentsPath}/${part}`;
    const docs = appSideDocs(variableValues(), part, m.repo.networkPolicies);
    for (const [file, d] of Object.entries(docs)) files.push(await owned(`${dir}/${file}`, 'components', d));
    files.push(await kustomization(`${dir}/kustomization.yaml`, 'components', Object.keys(docs).map((f) => `./${f}`), true));
  }
  return files;
}
