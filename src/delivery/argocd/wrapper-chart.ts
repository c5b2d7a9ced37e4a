import { parseAllDocuments } from 'yaml';
import { formatOwnedYaml, formatYaml, header } from '../../format.js';
import { renderHelmTemplateSource, renderTemplate } from '../../render.js';
import { splitImageRef } from '../../images.js';
import type { PlannedFile } from '../../plan/types.js';

/** The chart repository seed 000's Chart.yaml names (HTTP; the OCI registry serves the same charts). */
export const CHARTS_REPOSITORY = 'https://cloudnative-pg.github.io/charts';

/** The wrapper chart's templates, in the order a reader meets them. */
export const CHART_TEMPLATES = ['_helpers.tpl', 'cluster.yaml', 'objectstore.yaml', 'scheduledbackup.yaml', 'init-roles-job.yaml'] as const;

/** One role and database the init-roles hook makes sure of; the password Secret is CNPG's (basic-auth). */
export interface InitRole {
  role: string;
  database: string;
  passwordSecret: string;
}

export interface WrapperBackup {
  objectStoreName: string;
  scheduledBackupName: string;
  pluginName: string;
  schedule: string;
  retentionPolicy: string;
  destinationPath: string;
  endpointURL?: string;
  endpointCA?: { name: string; key: string };
  credentialsSecret: string;
  compression: string;
  /** The server name the cluster archives to, when it is not the Cluster's name (after a restore). */
  serverName?: string;
  env: { name: string; value: string }[];
}

/** Everything the chart's files hold; built by the Argo CD delivery from the placed cluster. */
export interface WrapperChartInput {
  name: string;
  version: string;
  operator: { chart: string; appVersion: string; values: Record<string, unknown>; image?: string };
  plugin?: { chart: string; image?: string; sidecarImage?: string };
  partOf: string;
  networkPolicies: boolean;
  cluster: {
    name: string;
    namespace: string;
    host: string;
    instances: number;
    imageName: string;
    psqlImage: string;
    enableSuperuserAccess: boolean;
    superuserSecret: string;
    storage: { size: string; storageClass?: string };
    resources: { requests: { cpu: string; memory: string }; limits: { memory: string } };
    parameters: Record<string, string>;
    managedRoles: { name: string; passwordSecret: string; ensure?: 'absent' }[];
    backup?: WrapperBackup;
    /** Bootstrap by recovery from the backups of `source` in the same ObjectStore (README, "Restores"). */
    restore?: { source: string; targetTime?: string };
  };
  initRoles: InitRole[];
}

/** `repo[:tag][@digest]` as the operator chart's image values: repository, and tag (with the digest after it). */
function operatorImageValues(image: string | undefined) {
  if (!image) return {};
  const { name, tag, digest } = splitImageRef(image);
  return { image: { repository: name, tag: [tag ?? '', digest ? `@${digest}` : ''].join('') } };
}

/**
 * The plugin chart writes `<registry>/<repository>:<tag>` (plugin-barman-cloud 0.5.0
 * templates/deployment.yaml and configmap.yaml SIDECAR_IMAGE), so the registry is the first
 * segment and the digest rides on the tag.
 */
function pluginImageValues(image: string) {
  const { name, tag, digest } = splitImageRef(image);
  const slash = name.indexOf('/');
  return { registry: name.slice(0, slash), repository: name.slice(slash + 1), tag: `${tag ?? ''}${digest ? `@${digest}` : ''}` };
}

export function chartValues(input: WrapperChartInput) {
  const { cluster: c } = input;
  return {
    operatorChart: input.operator.chart,
    pluginChart: input.plugin?.chart ?? 'not used',
    operatorValues: { ...input.operator.values, ...operatorImageValues(input.operator.image) },
    pluginValues: input.plugin
      ? {
          ...(input.plugin.image ? { image: pluginImageValues(input.plugin.image) } : {}),
          ...(input.plugin.sidecarImage ? { sidecarImage: pluginImageValues(input.plugin.sidecarImage) } : {}),
        }
      : null,
    cnpg: {
      partOf: input.partOf,
      networkPolicies: input.networkPolicies,
      cluster: {
        name: c.name,
        namespace: c.namespace,
        host: c.host,
        instances: c.instances,
        imageName: c.imageName,
        psqlImage: c.psqlImage,
        enableSuperuserAccess: c.enableSuperuserAccess,
        superuserSecret: c.superuserSecret,
        storage: c.storage,
        resources: c.resources,
        parameters: c.parameters,
        managedRoles: c.managedRoles,
        backup: c.backup ? { enabled: true, ...c.backup } : { enabled: false },
        ...(c.restore ? { restore: c.restore } : {}),
      },
      initRoles: input.initRoles,
    },
  };
}

/**
 * An owned file whose text is a Helm template, not formatted (prettier would reflow Go actions).
 * The tool's header sits in a Go template comment: the file says who wrote it, the rendered
 * objects do not carry it (and a template that renders nothing leaves no comment-only document).
 */
function ownedHelmTemplate(path: string, unit: string, template: `argocd/chart/templates/${(typeof CHART_TEMPLATES)[number]}.hbs`, view: { wave: number; hookWave: number }): PlannedFile {
  return helmTemplateFile(path, unit, renderHelmTemplateSource(template, view));
}

const helmTemplateFile = (path: string, unit: string, body: string): PlannedFile => ({ mode: 'owned', path, unit, contents: `{{- /*\n${header(unit)}\n*/ -}}\n${body}` });

/**
 * A YAML document as a Helm template that renders to exactly that text: every `{{` (External
 * Secrets' own Go templates) becomes the action `{{ "{{" }}`, which prints it.
 */
export const helmLiteral = (yaml: string): string => yaml.replace(/\{\{/g, '{{ "{{" }}');

/**
 * A unit's owned YAML file moved into the chart's templates/: its objects get the namespace they
 * are applied in (Argo CD's destination is the operator's namespace) and their sync wave, and the
 * text is escaped for Helm.
 */
export async function chartLiteralFile(path: string, file: PlannedFile, namespace: string, wave: number): Promise<PlannedFile> {
  const body = await formatYaml(editDocs(ownedBody(file), namespace, wave));
  return helmTemplateFile(path, file.unit, helmLiteral(body));
}

/** An owned file's text without the tool's header. */
function ownedBody(file: PlannedFile): string {
  if (file.mode !== 'owned') throw new Error(`${file.path}: only owned files can be placed by the Argo CD delivery (got ${file.mode})`);
  const head = `${header(file.unit)}\n`;
  return file.contents.startsWith(head) ? file.contents.slice(head.length) : file.contents;
}

/** Each object gets `namespace` where it names none (Argo CD's destination would give it another) and, given one, its sync wave. */
function editDocs(body: string, namespace: string, wave?: number): string {
  return parseAllDocuments(body)
    .map((d) => {
      const kustomize = String(d.get('apiVersion') ?? '').startsWith('kustomize.config.k8s.io/');
      if (!kustomize && !d.hasIn(['metadata', 'namespace'])) d.setIn(['metadata', 'namespace'], namespace);
      if (!kustomize && wave !== undefined) d.setIn(['metadata', 'annotations', 'argocd.argoproj.io/sync-wave'], String(wave));
      return d.toString({ lineWidth: 0 }).replace(/^---\n/, '');
    })
    .join('---\n');
}

/**
 * An app-side file with its objects' namespace written out: the team's Application for the app
 * may have any destination, and the connection Secret must be in the app's namespace.
 */
export async function namespacedFile(file: PlannedFile, namespace: string): Promise<PlannedFile> {
  // Kubernetes objects only: an app's DATABASE.md is no manifest.
  if (file.mode !== 'owned' || !file.path.endsWith('.yaml')) return file;
  return { ...file, contents: await formatOwnedYaml(file.unit, editDocs(ownedBody(file), namespace)) };
}

/** Sync waves inside the chart: the cluster's objects, and the init-roles hook after them. */
export interface ChartWaves {
  cluster: number;
  hook: number;
}

/** The chart directory's own files: Chart.yaml, values.yaml and the value-driven templates. */
export async function wrapperChartFiles(dir: string, unit: string, input: WrapperChartInput, waves: ChartWaves = { cluster: 1, hook: 2 }): Promise<PlannedFile[]> {
  const dependencies = [
    { name: 'cloudnative-pg', version: input.operator.chart, repository: CHARTS_REPOSITORY },
    ...(input.plugin ? [{ name: 'plugin-barman-cloud', version: input.plugin.chart, repository: CHARTS_REPOSITORY }] : []),
  ];
  const chart = renderTemplate('argocd/chart/Chart.yaml.hbs', {
    name: input.name,
    description: `CloudNativePG operator${input.plugin ? ', Barman Cloud plugin' : ''} and the cluster ${input.cluster.name}`,
    version: input.version,
    appVersion: input.operator.appVersion,
    dependencies,
  });
  const values = renderTemplate('argocd/chart/values.yaml.hbs', chartValues(input));
  const files: PlannedFile[] = [
    { mode: 'owned', path: `${dir}/Chart.yaml`, unit, contents: await formatOwnedYaml(unit, chart), templates: ['argocd/chart/Chart.yaml.hbs'] },
    { mode: 'owned', path: `${dir}/values.yaml`, unit, contents: await formatOwnedYaml(unit, values), templates: ['argocd/chart/values.yaml.hbs'] },
  ];
  for (const t of CHART_TEMPLATES) files.push(ownedHelmTemplate(`${dir}/templates/${t}`, unit, `argocd/chart/templates/${t}.hbs`, { wave: waves.cluster, hookWave: waves.hook }));
  return files;
}

