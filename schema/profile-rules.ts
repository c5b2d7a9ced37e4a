import type { z } from 'zod';
import type { GivenRepoAnswers as RepoAnswers } from './repo.js';

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

/** Answers only delivery argocd reads (schema/repo.ts ARGOCD_FIELDS). */
export const ARGOCD_ONLY = [
  'argocdNamespace',
  'argocdProject',
  'argocdRepoURL',
  'argocdTargetRevision',
  'argocdServer',
  'argocdSyncWave',
  'argocdPrune',
  'argocdSelfHeal',
  'argocdAppsPath',
  'clusterNamespace',
  'operatorImage',
  'pluginImage',
  'pluginSidecarImage',
  'wrapperChartVersion',
  'wrapperChartDigest',
] as const satisfies readonly (keyof RepoAnswers)[];

export const PROFILE_RULES: readonly ProfileRule[] = [
  ...ARGOCD_ONLY.map(
    (field): ProfileRule => ({ field, problem: (r) => (r.delivery !== 'argocd' && r[field] !== undefined ? `requires delivery argocd (delivery is ${r.delivery})` : undefined) }),
  ),
  { field: 'argocdRepoURL', problem: (r) => (r.delivery === 'argocd' && r.argocdRepoURL === undefined ? 'is required for delivery argocd (the URL Argo CD reads this tree from)' : undefined) },
  // The component layout hands values to Flux's postBuild substitution; Argo CD has none.
  { field: 'appLayout', problem: (r) => (r.delivery === 'argocd' && r.appLayout === 'component' ? 'component requires delivery flux (delivery is argocd)' : undefined) },
  // The per-app topology and the flat layout are built for Flux (src/delivery/flux/flat.ts); Argo CD serves one shared cluster.
  { field: 'topology', problem: (r) => (r.topology === 'per-app' && r.delivery !== 'flux' ? `per-app requires delivery flux (delivery is ${r.delivery})` : undefined) },
  { field: 'fluxLayout', problem: (r) => (r.fluxLayout === 'flat' && r.topology !== 'per-app' ? `flat requires topology per-app (topology is ${r.topology})` : undefined) },
  // The shared components carry a shared cluster's values through postBuild; a per-app cluster's app side is explicit.
  { field: 'appLayout', problem: (r) => (r.topology === 'per-app' && r.appLayout === 'component' ? `component requires topology shared (topology is ${r.topology})` : undefined) },
  {
    // A shared Kustomize Component takes each app's values by substitution; an encrypted Secret cannot.
    field: 'appLayout',
    problem: (r) => (r.secretSource === 'sops' && r.appLayout === 'component' ? 'component requires secretSource external-secrets (secretSource is sops): use appLayout explicit, one SOPS stub per app' : undefined),
  },
  {
    // Flux decrypts (spec.decryption); Argo CD applies files as they are, so the Secrets would arrive encrypted.
    field: 'secretSource',
    problem: (r) => (r.secretSource === 'sops' && r.delivery === 'argocd' ? 'sops requires delivery flux (delivery is argocd): Argo CD does not decrypt SOPS files itself' : undefined),
  },
  {
    field: 'sopsAgeRecipient',
    problem: (r) => (r.secretSource === 'sops' && !r.sopsAgeRecipient ? 'is required with secretSource sops: the age public key (age1...) .sops.yaml encrypts to' : undefined),
  },
  // The operator's Flux-side pieces (schema/operator.ts): the CRD bundle is a Flux GitRepository and
  // Kustomization, the PSA labels and CNPG_OPERATOR_VERSION are entries in files Flux applies.
  { field: 'operatorCrds', problem: (r) => (r.delivery !== 'flux' && r.operatorCrds === 'bundle' ? `bundle requires delivery flux (delivery is ${r.delivery})` : undefined) },
  { field: 'operatorInstall', problem: (r) => (r.delivery !== 'flux' && r.operatorInstall === 'crds-only' ? `crds-only requires delivery flux (delivery is ${r.delivery})` : undefined) },
  { field: 'podSecurity', problem: (r) => (r.delivery !== 'flux' && r.podSecurity !== 'none' ? `${r.podSecurity} requires delivery flux (delivery is ${r.delivery})` : undefined) },
  // The flat layout (seed 002) writes no ks.yaml for the CRD source and keeps its own Namespace file.
  { field: 'operatorCrds', problem: (r) => (r.fluxLayout === 'flat' && r.operatorCrds === 'bundle' ? `bundle requires fluxLayout ks (fluxLayout is ${r.fluxLayout})` : undefined) },
  { field: 'podSecurity', problem: (r) => (r.fluxLayout === 'flat' && r.podSecurity !== 'none' ? `${r.podSecurity} requires fluxLayout ks (fluxLayout is ${r.fluxLayout})` : undefined) },
  { field: 'clusterSettingsFile', problem: (r) => (r.delivery !== 'flux' && r.clusterSettingsFile !== '' ? `requires delivery flux (delivery is ${r.delivery})` : undefined) },
];

export function refineProfile(r: RepoAnswers, issue: z.RefinementCtx): void {
  for (const rule of PROFILE_RULES) {
    const problem = rule.problem(r);
    if (problem) issue.addIssue({ code: 'custom', path: [rule.field], message: problem, input: r[rule.field] });
  }
}
