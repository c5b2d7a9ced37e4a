import type { RepoAnswers } from '../../schema/repo.js';
import { type Doc, owned, scaffold } from './emit.js';
import type { PlannedFile } from './types.js';
import type { Need } from './units.js';

/**
 * Where the tree's Secrets come from, in one place: External Secrets renders them from the secret
 * store (the ExternalSecret documents the units give), or SOPS, where each becomes a stub Secret the
 * user fills, encrypts with `sops` and commits, and Flux decrypts (`spec.decryption`).
 */
export type SecretSource = 'external-secrets' | 'sops';

export const secretSourceOf = (repo: RepoAnswers): SecretSource => repo.secretSource ?? 'external-secrets';

export interface SecretKey {
  key: string;
  /** What the key holds, for the stub's comment (the keys External Secrets would template). */
  about: string;
  /** `about` is the value's own form (a number, a URI with a placeholder), not words about it: code in Markdown. */
  literal?: true;
  /** Its value when it holds no secret and the answers know it; '' for the user to fill in. */
  value?: string;
}

/** One Secret a unit needs: how External Secrets makes it, and what a SOPS stub must hold. */
export interface SecretSpec {
  name: string;
  externalSecret: Doc;
  type?: string;
  labels?: Record<string, string>;
  keys: SecretKey[];
}

/** The files of a SOPS stub end so, which is what `.sops.yaml`'s creation rule and Flux's decryption match. */
export const SOPS_SUFFIX = '.sops.yaml';
export const isSopsStub = (path: string): boolean => path.endsWith(SOPS_SUFFIX);

/**
 * A unit's Secrets as files in `dir`: one owned `file` with the ExternalSecrets, or one SOPS stub
 * per Secret (`<name>.sops.yaml`), written once and then the user's (filled and encrypted, it
 * differs from the stub on purpose, so it is never compared again). `listed`: the kustomization's
 * entries, relative to `dir`.
 */
export async function secretFiles(repo: RepoAnswers, dir: string, owner: string, file: string, secrets: SecretSpec[]): Promise<{ files: PlannedFile[]; listed: string[] }> {
  if (!secrets.length) return { files: [], listed: [] };
  if (secretSourceOf(repo) === 'external-secrets') return { files: [await owned(`${dir}/${file}`, owner, secrets.map((s) => s.externalSecret))], listed: [`./${file}`] };
  const files: PlannedFile[] = [];
  for (const s of secrets) {
    const comment = [
      `Written once by cnpg-scaffold, then yours: a SOPS stub. Fill in the empty values, then encrypt it in place`,
      `(sops --encrypt --in-place ${s.name}${SOPS_SUFFIX}; the repository's .sops.yaml holds the rule). Never commit it unencrypted.`,
      ...s.keys.map((k) => `${k.key}: ${k.about}`),
    ];
    const view = { name: s.name, labels: s.labels ?? null, type: s.type ?? null, keys: s.keys.map((k) => ({ key: k.key, value: k.value ?? '' })) };
    files.push(await scaffold(`${dir}/${s.name}${SOPS_SUFFIX}`, owner, comment, ['secret/sops-stub.yaml.hbs', view]));
  }
  return { files, listed: secrets.map((s) => `./${s.name}${SOPS_SUFFIX}`) };
}

/** What the secret source needs from outside the tree: the secret store's Kustomization, or nothing. */
export const secretNeeds = (repo: RepoAnswers): Need[] =>
  secretSourceOf(repo) === 'external-secrets' ? [{ external: 'secret-store', name: repo.secretStoreKustomization }] : [];

/** Flux `spec.decryption` for a Kustomization that applies stubs; null when it applies none. */
export const fluxDecryption = (repo: RepoAnswers, paths: readonly string[]) =>
  secretSourceOf(repo) === 'sops' && paths.some(isSopsStub) ? { provider: 'sops', secretRef: { name: repo.sopsSecretRef ?? 'sops-age' } } : null;

/**
 * The repository's `.sops.yaml` with the creation rule for the stubs: only `data`/`stringData` are
 * encrypted, so kustomize and Flux still read the Secret's kind and name. Written once, then the
 * user's (a team with a `.sops.yaml` of its own adds this rule to it).
 */
export async function sopsConfig(repo: RepoAnswers, unit: string): Promise<PlannedFile[]> {
  if (secretSourceOf(repo) !== 'sops') return [];
  const comment = ['Written once by cnpg-scaffold, then yours: the rule sops uses for the tool\'s Secret stubs (*.sops.yaml).'];
  const view = { pathRegex: '\\.sops\\.ya?ml$', encryptedRegex: '^(data|stringData)$', recipient: repo.sopsAgeRecipient ?? '' };
  return [await scaffold('.sops.yaml', unit, comment, ['secret/sops-config.yaml.hbs', view])];
}
