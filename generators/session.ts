import type { Answers } from '../schema/fields.js';
import type { PromptInput } from '../src/context.js';

/**
 * What the prompts need besides the user's keystrokes: answers already given by flags or a file
 * (not asked again), the repository's records and choices, answers a stopped run kept. The bin sets
 * it before it runs a generator's prompts (plop loads the plopfile by path, so it cannot be passed).
 */
export interface PromptSession extends PromptInput {
  known: Answers;
}

let session: PromptSession | undefined;

export const setPromptSession = (s: PromptSession) => {
  session = s;
};
export const promptSession = (): PromptSession => {
  if (!session) throw new Error('no prompt session: the bin sets one before it runs a generator');
  return session;
};
