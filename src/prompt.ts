import { join } from 'node:path';
import type { PromptFn } from './context.js';
import { PACKAGE_ROOT } from './paths.js';
import { setPromptSession } from '../generators/session.js';

/** Runs a plop generator's prompts; loaded only when a TTY asks (plop costs ~130 ms to load). */
export const plopPrompt: PromptFn = async (generator, known, input) => {
  setPromptSession({ known, ...input });
  const { default: nodePlop } = await import('node-plop');
  const plop = await nodePlop(join(PACKAGE_ROOT, 'dist', 'plopfile.js'));
  return plop.getGenerator(generator).runPrompts();
};
