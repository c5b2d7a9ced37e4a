import type { z } from 'zod';
import { referencedVariables, substitute } from '../src/validate/substitute.js';

/**
 * Free-text answers end up in manifests that Flux post-build substitution rewrites (the cluster's
 * Kustomization substitutes from cluster-vars, every app's substitutes APP), and are read by
 * Kubernetes' YAML 1.1 decoder. What those would change is refused here, naming the field:
 *
 * - fluxcd/pkg envsubst (envsubst/parse/scan.go, parse.go @e2cfd1a) turns `$$` into `$` and reads
 *   every `${` as an expression: `${NAME}` is replaced, anything else (`${ x }`, a lone `${`) fails
 *   the whole Kustomization in strict mode, stopping every app's role on the shared cluster. A
 *   single `$` before anything else, and backslashes outside `${...}`, pass through unchanged.
 * Characters no YAML 1.1 reader keeps (control characters, NEL, U+2028/9) are refused in every
 * answer before the schema runs (src/answers.ts `screenStrings`).
 *
 * Fields listed with `references: true` may hold `${NAME}` references to the recorded cluster
 * variables (the default bucket path `s3://cnpg-${CLUSTER_NAME}/`), which Flux fills in.
 */
export interface TextField {
  name: string;
  references?: boolean;
  /** Checked only when this holds (an answer that is not rendered cannot break anything). */
  when?: (answers: Record<string, unknown>) => boolean;
}

/**
 * The rule a value breaks, or undefined. `references`: the value may hold `${NAME}` references,
 * to `variables` only (the recorded cluster variables). Judged by the same envsubst model
 * `validate` uses (src/validate/substitute.ts): with each allowed variable standing for itself,
 * Flux must leave the value exactly as it is.
 */
export function substitutionProblem(value: string, references = false, variables: readonly string[] = []): string | undefined {
  if (!value.includes('$')) return undefined;
  const allowed = references ? variables : [];
  const r = substitute(value, new Map(allowed.map((n) => [n, `\${${n}}`])), new Set());
  if (r.error === undefined && r.missing.length === 0 && r.text === value) return undefined;
  // Flux leaves a variable cluster-vars does not hold unset (strict: the Kustomization fails).
  const unlisted = references && r.error === undefined ? referencedVariables(value).find((n) => !allowed.includes(n)) : undefined;
  if (unlisted) return `uses \${${unlisted}}, which the repository's clusterVars answer does not list (clusterVars: ${variables.join(', ') || 'none'})`;
  return references
    ? `may hold "\${NAME}" references to the recorded cluster variables (${variables.join(', ')}), but no other "\${" and no "$$" (Flux post-build substitution fails on or rewrites them)`
    : 'must not contain "${" or "$$" (Flux post-build substitution would read a variable there, fail, or turn "$$" into "$")';
}

/**
 * Adds one issue per free-text answer that would not reach the cluster as written. `variables`:
 * the cluster-vars names the repository records, the only ones a reference may use.
 */
export function refineSubstitutedText(answers: Record<string, unknown>, fields: readonly TextField[], ctx: z.RefinementCtx, variables: readonly string[] = []): void {
  for (const f of fields) {
    if (f.when && !f.when(answers)) continue;
    const value = answers[f.name];
    const entries: [(string | number)[], unknown][] =
      value && typeof value === 'object' ? Object.entries(value).map(([k, v]) => [[f.name, k], v]) : [[[f.name], value]];
    for (const [path, v] of entries) {
      const problem = typeof v === 'string' ? substitutionProblem(v, f.references, variables) : undefined;
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

const backupsOn = (a: Record<string, unknown>) => a.backups === true;

/** Cluster answers written as free text into substituted manifests (backup answers only with backups on). */
export const CLUSTER_TEXT_FIELDS: readonly TextField[] = [
  { name: 'parameters' },
  { name: 'superuserItem' },
  { name: 'superuserProperty' },
  { name: 'backupCredentialsItem', when: backupsOn },
  { name: 'backupSchedule', when: backupsOn },
  { name: 'backupEndpoint', references: true, when: backupsOn },
  { name: 'backupDestinationPath', references: true, when: backupsOn },
];
