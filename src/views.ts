/**
 * The view each template renders from, by template path under templates/. A Doc names a template
 * and gives its view, so the compiler catches a missing or misspelt field; Handlebars runs in strict
 * mode, so a template that reads a field its view lacks fails at render time too. A new template gets
 * its view type here.
 */
import type { AlertRule } from './plan/monitoring.js';

type Str = string;
type Scalar = string | number | boolean;
type EnvVar = { name: Str; value: Str };
type ObjectRef = { name: Str; key: Str };

export interface StoreConfig {
  destinationPath: Str;
  endpointURL?: Str;
  endpointCA?: ObjectRef;
  s3Credentials: { accessKeyId: ObjectRef; secretAccessKey: ObjectRef };
  wal: { compression: Str; maxParallel: number };
  data: { compression: Str };
  /** In-tree only: the plugin's ObjectStore leaves it empty and takes it as a plugin parameter. */
  serverName?: Str;
}

export interface FluxKustomizationView {
  name: Str;
  namespace: Str;
  targetNamespace: Str;
  gitRepository: Str;
  path: Str;
  /** false for what must outlive its removal from Git (CRDs). */
  prune: boolean;
  components: Str[];
  dependsOn: { name: Str; namespace: Str }[];
  wait: boolean;
  interval: Str;
  retryInterval: Str;
  timeout: Str;
  healthCheckExprs: { apiVersion: Str; kind: Str; current: Str; failed?: Str }[];
  decryption: { provider: Str; secretRef: { name: Str } } | null;
  postBuild: { substitute: Record<string, string> | null; substituteFrom: Str[] } | null;
}

interface AppSideView {
  database: Str;
  role: Str;
  host: Str;
  secretStore: Str;
  storeItem: Str;
  passwordProperty: Str;
  secretName: Str;
}

/** Helm templates of the Argo CD wrapper chart: they read .Values; the tool gives only their sync waves. */
type ChartTemplateView = { wave: number; hookWave: number };

export interface TemplateViews {
  'app/backup-cronjob.yaml.hbs': {
    name: Str;
    app: Str;
    schedule: Str;
    image: Str;
    args: Str[];
    env: readonly { name: Str; key: Str }[];
    pguserSecret: Str;
    nfs: { server: Str; path: Str } | null;
    pvc: Str;
  };
  'app/backup-pvc.yaml.hbs': { name: Str; size: Str };
  'app/initdb-externalsecret.yaml.hbs': AppSideView & { superuserItem: Str; superuserProperty: Str };
  'app/networkpolicy.yaml.hbs': { name: Str; cluster: Str; clusterNamespace: Str; podLabels: Str[] };
  'app/pguser-externalsecret.yaml.hbs': AppSideView & { roHost: Str; uri: Str; jdbcUri: Str };
  'argocd/application.yaml.hbs': {
    name: Str;
    namespace: Str;
    wave: number;
    project: Str;
    repoURL: Str;
    targetRevision: Str;
    path: Str;
    helm: { releaseName: Str } | null;
    server: Str;
    destinationNamespace: Str;
    prune: boolean;
    selfHeal: boolean;
    syncOptions: Str[];
  };
  'argocd/chart/Chart.yaml.hbs': { name: Str; description: Str; version: Str; appVersion: Str; dependencies: { name: Str; version: Str; repository: Str }[] };
  'argocd/chart/values.yaml.hbs': { operatorChart: Str; pluginChart: Str; operatorValues: Record<string, unknown>; pluginValues: Record<string, unknown> | null; cnpg: Record<string, unknown> };
  'argocd/chart/templates/_helpers.tpl.hbs': ChartTemplateView;
  'argocd/chart/templates/cluster.yaml.hbs': ChartTemplateView;
  'argocd/chart/templates/init-roles-job.yaml.hbs': ChartTemplateView;
  'argocd/chart/templates/objectstore.yaml.hbs': ChartTemplateView;
  'argocd/chart/templates/scheduledbackup.yaml.hbs': ChartTemplateView;
  'ci/github-workflow.yaml.hbs': { nodeVersion: number; manifest: Str; schemaLocations: readonly Str[]; toolPackage: Str };
  'cluster/cluster.yaml.hbs': {
    name: Str;
    partOf: Str;
    instances: number;
    imageName: Str;
    storageClass: Str;
    storageSize: Str;
    cpuRequest: Str;
    memoryRequest: Str;
    memoryLimit: Str;
    superuserAccess: boolean;
    superuserSecret: Str;
    parameters: Record<string, string> | null;
    topologyKey: Str | null;
    extensions: { name: Str; image: { reference: Str }; extension_control_path?: readonly Str[]; dynamic_library_path?: readonly Str[]; ld_library_path?: readonly Str[] }[];
    roles: { name: Str; ensure: 'present' | 'absent'; passwordSecret: Str }[];
    plugin: { name: Str; objectStore: Str; serverName: Str | null } | null;
    inTree: { retention: Str; store: StoreConfig } | null;
    recovery: { source: Str; targetTime: Str | null; plugin: { name: Str; objectStore: Str } | null; store: StoreConfig | null } | null;
    env: EnvVar[];
    /** null or a non-empty list. */
    preloadLibraries: Str[] | null;
    initdb: { database: Str; owner: Str; secret: Str } | null;
  };
  'cluster/backup-externalsecret.yaml.hbs': { name: Str; secretStore: Str; item: Str };
  'cluster/externalsecret.yaml.hbs': { superuserSecret: Str; superuserItem: Str; superuserProperty: Str; secretStore: Str };
  'cluster/networkpolicy.yaml.hbs': { name: Str; cluster: Str; operatorNamespace: Str; monitoringNamespace: Str; objectStore: unknown[]; colocated: boolean; perApp: boolean };
  'cluster/objectstore.yaml.hbs': { name: Str; retention: Str; store: StoreConfig; env: EnvVar[] };
  'cluster/scheduledbackup.yaml.hbs': { name: Str; schedule: Str; cluster: Str; plugin: Str | null };
  'database/database.yaml.hbs': { objectName: Str; cluster: Str; database: Str; role: Str; ensure: 'present' | 'absent'; reclaimPolicy: 'retain' | 'delete'; extensions: { name: Str; version?: Str }[] };
  'database/databaserole.yaml.hbs': { objectName: Str; cluster: Str; role: Str; secretName: Str; reclaimPolicy: 'retain' | 'delete' };
  /** `initdb`: the owner's password for a per-app cluster's bootstrap (trimmed); else a role's. */
  'database/externalsecret.yaml.hbs': { secretName: Str; secretStore: Str; role: Str; storeItem: Str; passwordProperty: Str; initdb?: boolean };
  'database/networkpolicy.yaml.hbs': { name: Str; app: Str; cluster: Str; namespace: Str; podLabels: Str[] };
  'docs/app-database.md.hbs': {
    app: Str;
    namespace: Str;
    cluster: Str;
    clusterNamespace: Str;
    host: Str;
    roHost: Str;
    port: Str;
    database: Str;
    role: Str;
    secret: Str;
    source: Str;
    keys: { key: Str; about: Str }[];
    env: { name: Str; key: Str }[];
  };
  'docs/operator-readme.md.hbs': {
    k8sCluster: Str;
    namespace: Str;
    chartVersion: Str;
    operatorVersion: Str;
    helmRepositoryPath: Str;
    dashboard: { namespace: Str } | null;
    ksFile: Str;
    operatorKs: Str;
    appsDir: Str;
    apps: { name: Str; namespace: Str; cluster: Str; host: Str; destination: Str | null }[];
    backup: { method: Str; endpoint: Str; bucket: Str; destinationPattern: Str; credentialsSecret: Str; retention: Str; schedule: Str } | null;
  };
  'flux/helmrepository.yaml.hbs': { name: Str; namespace: Str; interval: Str; url: Str };
  'flux/kustomization.yaml.hbs': FluxKustomizationView;
  'secret/sops-config.yaml.hbs': { pathRegex: Str; encryptedRegex: Str; recipient: Str };
  'secret/sops-stub.yaml.hbs': { name: Str; labels: Record<string, string> | null; type: Str | null; keys: { key: Str; value: Str }[] };
  'kustomize/kustomization.yaml.hbs': { resources: Str[]; component: boolean };
  'kustomize/namespace.yaml.hbs': { name: Str };
  'monitoring/podmonitor.yaml.hbs': { name: Str; cluster: Str; labels: Record<string, string> | null };
  'monitoring/prometheusrule.yaml.hbs': { name: Str; labels: Record<string, string> | null; groups: { name: Str; rules: AlertRule[] }[] };
  'operator/cluster-settings.yaml.hbs': { name: Str; namespace: Str };
  'operator/crds-source.yaml.hbs': { name: Str; namespace: Str; url: Str; tag: Str; ignore: Str };
  /** `chart`: from a HelmRepository (chart.spec); null: the OCIRepository of the same name (chartRef). */
  'operator/helmrelease.yaml.hbs': {
    name: Str;
    values: Record<string, unknown> | null;
    installRetries: number;
    chart: { name: Str; version: Str; repository: Str; repositoryNamespace: Str; interval: Str } | null;
  };
  'operator/pdb.yaml.hbs': { name: Str; selector: Record<string, string> };
  'operator/networkpolicy.yaml.hbs': { namespace: Str; monitoringNamespace: Str; plugin: boolean };
  'operator/ocirepository.yaml.hbs': { name: Str; url: Str; tag: Str };
  'operator/plugin-networkpolicy.yaml.hbs': { namespace: Str };
}

export type TemplateName = keyof TemplateViews;

/** A template and its view, checked together. */
export type Doc = { [K in TemplateName]: [template: K, view: TemplateViews[K]] }[TemplateName];

export type { Scalar };
