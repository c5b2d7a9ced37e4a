import { renderEso } from './eso.js';
import type { Applied } from './tree.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The secret store: `key` -> `property` -> value, standing in for 1Password & co. */
export type Store = Record<string, Record<string, string>>;

/**
 * What External Secrets would write: for each ExternalSecret, its target Secret's data, keyed
 * `namespace/name`. spec.data pulls store values under their secretKey; target.template.data
 * (when present) is rendered by the Go renderer with those values.
 */
export function materialize(docs: Applied[], store: Store, renderer: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const d of docs.filter((x) => x.obj.kind === 'ExternalSecret')) {
    const spec = d.obj.spec as Json;
    const data: Record<string, string> = {};
    for (const item of spec.data ?? []) {
      const value = store[item.remoteRef.key]?.[item.remoteRef.property];
      if (value === undefined) throw new Error(`store has no ${item.remoteRef.key}/${item.remoteRef.property} (ExternalSecret ${(d.obj.metadata as Json | undefined)?.name})`);
      data[item.secretKey] = value;
    }
    const template = spec.target?.template?.data as Record<string, string> | undefined;
    const name = spec.target?.name ?? (d.obj.metadata as Json | undefined)?.name;
    out.set(`${d.namespace}/${name}`, template ? renderEso(renderer, template, data) : data);
  }
  return out;
}

export function secret(secrets: Map<string, Record<string, string>>, namespace: string, name: string): Record<string, string> {
  const s = secrets.get(`${namespace}/${name}`);
  if (!s) throw new Error(`no Secret ${namespace}/${name} is made by any ExternalSecret (have: ${[...secrets.keys()].join(', ')})`);
  return s;
}
