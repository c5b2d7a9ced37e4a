import { ConflictError } from '../../errors.js';
import { ensureResources, resourcesSlots } from '../../patch.js';
import { TOOL } from '../../paths.js';
import { owned, ownedText, scaffold } from '../../plan/emit.js';
import { type RepoModel, posixRelative } from '../../plan/model.js';
import type { PlannedFile } from '../../plan/types.js';
import type { Unit } from '../../plan/units.js';
import { OPERATOR_HELM_REPOSITORY, OPERATOR_HELM_REPOSITORY_URL, releaseOf } from '../../versions.js';
import { type FluxLayout, kustomizationView, listedFiles } from './index.js';
import { ownsNamespace } from './namespace.js';

/** The tool's Flux Kustomizations, one file at the k8s cluster's root (`appsRoot`). */
export const FLAT_KUSTOMIZATIONS = 'cnpg-kustomizations.yaml';

const kustomizationsPath = (m: RepoModel) => `${m.repo.appsRoot}/${FLAT_KUSTOMIZATIONS}`;

/**
 * A chart from the HelmRepository (`chart.spec`, exact version), in the unit's own directory. Both
 * charts come from CNPG's one HTTP index (cloudnative-pg/charts publishes charts/* with chart-releaser).
 */
async function helmRelease(m: RepoModel, u: Unit): Promise<PlannedFile[]> {
  if (!u.chart) return [];
  const { name, version, values, installRetries } = u.chart;
  const chart = { name, version, repository: OPERATOR_HELM_REPOSITORY, repositoryNamespace: m.repo.fluxNamespace, interval: '12h' };
  return [await owned(`${u.dir}/helmrelease.yaml`, u.owner, [['operator/helmrelease.yaml.hbs', { name, values, installRetries, chart }]])];
}

/** The operator directory's README: what it holds, how apps get a cluster, the backup defaults. */
function readme(m: RepoModel, units: readonly Unit[], op: Unit): PlannedFile {
  const clusters = units.filter((u) => u.kind === 'cluster' && u.cluster);
  const template = m.clusters[0];
  const backup = template?.backups
    ? {
        method: template.backupMethod === 'plugin' ? 'the Barman Cloud plugin' : 'the in-tree barmanObjectStore (deprecated)',
        endpoint: template.backupEndpoint || 'AWS S3',
        bucket: template.backupDestinationPath,
        destinationPattern: `${template.backupDestinationPath.replace(/\/+$/, '')}/<app>/`,
        credentialsSecret: template.backupCredentialsSecret,
        retention: template.backupRetention,
        schedule: template.backupSchedule,
      }
    : null;
  const view = {
    k8sCluster: m.repo.appsRoot.split('/').pop() ?? m.repo.appsRoot,
    namespace: m.repo.namespace,
    chartVersion: m.repo.chartVersion,
    operatorVersion: releaseOf(m.repo).operator,
    helmRepositoryPath: m.repo.helmRepositoryPath,
    dashboard: m.repo.grafanaDashboard ? { namespace: m.repo.monitoringNamespace } : null,
    ksFile: kustomizationsPath(m),
    operatorKs: op.name,
    appsDir: m.repo.appsRoot,
    apps: clusters.map((u) => ({
      name: u.cluster!.apps[0]?.name ?? u.name,
      namespace: u.cluster!.namespace,
      cluster: u.cluster!.name,
      host: u.cluster!.host,
      destination: u.cluster!.answers.backups ? u.cluster!.answers.backupDestinationPath : null,
    })),
    backup,
  };
  return ownedText(`${op.dir}/README.md`, op.owner, ['docs/operator-readme.md.hbs', view]);
}

/**
 * Seed 002's layout: `<appsRoot>/cnpg/` (namespace, HelmRelease, README), each app's cluster in the
 * app's directory, the HelmRepository in its own file, and one file of Flux Kustomizations at the
 * root, which the root's kustomization.yaml lists.
 *
 * Why a Kustomization per directory: Flux dry-runs every object of a Kustomization before it
 * applies any (fluxcd/pkg ssa/manager_apply.go ApplyAll, called per stage by ApplyAllStaged), and a
 * HelmRelease installs its CRDs only later, through helm-controller. A `Cluster` applied with the
 * operator's HelmRelease therefore fails its dry-run on a fresh cluster and holds the HelmRelease
 * back with it, forever. Each cluster's Kustomization `dependsOn` the operator's, which waits for
 * the HelmRelease (`wait: true`). Without a root kustomization.yaml Flux would generate one listing
 * every directory below (fluxcd/pkg kustomize/kustomize_generator.go), the same deadlock: the tool
 * needs the user's root kustomization.yaml and only adds its entries there.
 */
/**
 * Whether an app's new directory declares its Namespace: not one Kubernetes makes (`default`) or a file of
 * the user's declares (`ownsNamespace`), nor one
 * another directory of the tool's declares already (the operator's, an app before it by name), since
 * two Kustomizations applying one object take it from each other.
 */
function declaresNamespace(m: RepoModel, u: Unit): boolean {
  if (!ownsNamespace(m, u.namespace) || u.namespace === m.repo.namespace) return false;
  const first = m.apps.find((a) => a.namespace === u.namespace);
  return !first || first.name === (u.app ?? u.cluster?.apps[0])?.name;
}

export const flatLayout: FluxLayout = {
  async unitFiles(m, u) {
    const chart = await helmRelease(m, u);
    if (u.kind === 'operator') {
      // The operator's namespace first: ApplyAllStaged applies Namespaces before the objects in them.
      const ns = ownsNamespace(m, m.repo.namespace) ? [await owned(`${u.dir}/namespace.yaml`, u.owner, [['kustomize/namespace.yaml.hbs', { name: m.repo.namespace }]])] : [];
      return { files: [...ns, ...chart], listed: listedFiles(u, [...ns, ...chart]) };
    }
    if (u.userKustomization && declaresNamespace(m, u)) {
      // A new app directory gets its namespace too (the Kustomization's targetNamespace must exist);
      // an existing one already has its own way to make it.
      const path = `${u.dir}/kustomization.yaml`;
      const ns = await scaffold(`${u.dir}/namespace.yaml`, u.owner, [`Written once by ${TOOL} with this folder's kustomization.yaml; yours now.`], ['kustomize/namespace.yaml.hbs', { name: u.namespace }], path);
      return { files: [ns, ...chart], listed: listedFiles(u, chart), onCreate: ['./namespace.yaml'] };
    }
    return { files: chart, listed: listedFiles(u, chart) };
  },
  async wiring(m, units) {
    const top = units.all.filter((u) => !u.within);
    const op = units.all.find((u) => u.kind === 'operator')!;
    const root = `${m.repo.appsRoot}/kustomization.yaml`;
    const entries = [posixRelative(m.repo.appsRoot, kustomizationsPath(m)), posixRelative(m.repo.appsRoot, m.repo.helmRepositoryPath)];
    const repository = { name: OPERATOR_HELM_REPOSITORY, namespace: m.repo.fluxNamespace, interval: '1h', url: OPERATOR_HELM_REPOSITORY_URL };
    return [
      await owned(kustomizationsPath(m), 'operator', top.map((u) => ['flux/kustomization.yaml.hbs', kustomizationView(m, units, u)])),
      await owned(m.repo.helmRepositoryPath, 'operator', [['flux/helmrepository.yaml.hbs', repository]]),
      readme(m, units.all, op),
      {
        mode: 'patched',
        path: root,
        unit: 'operator',
        apply: (cur) => {
          // Created here it would replace the listing Flux generates today, and prune what it no longer names.
          if (cur === undefined)
            throw new ConflictError(`${root}: the flat layout lists its Flux Kustomizations in this file, which does not exist: create it listing what Flux applies there now (flux bootstrap: ./flux-system), then run again`);
          return ensureResources(cur, entries);
        },
        slots: (t) => resourcesSlots(t, entries),
      },
    ];
  },
};
