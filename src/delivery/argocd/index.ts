import { createHash } from 'node:crypto';
import { checksumEnv } from '../../plan/cluster.js';
import { owned } from '../../plan/emit.js';
import { type RepoModel, appNames, databaseRoleCr, dropsData, objectStoreName, pluginName, superuserEnabled, usesPlugin } from '../../plan/model.js';
import { regionEnv } from '../../plan/object-store-egress.js';
import { serverNameOf } from '../../../schema/restore.js';
import type { PlannedFile } from '../../plan/types.js';
import type { Unit } from '../../plan/units.js';
import { pluginOf, releaseOf } from '../../versions.js';
import type { Delivery } from '../types.js';
import { type ChartWaves, type WrapperChartInput, chartLiteralFile, namespacedFile, wrapperChartFiles } from './wrapper-chart.js';

/**
 * Argo CD, seed 000's layout: one Application syncs a wrapper chart in `operatorPath` whose
 * dependencies are the operator's and the plugin's charts and whose templates hold the cluster
 * (value-driven: Cluster, ObjectStore, ScheduledBackup, the init-roles hook) and, as literal
 * documents, every other object of the operator, plugin, cluster and database units. App-side
 * units stay in the app's directory, which the team's own Application for the app syncs.
 *
 * Health: Argo CD judges a CNPG Cluster with its built-in Lua check
 * (argo-cd resource_customizations/postgresql.cnpg.io/Cluster/health.lua, since v3.1.0): Healthy in
 * phase "Cluster in healthy state", Progressing while instances come up, Degraded or Suspended
 * otherwise. Database, DatabaseRole and ObjectStore have none (healthy once applied). The units'
 * `needs` become sync waves: inside the chart a unit syncs one wave after what it needs, and Argo
 * CD starts a wave only when the earlier ones are synced and healthy.
 */

/** The cluster unit's documents the chart models with values (templates/argocd/chart/templates/). */
const VALUE_DRIVEN = ['cluster.yaml', 'objectstore.yaml', 'scheduledbackup.yaml'];

const byId = (units: readonly Unit[], id: string): Unit => {
  const u = units.find((x) => x.id === id);
  if (!u) throw new Error(`no unit ${id}`);
  return u;
};

/** Waves inside the chart: a dependency chart's objects are at 0 (their default), every other unit one after the deepest unit it needs. */
function chartWaves(units: readonly Unit[]): Map<string, number> {
  const waves = new Map<string, number>();
  const wave = (u: Unit): number => {
    const known = waves.get(u.id);
    if (known !== undefined) return known;
    const w = u.chart ? 0 : 1 + Math.max(-1, ...u.needs.flatMap((n) => ('unit' in n ? [wave(byId(units, n.unit))] : [])));
    waves.set(u.id, w);
    return w;
  };
  units.forEach(wave);
  return waves;
}

/** Units whose files live in the chart: everything under operatorPath. */
const inChart = (m: RepoModel, u: Unit) => u.dir === m.repo.operatorPath || u.dir.startsWith(`${m.repo.operatorPath}/`);

function clusterUnitOf(units: readonly Unit[]): Unit {
  const clusters = units.filter((u) => u.kind === 'cluster');
  // schema/cluster.ts refuses a second cluster under delivery argocd: the chart's values hold one.
  if (clusters.length !== 1) throw new Error(`delivery argocd holds exactly one cluster in its wrapper chart (got ${clusters.length})`);
  return clusters[0]!;
}

/** The chart's values and metadata from the placed units; `version` is the recorded one (settle). */
function chartInput(m: RepoModel, units: readonly Unit[], version: string): WrapperChartInput {
  const cu = clusterUnitOf(units);
  const p = cu.cluster!;
  const c = p.answers;
  const plugin = usesPlugin(c);
  const declarative = p.apps.filter((a) => a.provisioning === 'declarative');
  // An app whose data remove-app drops is no longer made sure of by the hook (it would create it again).
  const initRoles = declarative.filter((a) => !dropsData(a)).map((a) => ({ role: a.role, database: a.database, passwordSecret: appNames(a.name).rolePassword }));
  const [caSecret, caKey] = c.backupEndpointCA ? c.backupEndpointCA.split('/') : [];
  const release = releaseOf(m.repo);
  return {
    name: byId(units, 'operator').name,
    version,
    operator: { chart: release.chart, appVersion: release.operator, values: byId(units, 'operator').chart?.values ?? {}, ...(m.repo.operatorImage ? { image: m.repo.operatorImage } : {}) },
    ...(plugin
      ? {
          plugin: {
            chart: pluginOf(m.repo).chart,
            ...(m.repo.pluginImage ? { image: m.repo.pluginImage } : {}),
            ...(m.repo.pluginSidecarImage ? { sidecarImage: m.repo.pluginSidecarImage } : {}),
          },
        }
      : {}),
    partOf: m.repo.partOf,
    networkPolicies: m.repo.networkPolicies,
    cluster: {
      name: p.name,
      namespace: p.namespace,
      host: p.host,
      instances: c.instances,
      imageName: c.imageName,
      psqlImage: c.psqlImage ?? '',
      // The init-roles hook logs in as the superuser: `auto` turns access on when it runs.
      enableSuperuserAccess: superuserEnabled(p) || (c.superuserAccess === 'auto' && initRoles.length > 0),
      superuserSecret: c.superuserSecret,
      storage: { size: c.storageSize, ...(c.storageClass ? { storageClass: c.storageClass } : {}) },
      resources: { requests: { cpu: c.cpuRequest, memory: c.memoryRequest }, limits: { memory: c.memoryLimit } },
      parameters: c.parameters,
      // `ensure` only where a role is dropped: the chart's template defaults it to present.
      managedRoles: databaseRoleCr(m) ? [] : declarative.map((a) => ({ name: a.role, passwordSecret: appNames(a.name).rolePassword, ...(dropsData(a) ? { ensure: 'absent' } : {}) })),
      ...(plugin
        ? {
            backup: {
              objectStoreName: objectStoreName(c),
              scheduledBackupName: `${p.name}-backup`,
              pluginName,
              schedule: c.backupSchedule,
              retentionPolicy: c.backupRetention,
              destinationPath: c.backupDestinationPath,
              ...(c.backupEndpoint ? { endpointURL: c.backupEndpoint } : {}),
              ...(caSecret ? { endpointCA: { name: caSecret, key: caKey! } } : {}),
              credentialsSecret: c.backupCredentialsSecret,
              compression: c.backupCompression,
              env: [...checksumEnv(c), ...regionEnv(c, true)],
              ...(serverNameOf(c) !== c.clusterName && serverNameOf(c) !== p.name ? { serverName: serverNameOf(c) } : {}),
            },
            ...(c.restoreFrom ? { restore: { source: c.restoreFrom, ...(c.restoreTargetTime ? { targetTime: c.restoreTargetTime } : {}) } } : {}),
          }
        : {}),
    },
    initRoles,
  };
}

/** The chart's files, every one under operatorPath: its own and the units' documents moved into templates/. */
async function chartFiles(m: RepoModel, units: readonly Unit[], version: string): Promise<{ chart: PlannedFile[]; outside: PlannedFile[] }> {
  const op = m.repo.operatorPath;
  const waves = chartWaves(units);
  const cu = clusterUnitOf(units);
  const clusterWave = waves.get(cu.id)!;
  const chart: PlannedFile[] = [];
  const outside: PlannedFile[] = [];
  for (const u of units) {
    for (const f of u.files) {
      if (!inChart(m, u)) {
        outside.push(await namespacedFile(f, u.namespace));
        continue;
      }
      if (u.id === cu.id && VALUE_DRIVEN.some((name) => f.path === `${u.dir}/${name}`)) continue;
      chart.push(await chartLiteralFile(`${op}/templates/${f.path.slice(op.length + 1)}`, f, u.namespace, waves.get(u.id)!));
    }
  }
  const waveOf: ChartWaves = { cluster: clusterWave, hook: clusterWave + 1 };
  chart.push(...(await wrapperChartFiles(op, 'operator', chartInput(m, units, version), waveOf)));
  return { chart, outside };
}

/** sha256 of the chart's files with its version left out: what decides whether the version moves. */
async function chartDigest(m: RepoModel, units: readonly Unit[]): Promise<string> {
  const { chart } = await chartFiles(m, units, '0.0.0');
  const hash = createHash('sha256');
  for (const f of [...chart].sort((a, b) => a.path.localeCompare(b.path))) hash.update(`${f.path}\0${f.mode === 'owned' ? f.contents : ''}\0`);
  return `sha256:${hash.digest('hex')}`;
}

const bumpPatch = (v: string): string => {
  const [major, minor, patch] = v.split('.').map(Number);
  return `${major}.${minor}.${patch! + 1}`;
};

function application(m: RepoModel, units: readonly Unit[]) {
  const r = m.repo;
  const op = byId(units, 'operator');
  return {
    name: op.name,
    namespace: r.argocdNamespace!,
    wave: r.argocdSyncWave!,
    project: r.argocdProject!,
    repoURL: r.argocdRepoURL!,
    targetRevision: r.argocdTargetRevision!,
    path: r.operatorPath,
    helm: { releaseName: op.name },
    server: r.argocdServer!,
    // The operator and plugin run in the release's namespace; the cluster's objects name their own.
    destinationNamespace: op.namespace,
    prune: r.argocdPrune!,
    selfHeal: r.argocdSelfHeal!,
    // CNPG's CRDs (Cluster, Pooler) exceed the 262144-byte last-applied annotation of client-side apply.
    syncOptions: ['ServerSideApply=true', 'CreateNamespace=true'],
  };
}

export const argocdDelivery: Delivery = {
  async settle(m, units) {
    const digest = await chartDigest(m, units);
    const recorded = m.repo.wrapperChartDigest ?? '';
    const current = m.repo.wrapperChartVersion ?? '0.1.0';
    // The first chart keeps the answered version; a later change of its files bumps the patch once,
    // and the new digest is recorded with it, so the next regen finds nothing to do.
    const version = recorded === '' || recorded === digest ? current : bumpPatch(current);
    return { ...m, repo: { ...m.repo, wrapperChartVersion: version, wrapperChartDigest: digest } };
  },
  async place(m, units) {
    const { chart, outside } = await chartFiles(m, units, m.repo.wrapperChartVersion ?? '0.1.0');
    return [...chart, ...outside];
  },
  async deliver(m, units) {
    const r = m.repo;
    return [await owned(`${r.argocdAppsPath}/${byId(units, 'operator').name}.yaml`, 'operator', [['argocd/application.yaml.hbs', application(m, units)]])];
  },
};
