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

export const PROFILE_RULES: readonly ProfileRule[] = [
  {
    // A shared Kustomize Component takes each app's values by substitution; an encrypted Secret cannot.
    field: 'appLayout',
    problem: (r) => (r.secretSource === 'sops' && r.appLayout === 'component' ? 'component requires secretSource external-secrets (got secretSource sops): use appLayout explicit, one SOPS stub per app' : undefined),
  },
  {
    field: 'sopsAgeRecipient',
    problem: (r) => (r.secretSource === 'sops' && !r.sopsAgeRecipient ? 'is required with secretSource sops: the age public key (age1...) .sops.yaml encrypts to' : undefined),
  },
];

export function refineProfile(r: RepoAnswers, issue: z.RefinementCtx): void {
  for (const rule of PROFILE_RULES) {
    const problem = rule.problem(r);
    if (problem) issue.addIssue({ code: 'custom', path: [rule.field], message: problem, input: r[rule.field] });
  }
}
