import type { z } from 'zod';

/**
 * Free-text answers end up in manifests that Flux post-build substitution rewrites (the cluster's
 * Kustomization substitutes from cluster-vars, every app's substitutes APP), and are read by
 * Kubernetes' YAML 1.1 decoder. What those would change is refused here, naming the field:
 *
 * - fluxcd/pkg envsubst (envsubst/parse/scan.go, parse.go @e2cfd1a) turns `$$` into `$` and reads
 *   every `${` as an expression: `${NAME}` is replaced, anything else (`${ x }`, a lone `${`) fails
 *   the whole Kustomization in strict mode, stopping every app's role on the shared cluster. A
 *   single `$` before anything else, and backslashes outside `${...}`, pass through unchanged.
 * - YAML 1.1 readers (go-yaml v2) treat NEL, U+2028 and U+2029 as line breaks and reject control
 *   characters, so no quoting keeps them through kustomize's re-serialisation.
 *
 * Fields listed with `references: true` may hold `${NAME}` references to the recorded cluster
 * variables (the default bucket path `s3://cnpg-${CLUSTER_NAME}/`), which Flux fills in.
 */
export interface TextField {
  name: string;
  references?: boolean;
}

/** `$$`, a `${NAME}` reference (Flux takes ASCII names: kustomize_varsub.go varsubRegex), or any other `${`. */
const DOLLAR = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*\})?/g;
// C0 controls but tab and newline, DEL, C1 (NEL among them), LS, PS, BOM, non-characters, lone surrogates.
// eslint-disable-next-line no-control-regex
const UNREADABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\p{Cs}/u;

/** The rule a value breaks, or undefined; `variables`: the names a reference may use (none: no references). */
export function substitutionProblem(value: string, variables: readonly string[] = []): string | undefined {
  if (UNREADABLE.test(value))
    return 'must not contain control characters, U+0085, U+2028 or U+2029 (YAML 1.1 readers such as Kubernetes\' drop or fold them)';
  for (const m of value.matchAll(DOLLAR)) {
    if (m[1] !== undefined && variables.includes(m[1].slice(0, -1))) continue;
    return variables.length
      ? `may hold "\${NAME}" references to the recorded cluster variables (${variables.join(', ')}), but no other "\${" and no "$$" (Flux post-build substitution fails on or rewrites them)`
      : 'must not contain "${" or "$$" (Flux post-build substitution would read a variable there, fail, or turn "$$" into "$")';
  }
  return undefined;
}

/**
 * Adds one issue per free-text answer that would not reach the cluster as written. `variables`:
 * the cluster-vars names the repository records, the only ones a reference may use.
 */
export function refineSubstitutedText(answers: Record<string, unknown>, fields: readonly TextField[], ctx: z.RefinementCtx, variables: readonly string[] = []): void {
  for (const f of fields) {
    const value = answers[f.name];
    const entries: [(string | number)[], unknown][] =
      value && typeof value === 'object' ? Object.entries(value).map(([k, v]) => [[f.name, k], v]) : [[[f.name], value]];
    for (const [path, v] of entries) {
      const problem = typeof v === 'string' ? substitutionProblem(v, f.references ? variables : []) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path, message: problem, input: v });
    }
  }
}

/** App answers written as free text into substituted manifests. */
export const APP_TEXT_FIELDS: readonly TextField[] = [
  { name: 'storeItem' },
  { name: 'passwordProperty' },
  { name: 'backupSchedule' },
  { name: 'nfsServer' },
  { name: 'nfsPath' },
];

/** Cluster answers written as free text into substituted manifests. */
export const CLUSTER_TEXT_FIELDS: readonly TextField[] = [
  { name: 'parameters' },
  { name: 'superuserItem' },
  { name: 'superuserProperty' },
  { name: 'backupCredentialsItem' },
  { name: 'backupSchedule' },
  { name: 'backupEndpoint', references: true },
  { name: 'backupDestinationPath', references: true },
];
