import { appAnswers } from '../schema/app.js';
import type { Answers } from '../schema/fields.js';
import type { RepoChoices } from '../src/repo-choices.js';
import type { RepoModel } from '../src/plan/model.js';
import type { QuestionPart } from './questions.js';

/**
 * new-app's prompts: the cluster question lists the recorded clusters; the name, the namespace and
 * the secret store offer what the repository has. A recorded app's answers are the defaults.
 */
export function newAppParts(model: RepoModel, choices: RepoChoices, saved?: Answers): QuestionPart<unknown>[] {
  const part = {
    spec: appAnswers,
    title: (a: Answers) => `app ${String(a.name)}`,
    ctxOf: (a: Answers) => {
      const recorded = model.apps.some((o) => o.name === a.name);
      return { repo: model.repo, clusters: model.clusters, others: model.apps.filter((o) => o.name !== a.name), ...(recorded ? {} : { declaredNamespaces: choices.declaredNamespaces }) };
    },
    recorded: (a: Answers) => model.apps.find((o) => o.name === a.name),
    saved,
    choices: { cluster: model.clusters.map((c) => c.clusterName) },
    offered: { name: model.apps.map((a) => a.name), namespace: choices.namespaces, secretStore: choices.secretStores },
  };
  return [part as QuestionPart<unknown>];
}
