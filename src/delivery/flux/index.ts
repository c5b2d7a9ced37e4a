import { formatYaml } from '../../format.js';
import { TOOL } from '../../paths.js';
import { ensureFluxKustomization, ensureLines, fluxKustomizationSlots, linesSlots, removeFluxKustomization } from '../../patch.js';
import { kustomization, owned, resourcesPatch } from '../../plan/emit.js';
import { type RepoModel, posixRelative } from '../../plan/model.js';
import { type PlannedFile, unpatchFor } from '../../plan/types.js';
import { type Unit, UnitIndex } from '../../plan/units.js';
import { RECORD_DIR } from '../../records.js';
import { renderTemplate } from '../../render.js';
import type { Delivery } from '../types.js';
import { fluxDecryption } from '../../plan/secret-source.js';
import { planComponents } from './components.js';
import { flatLayout } from './flat.js';
import { healthCheckExprs } from './health.js';
import { namespaceFile, operatorKsPath, operatorKsRegistered, registerInNamespace } from './namespace.js';
import type { Doc } from '../../views.js';

/** The Flux Kustomization a unit is applied by: its own, or that of the unit it is delivered within. */
export function applyingUnit(units: UnitIndex, id: string): Unit {
  const u = units.get(id);
  return u.within ? applyingUnit(units, u.within) : u;
}

/** `dependsOn` from a unit's needs: other units by their Kustomization, externals by the recorded name. */
function dependsOn(m: RepoModel, units: UnitIndex, u: Unit) {
  return u.needs.flatMap((n) => {
    if ('unit' in n) return [{ name: applyingUnit(units, n.unit).name, namespace: m.repo.fluxNamespace }];
    return n.external === 'cluster-vars' ? [] : [{ name: n.name, namespace: m.repo.fluxNamespace }];
  });
}

/** Every file a unit's Kustomization applies: its own and those of the units delivered within it. */
const appliedPaths = (units: UnitIndex, u: Unit): string[] => [...u.files.map((f) => f.path), ...units.within(u.id).flatMap((x) => appliedPaths(units, x))];

/** The view of templates/flux/kustomization.yaml.hbs for a unit with a Kustomization of its own. */
export function kustomizationView(m: RepoModel, units: UnitIndex, u: Unit) {
  const vars = u.needs.flatMap((n) => ('external' in n && n.external === 'cluster-vars' ? [n.name] : []));
  const substitute = u.variables ?? null;
  return {
    name: u.name,
    namespace: m.repo.fluxNamespace,
    targetNamespace: u.namespace,
    gitRepository: u.source?.name ?? m.repo.gitRepository,
    path: `./${u.dir}`,
    prune: u.source?.prune ?? true,
    components: (u.components ?? []).map((c) => posixRelative(u.dir, c)),
    dependsOn: dependsOn(m, units, u),
    ...u.reconcile,
    healthCheckExprs: healthCheckExprs(u.health),
    decryption: fluxDecryption(m.repo, appliedPaths(units, u)),
    postBuild: substitute || vars.length ? { substitute, substituteFrom: vars } : null,
  };
}

/**
 * What a layout adds: files of a unit's own (`listed` first in its kustomization.yaml: a chart
 * source, a namespace) and the wiring that makes Flux find the Kustomizations.
 */
export interface FluxLayout {
  /** `onCreate`: entries only a kustomization.yaml of the user's gets, when the tool creates it. */
  unitFiles(m: RepoModel, u: Unit): Promise<{ files: PlannedFile[]; listed: string[]; onCreate?: string[] }>;
  wiring(m: RepoModel, units: UnitIndex): Promise<PlannedFile[]>;
}

/** Files in the unit's directory, as its kustomization.yaml lists them. */
export const listedFiles = (u: Unit, files: PlannedFile[]): string[] => files.map((f) => `./${f.path.slice(u.dir.length + 1)}`);

/** A chart through an OCIRepository and a HelmRelease, listed first in the unit's kustomization. */
async function chartFiles(u: Unit): Promise<PlannedFile[]> {
  if (!u.chart) return [];
  const { name, url, version, values, installRetries } = u.chart;
  return [
    await owned(`${u.dir}/ocirepository.yaml`, u.owner, [['operator/ocirepository.yaml.hbs', { name, url, tag: version }]]),
    await owned(`${u.dir}/helmrelease.yaml`, u.owner, [['operator/helmrelease.yaml.hbs', { name, values, installRetries, chart: null }]]),
  ];
}

/**
 * An app's ks.yaml is the user's: created when absent, otherwise the tool keeps its entries
 * (dependsOn, components, postBuild.substitute) and leaves the rest as written. Under the per-app
 * topology's ks layout it also declares the app's cluster's Kustomization (`<app>-postgres`, before
 * the app's, which waits for it): its fields are set when absent, its dependsOn kept.
 */
async function appKustomization(m: RepoModel, units: UnitIndex, u: Unit): Promise<PlannedFile[]> {
  const a = u.app ?? u.cluster!.apps[0]!;
  const isApp = u.kind === 'app';
  const ks = kustomizationView(m, units, u);
  const header = isApp
    ? `# Created by ${TOOL} for ${a.name}. Yours to edit: the tool only keeps its entries\n# (dependsOn, components, postBuild.substitute) in place.\n`
    : `# ${a.name}'s own PostgreSQL cluster, by ${TOOL}. Yours to edit: the tool sets these fields\n# when absent and keeps dependsOn; ${a.name}'s Kustomization depends on this one.\n`;
  // Rendered only for a ks.yaml that is not there yet (or lacks the app's Kustomization).
  let createdText: string | undefined;
  const created = () => (createdText ??= formatYaml(`${header}${renderTemplate('flux/kustomization.yaml.hbs', ks).replace(/^---\n/, '')}`));
  const { interval, retryInterval, timeout } = u.reconcile;
  // A cluster's Kustomization waits for the Cluster to be Ready (wait + healthCheckExprs), as the shared topology's does.
  const health = isApp ? {} : { wait: u.reconcile.wait, ...(ks.healthCheckExprs.length ? { healthCheckExprs: ks.healthCheckExprs } : {}) };
  const want = {
    name: u.name,
    defaults: {
      targetNamespace: u.namespace,
      path: ks.path,
      sourceRef: { kind: 'GitRepository', name: ks.gitRepository },
      prune: ks.prune,
      interval,
      retryInterval,
      timeout,
      ...health,
      ...(ks.decryption ? { decryption: ks.decryption } : {}),
    },
    dependsOn: ks.dependsOn,
    components: ks.components,
    substitute: isApp ? (u.variables ?? {}) : {},
    // Two Kustomizations of the tool's in one file: the cluster's slots carry its name.
    ...(isApp ? {} : { slotPrefix: `${u.name}: ` }),
  };
  const path = `${a.path}/ks.yaml`;
  return [
    {
      mode: 'patched',
      path,
      unit: u.owner,
      apply: (cur) => ensureFluxKustomization(cur, want, created),
      slots: (t) => fluxKustomizationSlots(t, want),
      unpatch: unpatchFor(u.owner, (t) => removeFluxKustomization(t, want)),
      templates: ['flux/kustomization.yaml.hbs'],
    },
    ...(isApp ? await registerInNamespace(m, a.namespace, path, u.owner) : []),
  ];
}

/** A per-app cluster under the ks layout: declared in its app's ks.yaml, not the operator's. */
const inAppKs = (u: Unit) => u.kind === 'cluster' && !!u.cluster?.perApp && !u.cluster.colocated;

/**
 * Where the operator's labelled Namespace lives: in its namespace folder when the operator's ks.yaml
 * is registered there, else in the operator's own directory (listed first in its kustomization).
 */
const namespaceInOwnDir = (m: RepoModel, u: Unit) => u.kind === 'operator' && Object.keys(u.namespaceLabels ?? {}).length > 0 && !operatorKsRegistered(m);

/**
 * Seed 001's layout: the operator's ks.yaml holds the Kustomizations of the operator, the plugin and
 * each shared cluster; units delivered within a cluster are resources of its directory; each app has
 * its own ks.yaml beside it, with its per-app cluster's Kustomization first (seed 004).
 */
const ksLayout: FluxLayout = {
  async unitFiles(m, u) {
    const files = await chartFiles(u);
    return { files, listed: [...(namespaceInOwnDir(m, u) ? ['./namespace.yaml'] : []), ...listedFiles(u, files)] };
  },
  async wiring(m, units) {
    const files: PlannedFile[] = [];
    const infra = units.all.filter((u) => !u.within && u.kind !== 'app' && u.kind !== 'database' && !inAppKs(u));
    const ksPath = operatorKsPath(m);
    // An upstream source (the CRD bundle) sits beside the Kustomization that applies it.
    const sources: Doc[] = infra.flatMap((u) =>
      u.source ? [['operator/crds-source.yaml.hbs', { name: u.source.name, namespace: m.repo.fluxNamespace, url: u.source.url, tag: u.source.tag, ignore: `${u.source.ignore.join('\n')}\n` }] as Doc] : [],
    );
    files.push(await owned(ksPath, 'operator', [...sources, ...infra.map((u): Doc => ['flux/kustomization.yaml.hbs', kustomizationView(m, units, u)])]));
    const operator = units.all.find((u) => u.kind === 'operator');
    const labels = operator?.namespaceLabels ?? {};
    const registered = await registerInNamespace(m, m.repo.namespace, ksPath, 'operator', labels);
    files.push(...registered);
    if (operator && namespaceInOwnDir(m, operator)) files.push(await namespaceFile(`${operator.dir}/namespace.yaml`, m.repo.namespace, 'operator', labels));
    for (const u of units.all.filter((x) => x.kind === 'app' || inAppKs(x))) files.push(...(await appKustomization(m, units, u)));
    return files;
  },
};

/** A unit listed by the kustomization.yaml of the unit it is delivered within, from the same directory. */
const listedByParent = (units: UnitIndex, u: Unit) => !!u.within && units.get(u.within).dir === u.dir;

/** Flux in either layout (`fluxLayout`): the units' kustomizations, the layout's files and wiring, the components. */
export const fluxDelivery: Delivery = {
  async deliver(m, planned) {
    const units = new UnitIndex(planned);
    const layout = m.repo.fluxLayout === 'flat' ? flatLayout : ksLayout;
    const files: PlannedFile[] = [];
    for (const u of units.all) {
      const own = await layout.unitFiles(m, u);
      files.push(...own.files);
      const listed = [...own.listed, ...(u.listed ?? [])];
      const path = `${u.dir}/kustomization.yaml`;
      // The user's file (an app's directory): the tool keeps its entries there, in this order.
      const onCreate = own.onCreate ?? [];
      if (u.userKustomization) files.push(resourcesPatch(path, u.owner, { created: [...onCreate, ...listed], existing: listed }));
      else if (u.listed && !listedByParent(units, u)) files.push(await kustomization(path, u.owner, listed));
    }
    files.push(...(await layout.wiring(m, units)));
    files.push(...(await planComponents(m)));
    files.push({
      mode: 'patched',
      path: '.sourceignore',
      unit: 'operator',
      apply: (cur) => ensureLines(cur, [`/${RECORD_DIR}/`], `${TOOL}'s recorded answers and manifest: not for Flux to apply`),
      slots: (t) => linesSlots(t, [`/${RECORD_DIR}/`]),
    });
    return files;
  },
};
