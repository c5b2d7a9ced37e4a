import { z } from 'zod';
import { normalizeAnswerPath } from '../src/repo-path.js';

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
/** Names CNPG or PostgreSQL keep for themselves (DatabaseRole CEL rules, PostgreSQL's own databases). */
export function reservedPgName(name: string): string | undefined {
  if (reservedExact.has(name)) return `"${name}" is reserved`;
  if (name.startsWith('pg_')) return `names starting with "pg_" are reserved by PostgreSQL`;
  if (name.startsWith('cnpg_')) return `names starting with "cnpg_" are reserved by CloudNativePG`;
  return undefined;
}

/** A directory inside the repository, recorded in normal form; the rule lives in src/repo-path.ts (the manifest check shares it). */
export const repoPath = z.string().transform((p, ctx) => {
  const r = normalizeAnswerPath(p);
  if ('path' in r) return r.path;
  ctx.addIssue({ code: 'custom', message: r.problem });
  return z.NEVER;
});

export const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P)?$/, 'must be a Kubernetes quantity such as 500m, 1Gi or 20Gi');

/** CNPG ScheduledBackup cron: six fields, seconds first. A five-field value means another schedule. */
export const cnpgCron = z.string().refine((v) => v.trim().split(/\s+/).length === 6, {
  message: 'must have six fields, seconds first (CNPG cron; daily at midnight is "0 0 0 * * *"); a five-field value is read as a different schedule',
});

/** Kubernetes CronJob schedule: five fields or a macro. */
export const k8sCron = z
  .string()
  .refine((v) => /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(v.trim()) || v.trim().split(/\s+/).length === 5, {
    message: 'must be a five-field Kubernetes CronJob schedule (e.g. "0 3 * * *") or a macro such as @daily',
  });

export const retention = z.string().regex(/^[1-9][0-9]*[dwm]$/, 'must be a positive number followed by d, w or m (e.g. 30d)');

export const httpUrl = z.string().regex(/^https?:\/\/[^\s/$.?#][^\s]*$/, 'must be an http:// or https:// URL');

/** Names of Flux variables (`${NAME}`), as substituted by kustomize-controller. */
export const varName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name (letters, digits, "_")');

export const kubeName = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name (lowercase letters, digits, "-" and ".")');

export const imageRef = z
  .string()
  .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, 'must be an image reference such as ghcr.io/org/image:tag or ...@sha256:<digest>')
  .refine((v) => v.includes(':') || v.includes('@'), 'must pin a tag or a digest');
