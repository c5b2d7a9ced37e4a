import { formatYaml } from '../format.js';
import { ensureResources } from '../patch.js';
import { TOOL } from '../paths.js';
import { renderTemplate } from '../render.js';
import type { PlannedFile } from './types.js';

/**
 * A namespace folder's kustomization.yaml lists `entry` (a ks.yaml). When the folder is new, the tool
 * creates it with a Namespace object too: Flux's targetNamespace needs the namespace to exist. An
 * existing folder already has its own way to make the namespace (a namespace.yaml, a component).
 */
export async function namespaceFolder(nsDir: string, namespace: string, unit: string, entry: string): Promise<PlannedFile[]> {
  const body = await formatYaml(renderTemplate('kustomize/namespace.yaml.hbs', { name: namespace }));
  const kustomization = `${nsDir}/kustomization.yaml`;
  return [
    { mode: 'patched', path: kustomization, unit, apply: (cur) => ensureResources(cur, cur === undefined ? ['./namespace.yaml', entry] : [entry]) },
    {
      mode: 'scaffold',
      path: `${nsDir}/namespace.yaml`,
      unit,
      contents: `# Written once by ${TOOL} with this folder's kustomization.yaml; yours now.\n${body}`,
      onlyWith: kustomization,
    },
  ];
}
