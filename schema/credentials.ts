/**
 * Answers name Secrets, secret-store items and properties; they never hold a secret. Each rule
 * spots one way a credential ends up in an answer (and so in the recorded answers and the
 * generated, committed YAML). Messages never repeat the value.
 */

interface CredentialRule {
  test: (value: string) => boolean;
  why: string;
}

const RULES: readonly CredentialRule[] = [
  // `https://user:pass@host`, `s3://KEY:SECRET@bucket/`, or a token alone as the user part.
  { test: (v) => /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i.test(v), why: 'user or password in a URL' },
  // Presigned URLs and tokens in a query string.
  {
    test: (v) => /[?&](x-amz-(signature|credential|security-token)|signature|sig|token|access_token|api[_-]?key|key|password|secret|awsaccesskeyid)=/i.test(v),
    why: 'a credential in a URL query (signature, token, key or password)',
  },
  // libpq conninfo (`primary_conninfo`, `--parameters`): the password goes in a Secret or .pgpass.
  { test: (v) => /(^|[\s;&?'"])(ssl)?password\s*=/i.test(v), why: 'password= inside a value' },
  { test: (v) => v.includes('-----BEGIN'), why: 'a PEM block (private key or certificate)' },
  // age identities (private keys) start so; recipients (public keys) start with age1.
  { test: (v) => /AGE-SECRET-KEY-1/i.test(v), why: 'an age secret key' },
  { test: (v) => /(^|[^A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}($|[^A-Z0-9])/.test(v), why: 'an AWS access key id' },
  { test: (v) => /(^|[^A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/.test(v), why: 'a JWT' },
  { test: (v) => /(^|[^A-Za-z0-9])(ghp_|gho_|ghs_|github_pat_|glpat-|xox[abposr]-|sk_live_|AIza)[A-Za-z0-9_-]{16,}/.test(v), why: 'an API token' },
];

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/**
 * A long random-looking run (a secret access key, a password pasted where its item's name
 * belongs). Names, ids of secret-store items (26 lowercase characters for 1Password) and hex
 * digests mix fewer character classes or are shorter.
 */
function looksRandom(v: string): boolean {
  for (const run of v.match(/[A-Za-z0-9+/=_-]{32,}/g) ?? []) {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[+/=_-]/].filter((r) => r.test(run)).length;
    if (classes >= 3 && entropy(run) >= 4.2) return true;
  }
  return false;
}

/** Answers that name something (an item, a property, a Secret, a store): a random value there is a secret. */
export const namesSomething = (field: string): boolean => /(name|item|property|secret|store)$/i.test(field);

/** Why `value` holds a credential, or undefined. */
export function credentialIn(value: string, field: string): string | undefined {
  for (const r of RULES) if (r.test(value)) return r.why;
  if (namesSomething(field) && looksRandom(value)) return 'a long random-looking string where a name belongs';
  return undefined;
}
