import { clusterFields } from '../schema/cluster.js';
import { type Answers, fillDefaults } from '../schema/fields.js';
import { repoFields, type RepoAnswers } from '../schema/repo.js';
import type { RepoModel } from '../src/plan/model.js';
import { questionsFor } from './questions.js';

/** new-cluster's prompts: the repository's answers (defaults from its records), then the cluster's. */
export function newClusterQuestions(known: Answers, model: RepoModel | undefined) {
  const recorded = { recorded: model?.repo };
  const repoQs = questionsFor(repoFields, known, () => recorded);
  // Cluster defaults follow the repository's answers given so far (the image follows the chart version).
  const clusterQs = questionsFor(clusterFields, known, (answers) => ({
    repo: fillDefaults(repoFields, answers, recorded) as unknown as RepoAnswers,
    others: model?.clusters ?? [],
  }));
  return [...repoQs, ...clusterQs];
}
