import type { NodePlopAPI } from 'node-plop';
import { askAnswers } from './generators/ask.js';
import { newAppParts } from './generators/new-app.js';
import { newClusterParts } from './generators/new-cluster.js';
import { promptSession } from './generators/session.js';
import { InputError } from './src/errors.js';

/**
 * plop is the interactive front: these generators ask the questions (defaults computed by the same
 * code `--yes` uses, answers checked by the same rules) and hand the answers to the engine. The
 * `cnpg-scaffold` bin runs them; the engine does the writing, so there are no plop file actions here.
 */
export default function plopfile(plop: NodePlopAPI): void {
  plop.setGenerator('new-cluster', {
    description: 'CNPG operator + a shared PostgreSQL cluster (Flux)',
    prompts: (inquirer) => {
      const { model, choices } = promptSession();
      return askAnswers(inquirer as never, (saved) => newClusterParts(model, choices, saved));
    },
    actions: [],
  });
  plop.setGenerator('new-app', {
    description: "Onboard an application's database onto a shared cluster",
    prompts: (inquirer) => {
      const { model, choices } = promptSession();
      if (!model?.clusters.length) throw new InputError('cluster: no cluster is recorded: run new-cluster first');
      return askAnswers(inquirer as never, (saved) => newAppParts(model, choices, saved));
    },
    actions: [],
  });
}
