import { ensureResources, resourcesSlots } from '../../patch.js';
import { TOOL } from '../../paths.js';
import { scaffold } from '../../plan/emit.js';
import { type RepoModel, posixRelative } from '../../plan/model.js';
import type { PlannedFile } from '../../plan/types.js';

/**
 * Lists `ksPath` (a ks.yaml) in its namespace folder's kustomization.yaml, when it lives under
 * `<appsRoot>/<namespace>/`. When the folder is new, the tool creates it with a Namespace object
 * too: Flux's targetNamespace needs the namespace to exist. An existing folder already has its own
 * way to make the namespace (a namespace.yaml, a component).
 */
export async function registerInNamespace(m: RepoModel, namespace: string, ksPath: string, unit: string): Promise<PlannedFile[]> {
  const nsDir = `${m.repo.appsRoot}/${namespace}`;
  const entry = posixRelative(nsDir, ksPath);
  if (entry.startsWith('..')) return [];
  const kustomization = `${nsDir}/kustomization.yaml`;
  return [
    {
      mode: 'patched',
      path: kustomization,
      unit,
      apply: (cur) => ensureResources(cur, cur === undefined ? ['./namespace.yaml', entry] : [entry]),
      slots: (t) => resourcesSlots(t, [entry]),
    },
    await scaffold(`${nsDir}/namespace.yaml`, unit, [`Written once by ${TOOL} with this folder's kustomization.yaml; yours now.`], ['kustomize/namespace.yaml.hbs', { name: namespace }], kustomization),
  ];
}
