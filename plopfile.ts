import type { NodePlopAPI } from 'node-plop';
import { newAppQuestions } from './generators/new-app.js';
import { newClusterQuestions } from './generators/new-cluster.js';
import { promptSession } from './generators/session.js';

/**
 * plop is the interactive front: these generators ask the questions (defaults computed by the same
 * code `--yes` uses) and hand the answers to the engine. The `cnpg-scaffold` bin runs them; the
 * engine does the writing, so there are no plop file actions here.
 */
export default function plopfile(plop: NodePlopAPI): void {
  plop.setGenerator('new-cluster', {
    description: 'CNPG operator + a shared PostgreSQL cluster (Flux)',
    prompts: (inquirer) => {
      const { known, model } = promptSession();
      return inquirer.prompt(newClusterQuestions(known, model) as never);
    },
    actions: [],
  });
  plop.setGenerator('new-app', {
    description: "Onboard an application's database onto a shared cluster",
    prompts: (inquirer) => {
      const { known, model } = promptSession();
      if (!model) throw new Error('no cluster is recorded: run new-cluster first');
      return inquirer.prompt(newAppQuestions(known, model) as never);
    },
    actions: [],
  });
}
