import { TOOL } from '../paths.js';
import { renovateConfig } from '../renovate.js';
import { recordPaths } from '../records.js';
import { scaffold } from './emit.js';
import type { RepoModel } from './model.js';
import { sopsConfig } from './secret-source.js';
import type { PlannedFile } from './types.js';

const UNIT = 'operator';
export const WORKFLOW_PATH = '.github/workflows/cnpg-scaffold.yaml';
/** The Node major the CI job runs the tool on: the current LTS line. */
const CI_NODE = 24;
/** validate's schema locations in CI: the shipped schemas, then kubeconform's usual public catalogs. */
export const CI_SCHEMA_LOCATIONS = [
  'default',
  'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json',
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json',
];

/**
 * The tool's own files, as globs known from the answers when the Renovate config is written (apps
 * come later; the README names theirs): Renovate must not bump a version there.
 */
function toolFiles(m: RepoModel): string[] {
  const r = m.repo;
  const globs = [`${r.operatorPath}/**`, `${r.componentsPath}/**`];
  if (r.delivery === 'argocd' && r.argocdAppsPath) globs.push(`${r.argocdAppsPath}/**`);
  if (r.delivery === 'flux' && r.fluxLayout === 'flat') globs.push(r.helmRepositoryPath);
  return [...new Set(globs)].sort();
}

/** Repository-level files: a CI job runs the drift check; SOPS' creation rule. */
export async function planRepoFiles(m: RepoModel): Promise<PlannedFile[]> {
  const files: PlannedFile[] = [];
  if (m.repo.ciWorkflow === 'github') {
    const comment = [
      `Written once by ${TOOL}; it is yours now: regen never rewrites it, nor restores it if you delete it.`,
      'Fails a pull request when the committed tree is not what the recorded answers generate,',
      'or when a manifest would be rejected on apply.',
    ];
    const view = { nodeVersion: CI_NODE, manifest: recordPaths.manifest, schemaLocations: CI_SCHEMA_LOCATIONS, toolPackage: m.repo.toolPackage ?? '' };
    files.push(await scaffold(WORKFLOW_PATH, UNIT, comment, ['ci/github-workflow.yaml.hbs', view]));
  }
  if (m.repo.renovateConfig) files.push({ mode: 'scaffold', path: m.repo.renovateConfig, unit: UNIT, contents: renovateConfig(m.repo, toolFiles(m)) });
  files.push(...(await sopsConfig(m.repo, UNIT)));
  return files;
}
