import { clusterAnswers } from '../schema/cluster.js';
import { type Answers, fillDefaults } from '../schema/fields.js';
import { repoAnswers, repoFields, type RepoAnswers } from '../schema/repo.js';
import type { RepoChoices } from '../src/repo-choices.js';
import type { RepoModel } from '../src/plan/model.js';
import type { QuestionPart } from './questions.js';

/**
 * new-cluster's prompts: the repository's answers (defaults from its records), then the cluster's
 * (a recorded cluster's answers are the defaults once its name is chosen). crds-only asks no cluster.
 */
export function newClusterParts(model: RepoModel | undefined, choices: RepoChoices, saved?: Answers): QuestionPart<unknown>[] {
  // Only a repository without a record reads the user's Namespaces: recorded answers are the defaults after.
  const recorded = { recorded: model?.repo, ...(model ? {} : { declaredNamespaces: choices.declaredNamespaces }) };
  const repoOf = (a: Answers) => fillDefaults(repoFields, a, recorded) as unknown as RepoAnswers;
  const clusterName = (a: Answers) => String(a.clusterName ?? clusterAnswers.fields[0]!.default!({}, undefined as never));
  const repo = {
    spec: repoAnswers,
    title: () => 'repository',
    ctxOf: () => recorded,
    saved,
    offered: { namespace: choices.namespaces, secretStore: choices.secretStores },
  };
  const cluster = {
    spec: clusterAnswers,
    title: (a: Answers) => `cluster ${clusterName(a)}`,
    // Cluster defaults follow the repository's answers given so far (the image follows the chart version).
    ctxOf: (a: Answers) => ({ repo: repoOf(a), others: (model?.clusters ?? []).filter((c) => c.clusterName !== clusterName(a)), apps: model?.apps ?? [] }),
    recorded: (a: Answers) => model?.clusters.find((c) => c.clusterName === clusterName(a)),
    saved,
    offered: { clusterName: model?.clusters.map((c) => c.clusterName) ?? [] },
    skip: (a: Answers) => repoOf(a).operatorInstall === 'crds-only',
  };
  return [repo as QuestionPart<unknown>, cluster as QuestionPart<unknown>];
}
