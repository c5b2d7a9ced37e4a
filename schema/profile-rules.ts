import type { z } from 'zod';
import type { RepoAnswers } from './repo.js';

/**
 * Answers that only fit some deliveries or topologies, in one place: each rule names both answers,
 * so the user sees which choice rules the other out. Extended as deliveries and topologies are added.
 */
export interface ProfileRule {
  /** The answer refused. */
  field: keyof RepoAnswers;
  /** Why, naming the answer that rules it out; undefined when it fits. */
  problem: (r: RepoAnswers) => string | undefined;
}

export const PROFILE_RULES: readonly ProfileRule[] = [];

export function refineProfile(r: RepoAnswers, issue: z.RefinementCtx): void {
  for (const rule of PROFILE_RULES) {
    const problem = rule.problem(r);
    if (problem) issue.addIssue({ code: 'custom', path: [rule.field], message: problem, input: r[rule.field] });
  }
}
