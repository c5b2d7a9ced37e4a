import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pinsOf, type Pin } from '../../src/pins.js';
import { recordKindOf } from '../../src/records.js';
import { snapshot } from '../helpers.js';
import { appsOf, buildProfile, PROFILES, run } from '../profiles/support.js';
import { missingRenovate, renovateExtract, type ExtractedDep, type ExtractedFile } from './support/renovate.js';
import { missingWarning } from './support/tools.js';

const skip = missingWarning('Renovate extracts every pin', missingRenovate());

/** Every record in a tree and the pins the tool knows it wrote there (src/pins.ts), as Renovate would report them. */
function pinsWritten(dir: string): { file: string; pin: Pin }[] {
  const records = ['.cnpg/answers/repo.yaml', ...['clusters', 'apps'].flatMap((d) => readdirSync(join(dir, '.cnpg/answers', d)).map((f) => `.cnpg/answers/${d}/${f}`))];
  return records.flatMap((file) => {
    const { answers } = parse(readFileSync(join(dir, file), 'utf8')) as { answers: Record<string, unknown> };
    return pinsOf(recordKindOf(file), answers).map((pin) => ({ file, pin }));
  });
}

const asExtracted = (file: string, p: Pin) => ({
  file,
  depName: p.depName,
  datasource: p.datasource,
  currentValue: p.currentValue,
  ...(p.currentDigest ? { currentDigest: p.currentDigest } : {}),
  ...(p.registryUrl ? { registryUrls: [p.registryUrl] } : {}),
  ...(p.versioning ? { versioning: p.versioning } : {}),
});

const extracted = (file: string, d: ExtractedDep) => ({
  file,
  depName: d.depName,
  datasource: d.datasource,
  currentValue: d.currentValue,
  ...(d.currentDigest ? { currentDigest: d.currentDigest } : {}),
  ...(d.registryUrls ? { registryUrls: d.registryUrls } : {}),
  ...(d.versioning ? { versioning: d.versioning } : {}),
});

const byKey = (a: { file: string; depName: string }, b: { file: string; depName: string }) => `${a.file} ${a.depName}`.localeCompare(`${b.file} ${b.depName}`);

/** The globs the written renovate.json5 disables (the tool's own files), as path prefixes. */
function disabledFiles(dir: string): string[] {
  // The file is JSON after its header of `//` lines (what renovateConfig writes; JSON is JSON5).
  const text = readFileSync(join(dir, 'renovate.json5'), 'utf8').replace(/^\/\/.*\n/gm, '');
  const config = JSON.parse(text) as { packageRules: { enabled?: boolean; matchFileNames?: string[]; matchDepNames?: string[] }[] };
  return config.packageRules.filter((r) => r.enabled === false && !r.matchDepNames).flatMap((r) => r.matchFileNames ?? []);
}
const matches = (glob: string, path: string) => (glob.endsWith('/**') ? path.startsWith(glob.slice(0, -2)) : path === glob);

/**
 * What Renovate does in a pull request, without a registry: each pin gets a newer version in its
 * own line (the `replaceString` Renovate extracted, as its auto-replace edits it), grouped as the
 * preset groups a release: the chart moves with the operator it installs, the plugin chart with the
 * plugin, an image's tag with a new digest where it had one.
 */
function newer(p: ExtractedDep): { value: string; digest?: string } {
  // The last number of the version part: 0.27.0 -> 0.27.1, v0.14.0 -> v0.14.1, 18.1-system-trixie -> 18.2-system-trixie.
  const value = p.currentValue.replace(/^(v?(?:\d+\.)*)(\d+)/, (_m, head: string, last: string) => `${head}${Number(last) + 1}`);
  return { value, ...(p.currentDigest ? { digest: `sha256:${createHash('sha256').update(`${p.depName}:${value}`).digest('hex')}` } : {}) };
}

function applyBumps(dir: string, files: ExtractedFile[]): { dep: ExtractedDep; value: string }[] {
  const applied: { dep: ExtractedDep; value: string }[] = [];
  for (const f of files.filter((x) => x.manager === 'regex')) {
    const path = join(dir, f.packageFile);
    let text = readFileSync(path, 'utf8');
    for (const d of f.deps) {
      const { value, digest } = newer(d);
      expect(text, `${f.packageFile}: ${d.depName}`).toContain(d.replaceString!);
      let replaced = d.replaceString!.replace(d.currentValue, value);
      if (d.currentDigest && digest) replaced = replaced.replace(d.currentDigest, digest);
      text = text.replace(d.replaceString!, replaced);
      applied.push({ dep: d, value });
    }
    writeFileSync(path, text);
  }
  return applied;
}

/** The generated files (records, manifest and the user's scaffolds aside). */
const generated = (dir: string) => Object.fromEntries(Object.entries(snapshot(dir)).filter(([p]) => !p.startsWith('.cnpg/') && !p.startsWith('.git/')));

describe.skipIf(!!skip)('the real Renovate (local platform, extract only, no network)', () => {
  describe.each(PROFILES)('profile %s', (profile) => {
    it('extracts every pin the tool wrote, with its datasource, package and current version; the tool\'s own files are disabled', () => {
      const dir = buildProfile(profile, appsOf(profile));
      // The bot's config turns on Renovate's flux manager for every YAML file, as Flux repositories do:
      // its reading of the generated HelmRelease/OCIRepository must name each chart as the pin's comment does.
      const files = renovateExtract(dir, { flux: { fileMatch: ['\\.ya?ml$'] } });
      const want = pinsWritten(dir).map(({ file, pin }) => asExtracted(file, pin)).sort(byKey);
      expect(want.length).toBeGreaterThan(0);
      const got = files
        .filter((f) => f.manager === 'regex')
        .flatMap((f) => f.deps.map((d) => extracted(f.packageFile, d)))
        .sort(byKey);
      expect(got).toEqual(want);
      const charts = pinsWritten(dir).filter(({ pin }) => pin.key === 'chartVersion' || pin.key === 'pluginChartVersion');
      const fromTree = files.filter((f) => f.manager === 'flux' || f.manager === 'helmv3').flatMap((f) => f.deps);
      for (const { pin } of charts) {
        const seen = fromTree.filter((d) => d.depName === pin.depName);
        if (pin.key === 'chartVersion') expect(seen.length, `Renovate's own managers find no ${pin.depName} in the tree`).toBeGreaterThan(0);
        // helmv3 leaves the datasource to lookup (helm, from the registry URL).
        for (const d of seen) expect({ ...extracted('', d), datasource: d.datasource ?? 'helm' }).toEqual(asExtracted('', pin));
      }
      // Anything else Renovate finds is either the user's (the CI job, written once) or in a file the config disables.
      const disabled = disabledFiles(dir);
      for (const f of files.filter((x) => x.manager !== 'regex' && x.packageFile !== '.github/workflows/cnpg-scaffold.yaml'))
        expect(disabled.some((g) => matches(g, f.packageFile)), `${f.manager} found ${f.deps.map((d) => d.depName).join(', ')} in ${f.packageFile}, which renovate.json5 leaves enabled`).toBe(true);
    }, 120_000);

    it('a bump of every pin, as Renovate edits the answers, regenerates cleanly: regen, then regen --check', () => {
      const dir = buildProfile(profile, appsOf(profile));
      const files = renovateExtract(dir);
      const before = generated(dir);
      const bumps = applyBumps(dir, files);
      expect(bumps.length).toBeGreaterThan(0);
      const regen = run(dir, ['regen']);
      expect(regen.code, regen.out).toBe(0);
      const check = run(dir, ['regen', '--check']);
      expect(check.code, check.out).toBe(0);
      const after = generated(dir);
      const changed = Object.keys(after).filter((p) => after[p] !== before[p]);
      expect(changed.length).toBeGreaterThan(0);
      // Every pin that reached a generated file now reads its new version there, and the old one is gone from those files.
      for (const { dep, value } of bumps) {
        const held = Object.keys(before).filter((p) => before[p]!.includes(`${dep.depName}:${dep.currentValue}`) || hasVersion(before[p]!, dep.currentValue));
        for (const p of held.filter((q) => changed.includes(q))) expect(after[p], `${p}: ${dep.depName} ${dep.currentValue} -> ${value}`).toContain(value);
      }
      let databasesChecked = 0;
      // A mounted extension's Database entry follows its image's tag (the SQL version CNPG creates it at);
      // its pin is an entry of extensionImages, one level deeper in the record.
      for (const { dep, value } of bumps.filter((b) => /^# renovate: [^\n]*\n {4}[a-z]/.test(b.dep.replaceString ?? ''))) {
        const [oldSql, newSql] = [dep.currentValue, value].map((t) => /(\d+\.\d+\.\d+)/.exec(t)![1]!);
        const databases = Object.keys(before).filter((p) => p.endsWith('database.yaml') && before[p]!.includes(`version: "${oldSql}"`));
        for (const p of databases) expect(after[p], p).toContain(`version: "${newSql}"`);
        databasesChecked += databases.length;
      }
      // flux-cluster-template's "ai" app creates pgvector's vector from its mounted image.
      if (profile === 'flux-cluster-template') expect(databasesChecked).toBeGreaterThan(0);
      // The records Renovate edited stay as the tool writes them: regen --check above found no drift in them either.
      const image = bumps.find((b) => b.dep.depName === 'ghcr.io/cloudnative-pg/postgresql');
      if (image) expect(Object.values(after).some((t) => t.includes(`ghcr.io/cloudnative-pg/postgresql:${image.value}`))).toBe(true);
    }, 120_000);
  });
});

/** A version as a whole YAML value or tag somewhere in a file (`version: 0.27.0`, `tag: 0.27.0`, `v1.28.0`). */
const hasVersion = (text: string, version: string) => new RegExp(`[: v"]${version.replace(/[.]/g, '\\.')}(["\\s]|$)`, 'm').test(text);
