import type { AppAnswers } from '../../schema/app.js';
import { substitutionValue } from '../yaml-scalar.js';
import type { RepoModel } from './model.js';
import { placementOf } from './topology.js';

/**
 * The values app-side templates need, each with the Flux variable that carries it in the shared
 * component. Explicit layout renders the values; component layout renders `${VAR}` and passes the
 * values in the app's `postBuild.substitute`. Flux cannot transform values, so every value that
 * differs from `${APP}` is a variable of its own.
 */
export const APP_VARS = {
  cluster: 'CNPG_CLUSTER',
  clusterNamespace: 'CNPG_NAMESPACE',
  host: 'CNPG_HOST',
  roHost: 'CNPG_RO_HOST',
  database: 'CNPG_DATABASE',
  role: 'CNPG_ROLE',
  secretStore: 'CNPG_SECRET_STORE',
  storeItem: 'CNPG_STORE_ITEM',
  passwordProperty: 'CNPG_PASSWORD_PROPERTY',
  podLabel: 'CNPG_POD_LABEL',
  superuserItem: 'CNPG_SUPERUSER_ITEM',
  superuserProperty: 'CNPG_SUPERUSER_PROPERTY',
  schedule: 'CNPG_BACKUP_SCHEDULE',
  image: 'CNPG_BACKUP_IMAGE',
  keepDays: 'CNPG_BACKUP_KEEP_DAYS',
  keepWeeks: 'CNPG_BACKUP_KEEP_WEEKS',
  keepMonths: 'CNPG_BACKUP_KEEP_MONTHS',
  pvc: 'CNPG_BACKUP_PVC',
  size: 'CNPG_BACKUP_SIZE',
  nfsServer: 'CNPG_BACKUP_NFS_SERVER',
  nfsPath: 'CNPG_BACKUP_NFS_PATH',
} as const;

export type AppValueKey = keyof typeof APP_VARS;
export type AppValues = Record<AppValueKey, string> & { app: string };

/**
 * Values the components use inside a longer scalar (the connection URIs, the dump script): Flux
 * pastes them into that text, so they pass as they are. Their rules keep them names and numbers.
 * Every other variable is a whole scalar and gets its value as YAML text (`substitutionValue`).
 */
export const EMBEDDED_KEYS: ReadonlySet<AppValueKey> = new Set(['host', 'role', 'database', 'keepDays', 'keepWeeks', 'keepMonths']);

/** Which values each component's templates use, so an app substitutes only what it includes. */
export const COMPONENT_KEYS: Record<string, AppValueKey[]> = {
  cnpg: ['cluster', 'clusterNamespace', 'host', 'roHost', 'database', 'role', 'secretStore', 'storeItem', 'passwordProperty', 'podLabel'],
  'cnpg-initdb': ['host', 'database', 'role', 'secretStore', 'storeItem', 'passwordProperty', 'superuserItem', 'superuserProperty'],
  'cnpg-backup': ['schedule', 'image', 'database', 'keepDays', 'keepWeeks', 'keepMonths', 'pvc', 'size'],
  'cnpg-backup-nfs': ['schedule', 'image', 'database', 'keepDays', 'keepWeeks', 'keepMonths', 'nfsServer', 'nfsPath'],
};

export function appValues(m: RepoModel, a: AppAnswers): AppValues {
  const p = placementOf(m, a);
  const c = p.answers;
  return {
    app: a.name,
    cluster: p.name,
    clusterNamespace: p.namespace,
    host: p.host,
    roHost: p.roHost,
    database: a.database,
    role: a.role,
    secretStore: a.secretStore,
    storeItem: a.storeItem,
    passwordProperty: a.passwordProperty,
    podLabel: a.podLabel,
    superuserItem: c.superuserItem,
    superuserProperty: c.superuserProperty,
    schedule: a.backupSchedule,
    image: c.imageName,
    keepDays: String(a.keepDays),
    keepWeeks: String(a.keepWeeks),
    keepMonths: String(a.keepMonths),
    pvc: a.backupPvc,
    size: a.backupSize,
    nfsServer: a.nfsServer,
    nfsPath: a.nfsPath,
  };
}

/** The same shape holding `${VAR}` references, for the shared components. */
export function variableValues(): AppValues {
  const out = { app: '${APP}' } as AppValues;
  for (const [k, v] of Object.entries(APP_VARS)) out[k as AppValueKey] = `\${${v}}`;
  return out;
}

/** The components an app includes, in a fixed order. */
export function componentsOf(a: AppAnswers): string[] {
  return [
    'cnpg',
    ...(a.provisioning === 'init-container' ? ['cnpg-initdb'] : []),
    ...(a.backups ? [a.backupVolume === 'nfs' ? 'cnpg-backup-nfs' : 'cnpg-backup'] : []),
  ];
}

/**
 * `postBuild.substitute` of a component-layout app: APP plus the variables its components use,
 * whole-scalar values as YAML text (see `substitutionValue`): kustomize writes `"${CNPG_X}"` as plain
 * `${CNPG_X}` and Flux pastes the value there, so `@daily` or `0123` carry their own quotes.
 */
export function substituteFor(m: RepoModel, a: AppAnswers): Record<string, string> {
  const values = appValues(m, a);
  const out: Record<string, string> = { APP: a.name };
  const keys = new Set(componentsOf(a).flatMap((c) => COMPONENT_KEYS[c] ?? []));
  for (const k of Object.keys(APP_VARS) as AppValueKey[]) if (keys.has(k)) out[APP_VARS[k]] = EMBEDDED_KEYS.has(k) ? values[k] : substitutionValue(values[k]);
  return out;
}

