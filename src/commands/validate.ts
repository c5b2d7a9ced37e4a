import { HELM_RENDER_ENV } from '../validate/argocd-model.js';
import type { Context } from '../context.js';
import { externalKustomizations, externalSecrets, loadModel } from '../records.js';
import { InputError } from '../errors.js';
import { reportSupport } from '../support.js';
import { formatProblem, validateTree } from '../validate/index.js';
import { unknownTemplateVariables } from '../validate/schema-store.js';

/** `validate`: one line per problem, exit 1 when any. External inputs come from the recorded answers. */
export async function validate(ctx: Context, opts: { schemaLocations: string[]; ignoreMissingSchemas?: boolean; skipKubectl?: boolean }): Promise<number> {
  for (const loc of opts.schemaLocations) {
    const unknown = unknownTemplateVariables(loc);
    if (unknown.length) throw new InputError(`--schema-location: unknown template variable ${unknown.map((v) => `{{.${v}}}`).join(', ')} in ${loc}`);
  }
  const model = await loadModel(ctx.dest);
  const r = model?.repo;
  const started = Date.now();
  const result = await validateTree({
    root: ctx.dest,
    schemaLocations: opts.schemaLocations.length ? opts.schemaLocations : undefined,
    // Only cluster-vars' variables are recorded; other substituteFrom sources outside the tree stay open.
    externalVariables: r ? { [`ConfigMap/${r.clusterVarsConfigMap}`]: r.clusterVars } : {},
    externalKustomizations: model ? externalKustomizations(model) : [],
    // Secrets the answers name but the tree does not make (the endpoint's CA): the user provides them.
    externalSecrets: model ? externalSecrets(model) : [],
    ignoreMissingSchemas: opts.ignoreMissingSchemas,
    kubectl: opts.skipKubectl ? 'off' : 'auto',
    helmRenderer: process.env[HELM_RENDER_ENV] || undefined,
    onProgress: ctx.progress,
  }).finally(() => ctx.progress?.());
  for (const p of result.problems) ctx.out(formatProblem(p));
  for (const n of result.notes) ctx.out(`note: ${n}`);
  ctx.out(
    `validate: ${result.checkedDocuments} documents, ${result.checkedKustomizations} kustomizations, ${result.problems.length} problem(s) in ${Date.now() - started} ms`,
  );
  // After the tree's report, so CI sees both; --strict then fails the run.
  if (model) reportSupport(ctx, model.repo);
  return result.problems.length ? 1 : 0;
}
