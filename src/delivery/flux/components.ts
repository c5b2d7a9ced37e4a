import { appSideDocs, appSideSecrets } from '../../plan/app.js';
import { secretFiles } from '../../plan/secret-source.js';
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
    // Components serve External Secrets only (schema/profile-rules.ts refuses them with SOPS).
    const secrets = await secretFiles(m.repo, dir, 'components', 'externalsecret.yaml', appSideSecrets(variableValues(), part));
    const docs = appSideDocs(variableValues(), part, m.repo.networkPolicies);
    files.push(...secrets.files);
    for (const [file, d] of Object.entries(docs)) files.push(await owned(`${dir}/${file}`, 'components', d));
    files.push(await kustomization(`${dir}/kustomization.yaml`, 'components', [...secrets.listed, ...Object.keys(docs).map((f) => `./${f}`)], true));
  }
  return files;
}
