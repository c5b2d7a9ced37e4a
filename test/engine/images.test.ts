import { describe, expect, it } from 'vitest';
import { imageRef } from '../../schema/rules.js';
import { imageExtensions, imageFlavour, imageMajor, splitImageRef } from '../../src/images.js';

const HEX = '086748e4e33806af10483b2dd4bc287d7102a8cc3d11d73f5cad9886c02f3b87';
const issues = (v: string) => {
  const r = imageRef.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};
const DIGEST = 'must end its digest as @sha256:<64 lowercase hex digits>';

describe('image references with digests', () => {
  it('accepts a tag, a digest, or both, behind a registry with a port too', () => {
    for (const ok of [
      `dhi.io/postgres:18.1-debian13@sha256:${HEX}`,
      `dhi.io/postgres@sha256:${HEX}`,
      `harbor.m0sh1.cc/dhi/cloudnative-pg-plugin-barman-cloud-sidecar:0.11.0-debian13@sha256:${HEX}`,
      `localhost:5000/pg/postgresql:18@sha256:${HEX}`,
      'ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie',
    ])
      expect(issues(ok), ok).toEqual([]);
  });

  it('refuses a malformed digest with one message: 63 hex digits, uppercase, another algorithm, trailing junk', () => {
    for (const bad of [`@sha256:${HEX.slice(1)}`, `@sha256:${HEX.toUpperCase()}`, `@sha512:${HEX}${HEX}`, `@sha256:${HEX}x`, '@', `@@sha256:${HEX}`])
      expect(issues(`dhi.io/postgres:18.1${bad}`), bad).toEqual([DIGEST]);
  });

  it('a registry port is not a tag: the reference must still pin one', () => {
    expect(issues('localhost:5000/pg/postgresql')).toEqual(['must pin a tag or a digest']);
    expect(issues('dhi.io/postgres:')).toEqual(['must be an image reference such as ghcr.io/org/image:tag or ...@sha256:<digest>']);
  });

  it('splits name, tag and digest', () => {
    expect(splitImageRef(`localhost:5000/a/b:1.2@sha256:${HEX}`)).toEqual({ name: 'localhost:5000/a/b', tag: '1.2', digest: `sha256:${HEX}` });
    expect(splitImageRef('localhost:5000/a/b')).toEqual({ name: 'localhost:5000/a/b' });
  });

  it('a known image with a digest appended is still known; a digest is never read as a major version', () => {
    const pinned = `ghcr.io/cloudnative-pg/postgresql:18.1-standard-trixie@sha256:${HEX}`;
    expect(imageFlavour(pinned)).toBe('standard');
    expect(imageExtensions(pinned)).toContain('vector');
    expect(imageMajor(pinned)).toBe('18');
    expect(imageMajor(`ghcr.io/cloudnative-pg/postgresql@sha256:${HEX}`)).toBeUndefined();
    expect(imageMajor('localhost:5000/cloudnative-pg/postgresql:17.5')).toBe('17');
    expect(imageFlavour(`ghcr.io/cloudnative-pg/postgresql@sha256:${HEX}`)).toBeUndefined();
  });
});
