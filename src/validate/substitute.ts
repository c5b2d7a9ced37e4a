/**
 * Flux post-build substitution (drone/envsubst subset used by kustomize-controller):
 * `${VAR}`, `${VAR:=default}`, `${VAR:-default}`, `${VAR=default}`, `${VAR-default}`;
 * `$${VAR}` is an escape that yields the literal `${VAR}`.
 */
export interface Substitution {
  text: string;
  /** Variables referenced without a value and without a default (given a placeholder). */
  missing: string[];
  /** Variables that received a placeholder value (known to exist, value unknown). */
  placeholders: string[];
}

export const PLACEHOLDER = "x";

const VAR_RE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[=-])([^}]*))?\}/g;

/**
 * `values`: known values; `unknown`: names whose value is external (placeholder used);
 * `acceptAny`: every unprovided name is treated as unknown (we cannot tell what an external source holds).
 */
export function substitute(
  text: string,
  values: ReadonlyMap<string, string>,
  unknown: ReadonlySet<string>,
  acceptAny = false,
): Substitution {
  const missing = new Set<string>();
  const placeholders = new Set<string>();
  const out = text.replace(VAR_RE, (whole, escape: string, name: string, op: string | undefined, def: string | undefined) => {
    if (escape) return whole.slice(1);
    const value = values.get(name);
    // `:=`/`:-` also replace an empty value; `=`/`-` only an unset one.
    if (value !== undefined && !(value === "" && op?.startsWith(":"))) return value;
    if (unknown.has(name) || (acceptAny && def === undefined)) {
      placeholders.add(name);
      return PLACEHOLDER;
    }
    if (op !== undefined) return def ?? "";
    // Flux fails the whole build here; the placeholder keeps the rest of the document checkable.
    missing.add(name);
    return PLACEHOLDER;
  });
  return { text: out, missing: [...missing], placeholders: [...placeholders] };
}

/** Names referenced as `${NAME...}` (escapes excluded). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(VAR_RE)) if (!m[1] && m[2]) names.add(m[2]);
  return [...names];
}
