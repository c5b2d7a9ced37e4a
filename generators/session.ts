import type { Answers } from '../schema/fields.js';
import type { RepoModel } from '../src/plan/model.js';

/**
 * What the prompts need besides the user's keystrokes: answers already given by flags or a file
 * (not asked again) and the repository's records (defaults, the list of clusters). The bin sets it
 * before it runs a generator's prompts.
 */
export interface PromptSession {
  known: Answers;
  model: RepoModel | undefined;
}

let session: PromptSession = { known: {}, model: undefined };

export const setPromptSession = (s: PromptSession) => {
  session = s;
};
export const promptSession = () => session;
