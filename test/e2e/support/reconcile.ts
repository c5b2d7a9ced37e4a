import { createDatabase, createExtension, createRole, type CnpgRelease } from './cnpg-sql.js';
import type { Postgres } from './postgres.js';
import { secret } from './secrets.js';
import type { Applied } from './tree.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Go's strings.TrimSpace (unicode.IsSpace), which CNPG applies to the username and password it reads. */
export const goTrimSpace = (s: string) => s.replace(/^[\t\n\v\f\r \u0085\u00a0\p{Z}]+|[\t\n\v\f\r \u0085\u00a0\p{Z}]+$/gu, '');

export interface Reconciled {
  roles: string[];
  databases: string[];
  /** Extensions asked for that this server does not ship (vector needs pgvector). */
  unavailableExtensions: string[];
}

/**
 * What the operator does with the tree's role and database declarations, in the cluster's
 * namespace: managed.roles entries (Cluster) or DatabaseRole CRs, then Database CRs with their
 * extensions. The password comes from the role's passwordSecret as CNPG reads it
 * (roles/runnable.go getPassword: username must match the role, both trimmed).
 */
export function reconcile(pg: Postgres, docs: Applied[], secrets: Map<string, Record<string, string>>, release: CnpgRelease): Reconciled {
  const result: Reconciled = { roles: [], databases: [], unavailableExtensions: [] };
  const declared: { name: string; login: boolean; secret?: string; namespace: string }[] = [];
  for (const c of docs.filter((d) => d.obj.kind === 'Cluster')) {
    for (const r of ((c.obj.spec as Json).managed?.roles ?? []) as Json[]) declared.push({ name: r.name, login: !!r.login, secret: r.passwordSecret?.name, namespace: c.namespace });
  }
  for (const d of docs.filter((x) => x.obj.kind === 'DatabaseRole')) {
    const s = d.obj.spec as Json;
    declared.push({ name: s.name, login: !!s.login, secret: s.passwordSecret?.name, namespace: d.namespace });
  }
  for (const r of declared) {
    if (!r.login || !r.secret) throw new Error(`role ${r.name}: the tool always declares a login role with a password secret`);
    const s = secret(secrets, r.namespace, r.secret);
    if (goTrimSpace(s.username ?? '') !== goTrimSpace(r.name)) throw new Error(`the username in secret "${r.secret}" does not match role "${r.name}"`);
    pg.sql(createRole(r.name, goTrimSpace(s.password ?? ''), release));
    result.roles.push(r.name);
  }
  const available = new Set(pg.sql('SELECT name FROM pg_available_extensions').split('\n'));
  for (const d of docs.filter((x) => x.obj.kind === 'Database')) {
    const s = d.obj.spec as Json;
    pg.sql(createDatabase(s.name, s.owner));
    result.databases.push(s.name);
    for (const e of (s.extensions ?? []) as Json[]) {
      if (available.has(e.name)) pg.sql(createExtension(e.name), s.name);
      else result.unavailableExtensions.push(e.name);
    }
  }
  return result;
}
