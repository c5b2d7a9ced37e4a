import type { PromptFn } from './context.js';
import { setPromptSession } from '../generators/session.js';

/**
 * Runs a plop generator's prompts; loaded only when a TTY asks (plop costs ~130 ms to load). The
 * plopfile is imported here rather than by path, so its generators share this module graph (the
 * prompt session above) in the bundled bin as well as from source.
 */
export const plopPrompt: PromptFn = async (generator, known, input) => {
  setPromptSession({ known, ...input });
  const [{ default: nodePlop }, { default: plopfile }] = await Promise.all([import('node-plop'), import('../plopfile.js')]);
  const plop = await nodePlop();
  plopfile(plop);
  return plop.getGenerator(generator).runPrompts();
};
