import { appFields } from '../schema/app.js';
import type { Answers } from '../schema/fields.js';
import type { RepoModel } from '../src/plan/model.js';
import { questionsFor } from './questions.js';

/** new-app's prompts; the cluster question lists the clusters recorded in the repository. */
export function newAppQuestions(known: Answers, model: RepoModel) {
  const ctx = { repo: model.repo, clusters: model.clusters, others: model.apps };
  return questionsFor(appFields, known, () => ctx, { cluster: model.clusters.map((c) => c.clusterName) });
}
