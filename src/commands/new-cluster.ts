import { isDeepStrictEqual } from 'node:util';
import { clusterFields, clusterSchema } from '../../schema/cluster.js';
import { type Answers, fillDefaults } from '../../schema/fields.js';
import { type RepoAnswers, repoFields, repoSchema } from '../../schema/repo.js';
import type { RepoModel } from '../plan/model.js';
import { validateAnswers } from '../answers.js';
import { applyModel, lockedRun } from '../apply.js';
import type { Context } from '../context.js';
import { didYouMean } from '../suggest.js';
import { InputError } from '../errors.js';
import { promptedRun } from '../interactive.js';
import { clusterNextSteps, crdsOnlyNextSteps } from '../next-steps.js';
import { loadModel } from '../records.js';
import { declaredObjects } from '../repo-choices.js';
import { reportSupport } from '../support.js';

export const newClusterFields = [...repoFields, ...clusterFields];

/**
 * `operatorInstall: crds-only`: the repository's answers and the CRD bundle, no operator and no
 * Cluster. A cluster answer or a recorded cluster has nothing to run on, so it is refused.
 */
async function crdsOnly(ctx: Context, repo: RepoAnswers, flags: Answers, model: RepoModel | undefined) {
  const clusterKeys = new Set(clusterFields.map((f) => f.name));
  const given = Object.keys(flags).filter((k) => clusterKeys.has(k));
  if (given.length) throw new InputError(`${given[0]}: operatorInstall crds-only records no cluster, so it takes no cluster answers (got ${given.join(', ')})`);
  if (model?.clusters.length)
    throw new InputError(`operatorInstall: crds-only runs no operator, but clusters ${model.clusters.map((c) => c.clusterName).join(', ')} are recorded (got "crds-only")`);
  const next: RepoModel = { repo, clusters: [], apps: [] };
  const changes = await applyModel(ctx, next);
  if (!ctx.json) for (const line of crdsOnlyNextSteps(next)) ctx.out(line);
  return changes;
}

/**
 * `new-cluster`: records the repository's and one cluster's answers, then writes the tree. For a
 * recorded cluster its answers are the defaults and a change is applied as an update, shown as a diff.
 */
export async function newCluster(ctx: Context, given: Answers) {
  const flags = given;
  const known = new Set(newClusterFields.map((f) => f.name));
  for (const k of Object.keys(given)) if (!known.has(k)) throw new InputError(`${k}: unknown answer for new-cluster${didYouMean(k, [...known])}`);
  const first = ctx.prompt ? await loadModel(ctx.dest) : undefined;
  return promptedRun(ctx, 'new-cluster', newClusterFields, given, first, (answers) =>
  // The lock is held from this read of the records to the end of the write.
  lockedRun(ctx, 'new-cluster', !ctx.dryRun, async () => {
    const model = await loadModel(ctx.dest);
    // A new repository's operator namespace declared in a file of the user's gets no Namespace of the tool's (createNamespace).
    const declaredNamespaces = model ? undefined : (await declaredObjects(ctx.dest)).namespaces;
    const repoRaw = fillDefaults(repoFields, answers, { recorded: model?.repo, declaredNamespaces });
    const given = new Set(Object.keys(answers));
    const repo = validateAnswers(repoSchema, repoRaw, '', given);
    reportSupport(ctx, repo);
    // What the user gave (flags, answers file), not what a prompt asked along the way.
    if (repo.operatorInstall === 'crds-only') return crdsOnly(ctx, repo, flags, model);
    const name = String(answers.clusterName ?? 'postgres');
    const recorded = model?.clusters.find((c) => c.clusterName === name);
    const others = (model?.clusters ?? []).filter((c) => c.clusterName !== name);
    const apps = model?.apps ?? [];
    const clusterRaw = fillDefaults(clusterFields, { ...recorded, ...answers }, { repo, others, apps });
    const cluster = validateAnswers(clusterSchema({ repo, others, apps }), clusterRaw, '', given);
    const next = { repo, clusters: [...others, cluster].sort((a, b) => a.clusterName.localeCompare(b.clusterName)), apps };
    // A recorded unit answered again: what changes is shown, not only named.
    const changed = (model !== undefined && !isDeepStrictEqual(model.repo, repo)) || (recorded !== undefined && !isDeepStrictEqual(recorded, cluster));
    const changes = await applyModel(ctx, next, { diffs: changed });
    if (!ctx.json) for (const line of clusterNextSteps(next, cluster)) ctx.out(line);
    return changes;
  }));
}
