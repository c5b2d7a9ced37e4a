import * as z from 'zod';
import { cronJobScheduleProblem, scheduledBackupProblem } from './cron.js';
import { RESERVED_KEYWORDS, RESERVED_ROLE_NAMES, TYPE_FUNC_NAME_KEYWORDS } from './postgres.js';
import { splitImageRef } from '../src/images.js';
import { normalizeAnswerPath } from '../src/repo-path.js';

// Each schema parses a few records once per run: compiling a fast path per object schema (zod's
// JIT, new Function) costs more than it saves there.
z.config({ jitless: true });

/** Reusable string rules; each message names the rule so an error line is self-explanatory. */

export const dns1123Label = (max = 63) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits, "-"; start and end alphanumeric)');

/** Service names (and so CNPG Cluster names, which prefix `<name>-rw`) must start with a letter. */
export const dns1035Label = (max = 63) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1035 label (lowercase letters, digits, "-"; start with a letter)');

export const pgIdentifier = z
  .string()
  .max(63, 'must be at most 63 characters (PostgreSQL NAMEDATALEN)')
  .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase PostgreSQL identifier (letters, digits, "_"; not starting with a digit)');

const reservedExact = new Set(['postgres', 'template0', 'template1', 'streaming_replica']);
/**
 * Names CNPG or PostgreSQL keep for themselves (DatabaseRole CEL rules, PostgreSQL's own databases
 * and roles, keywords its grammar refuses as a role or database name: schema/postgres.ts).
 * The single entry point for that rule; `kind` defaults to a role name.
 */
export function reservedPgName(name: string, kind: 'role' | 'database' = 'role'): string | undefined {
  if (reservedExact.has(name)) return `"${name}" is reserved`;
  if (name.startsWith('pg_')) return `names starting with "pg_" are reserved by PostgreSQL`;
  if (name.startsWith('cnpg_')) return `names starting with "cnpg_" are reserved by CloudNativePG`;
  if (RESERVED_ROLE_NAMES.has(name) && kind === 'role') return `"${name}" is reserved by PostgreSQL as a role name`;
  if (RESERVED_KEYWORDS.has(name)) return `"${name}" is a reserved PostgreSQL keyword`;
  if (TYPE_FUNC_NAME_KEYWORDS.has(name) && kind === 'database') return `"${name}" is a PostgreSQL keyword that cannot name a database`;
  return undefined;
}

/** A directory inside the repository, recorded in normal form; the rule lives in src/repo-path.ts (the manifest check shares it). */
export const repoPath = z.string().transform((p, ctx) => {
  const r = normalizeAnswerPath(p);
  if ('path' in r) return r.path;
  ctx.addIssue({ code: 'custom', message: r.problem });
  return z.NEVER;
});

/** apimachinery resource.Quantity: a number, then a binary (Ki..Ei) or decimal (n..E) suffix or an exponent. */
export const quantity = z
  .string()
  .regex(/^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/, 'must be a Kubernetes quantity such as 500m, 1Gi or 20Gi');

/** CNPG ScheduledBackup cron: six fields, seconds first (schema/cron.ts). */
export const cnpgCron = z.string().superRefine((v, ctx) => {
  const problem = scheduledBackupProblem(v);
  if (problem)
    ctx.addIssue({
      code: 'custom',
      message: `must be a six-field CNPG cron, seconds first (daily at midnight is "0 0 0 * * *"): ${problem}${/has 5 field/.test(problem) ? '; a five-field value is read as a different schedule' : ''}`,
    });
});

/** Kubernetes CronJob schedule: five fields or a descriptor (schema/cron.ts). */
export const k8sCron = z.string().superRefine((v, ctx) => {
  const problem = cronJobScheduleProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `must be a five-field Kubernetes CronJob schedule (e.g. "0 3 * * *") or a macro such as @daily: ${problem}` });
});

export const retention = z.string().regex(/^[1-9][0-9]*[dwm]$/, 'must be a positive number followed by d, w or m (e.g. 30d)');

/** Parsed as the tool (and the S3 client) will: `new URL`, http or https, a host. */
export const httpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !/\s/.test(v);
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL');

/** A repository URL as Argo CD takes it: https://, ssh:// or scp-like git@host:path (credentials are Argo CD's repository secrets). */
export const gitUrl = z
  .string()
  .regex(/^(https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/[^\s@]*|ssh:\/\/([a-z0-9_-]+@)?[A-Za-z0-9.-]+(:\d+)?\/[^\s]*|[a-z0-9_-]+@[A-Za-z0-9.-]+:[^\s]+)$/, 'must be a git URL (https://host/path, ssh://host/path or git@host:path)');

/**
 * How a CI job gets the tool without a registry release: a git URL pinned to a commit, a tarball by
 * URL or by path in the repository (npm's own package specs, run as `npx --package <spec>`). No "@"
 * past the package name but ssh's `git@`, so no credentials in a URL (screenStrings refuses those
 * first), and nothing a shell or YAML would read.
 */
export const toolPackageSpec = z
  .string()
  .regex(
    /^(cnpg-scaffold@\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?|(git\+https:\/\/|git\+ssh:\/\/(git@)?|github:)[A-Za-z0-9._~/:-]+#[0-9a-f]{7,40}|https:\/\/[A-Za-z0-9._~/:-]+\.tgz|\.\/[A-Za-z0-9._/-]+\.tgz)$/,
    'must be a pinned package: cnpg-scaffold@<version>, a git URL ending #<commit>, or a .tgz URL or ./path',
  );

/** Names of Flux variables (`${NAME}`), as substituted by kustomize-controller. */
export const varName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name (letters, digits, "_")');

export const kubeName = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name (lowercase letters, digits, "-" and ".")');

/**
 * An image reference as the container runtime reads it (distribution/reference grammar, lowercase
 * path components), pinned by a tag, a digest or both. A digest is sha256 in its canonical form
 * (64 lowercase hex digits). One message per reference: the digest's, else the shape's, else the pin's.
 */
const IMAGE_NAME = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;
export const imageRef = z.string().superRefine((v, ctx) => {
  const { name, tag, digest } = splitImageRef(v);
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest)) fail('must end its digest as @sha256:<64 lowercase hex digits>');
  else if (!IMAGE_NAME.test(name) || (tag !== undefined && !IMAGE_TAG.test(tag)))
    fail('must be an image reference such as ghcr.io/org/image:tag or ...@sha256:<digest>');
  else if (tag === undefined && digest === undefined) fail('must pin a tag or a digest');
});

/** GUC names as the CNPG webhook accepts them: one optional "extension." prefix (cluster_webhook.go, v1.30.0). */
const GUC_NAME = /^[a-z_][a-z0-9_$]*(\.[a-z_][a-z0-9_$]*)?$/;

/** postgresql.conf parameters: each key a GUC name (reported on its own path), each value a string. */
export const pgParameters = z.record(z.string(), z.string({ message: 'must be a string' })).superRefine((map, ctx) => {
  for (const key of Object.keys(map))
    if (!GUC_NAME.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'must be a PostgreSQL parameter name (lowercase, at most one ".")' });
});

/** A Kubernetes label value (apimachinery IsValidLabelValue): at most 63 characters, may be empty. */
export const labelValue = z
  .string()
  .max(63, 'must be at most 63 characters (a label value)')
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'must be a label value (letters, digits, "-", "_", "."; start and end alphanumeric)');

/** A Kubernetes label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export const labelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'must be a label key');
