import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { regen } from '../../src/commands/regen.js';
import { ConflictError } from '../../src/errors.js';
import { ensureFluxKustomization, ensureLines, ensureResources, type FluxKsEntries } from '../../src/patch.js';
import { R2, commitAll, ctxFor, snapshot, tempRepo } from '../helpers.js';

const KS = 'kubernetes/apps/docs/wiki/ks.yaml';
const NS = 'kubernetes/apps/docs/kustomization.yaml';
const read = (dir: string, p: string) => readFileSync(join(dir, p), 'utf8');
const edit = (dir: string, p: string, from: string, to: string) => {
  const text = read(dir, p);
  if (!text.includes(from)) throw new Error(`${p} lacks ${JSON.stringify(from)}`);
  writeFileSync(join(dir, p), text.replace(from, to));
};

async function onboarded(): Promise<string> {
  const dir = tempRepo(true);
  await newCluster(ctxFor(dir), { backupEndpoint: R2 });
  await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs' });
  commitAll(dir);
  return dir;
}

async function refusal(run: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

describe("hand edits of the tool's entries in a user's file (committed)", () => {
  it('are a conflict for an unrelated new-app: named, nothing written; --force sets them back and keeps the comment', async () => {
    const dir = await onboarded();
    edit(dir, KS, '      CNPG_DATABASE: wiki\n', '      CNPG_DATABASE: wiki_v2   # renamed by hand\n');
    commitAll(dir);
    const before = snapshot(dir);
    const error = await refusal(() => newApp(ctxFor(dir), { name: 'chat', namespace: 'docs' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error!.message).toContain(`${KS} (its entries spec.postBuild.substitute.CNPG_DATABASE changed by hand`);
    expect(snapshot(dir)).toEqual(before);

    await newApp(ctxFor(dir, { force: true }), { name: 'chat', namespace: 'docs' });
    expect(read(dir, KS)).toBe(before[KS]!.replace('CNPG_DATABASE: wiki_v2   # renamed by hand', 'CNPG_DATABASE: wiki   # renamed by hand'));
  });

  it("a removed entry of the tool's (a dependency, a namespace registration) is not silently put back", async () => {
    const dir = await onboarded();
    edit(dir, KS, '    - name: external-secrets-stores\n      namespace: flux-system\n', '');
    edit(dir, NS, '  - ./wiki/ks.yaml\n', '');
    commitAll(dir);
    const error = await refusal(() => newApp(ctxFor(dir), { name: 'chat', namespace: 'docs' }));
    expect(error!.message).toContain(`${KS} (its entries spec.dependsOn: external-secrets-stores changed by hand`);
    expect(error!.message).toContain(`${NS} (its entries resources: wiki/ks.yaml changed by hand`);
  });

  it("edits elsewhere in the file are the user's: no conflict, and every byte of them stays", async () => {
    const dir = await onboarded();
    edit(dir, KS, '  prune: true\n', '  prune: true # keep it tidy\n  healthChecks:\n    - {kind: Deployment, name: wiki, namespace: docs}\n');
    edit(dir, KS, '    - name: external-secrets-stores\n', '    - name: rook-ceph   # storage first\n      namespace: flux-system\n    - name: external-secrets-stores\n');
    edit(dir, KS, '      APP: wiki\n', '      APP: wiki\n      SUBDOMAIN: "docs"  # mine\n');
    edit(dir, NS, '  - ./wiki/ks.yaml\n', '  # hand-made apps\n  - ./static-site/ks.yaml\n  - ./wiki/ks.yaml\n');
    commitAll(dir);
    const before = snapshot(dir);
    await newApp(ctxFor(dir), { name: 'chat', namespace: 'docs' });
    const after = snapshot(dir);
    expect(after[KS]).toBe(before[KS]);
    expect(after[NS]).toBe(`${before[NS]}  - ./chat/ks.yaml\n`);
  });

  it('changed answers update the entries the tool left as they were, even in a file edited elsewhere', async () => {
    const dir = await onboarded();
    edit(dir, KS, '  prune: true\n', '  prune: true # keep it tidy\n');
    edit(dir, '.cnpg/answers/apps/wiki.yaml', '  storeItem: wiki\n', '  storeItem: wiki-db\n');
    commitAll(dir);
    const ctx = ctxFor(dir);
    expect(await regen(ctx, { check: false }), ctx.lines.join('\n')).toBe(0);
    const ks = read(dir, KS);
    expect(ks).toContain('  prune: true # keep it tidy\n');
    expect(ks).toContain('      CNPG_STORE_ITEM: wiki-db\n');
  });
});

const want: FluxKsEntries = {
  name: 'wiki',
  defaults: { targetNamespace: 'docs', prune: true, timeout: '5m' },
  dependsOn: [
    { name: 'cloudnative-pg-cluster', namespace: 'flux-system' },
    { name: 'external-secrets-stores', namespace: 'flux-system' },
  ],
  components: ['../../../../components/cnpg'],
  substitute: { APP: 'wiki', CNPG_DATABASE: 'wiki', CNPG_SCHEDULE: '0 3 * * *' },
};

/** Realistic ks.yaml files, each with what the tool must add, exactly where and how. */
const userFiles: { name: string; text: string; expected: string }[] = [
  {
    name: 'anchors, aliases, aligned comments, flush sequences, a flow map',
    text: `---
# yaml-language-server: $schema=https://kubernetes-schemas.example/kustomization_v1.json
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: &app wiki
  namespace: flux-system
spec:
  targetNamespace: docs   # the app's namespace
  commonMetadata:
    labels:
      app.kubernetes.io/name: *app
  path: ./kubernetes/apps/docs/wiki/app
  sourceRef: {kind: GitRepository, name: home}
  dependsOn:
  - name: rook-ceph      # storage first
    namespace: rook-ceph
  prune: true
  postBuild:
    substitute:
      APP: *app          # from the anchor
      VOLSYNC_CAPACITY: 5Gi
`,
    expected: `---
# yaml-language-server: $schema=https://kubernetes-schemas.example/kustomization_v1.json
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: &app wiki
  namespace: flux-system
spec:
  targetNamespace: docs   # the app's namespace
  commonMetadata:
    labels:
      app.kubernetes.io/name: *app
  path: ./kubernetes/apps/docs/wiki/app
  sourceRef: {kind: GitRepository, name: home}
  dependsOn:
  - name: rook-ceph      # storage first
    namespace: rook-ceph
  - name: cloudnative-pg-cluster
    namespace: flux-system
  - name: external-secrets-stores
    namespace: flux-system
  prune: true
  postBuild:
    substitute:
      APP: *app          # from the anchor
      VOLSYNC_CAPACITY: 5Gi
      CNPG_DATABASE: wiki
      CNPG_SCHEDULE: 0 3 * * *
  timeout: 5m
  components:
  - ../../../../components/cnpg
`,
  },
  {
    name: 'flow sequences, four-space indentation, a second document kept byte for byte',
    text: `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
    name: wiki-config   # not the app's
    namespace: flux-system
spec:
    path: ./kubernetes/apps/docs/wiki/config
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
    name: wiki
    namespace: flux-system
spec:
    interval: 1h     # slower than the default on purpose
    path: ./kubernetes/apps/docs/wiki/app
    dependsOn: [{name: wiki-config}]
    components: [ ../../../../components/volsync ]
    postBuild:
        substituteFrom:
            - {kind: ConfigMap, name: cluster-settings}
`,
    expected: `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
    name: wiki-config   # not the app's
    namespace: flux-system
spec:
    path: ./kubernetes/apps/docs/wiki/config
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
    name: wiki
    namespace: flux-system
spec:
    interval: 1h     # slower than the default on purpose
    path: ./kubernetes/apps/docs/wiki/app
    dependsOn: [{name: wiki-config}, {name: cloudnative-pg-cluster, namespace: flux-system}, {name: external-secrets-stores, namespace: flux-system}]
    components: [ ../../../../components/volsync, ../../../../components/cnpg ]
    postBuild:
        substituteFrom:
            - {kind: ConfigMap, name: cluster-settings}
        substitute:
            APP: wiki
            CNPG_DATABASE: wiki
            CNPG_SCHEDULE: 0 3 * * *
    targetNamespace: docs
    prune: true
    timeout: 5m
`,
  },
  {
    name: 'flow maps, an empty key, a block scalar, the user\'s own values for defaults, a document end marker',
    text: `# Flux Kustomization for wiki
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: wiki, namespace: flux-system}
spec:
  targetNamespace: docs
  prune: false  # never prune this one
  timeout: 10m
  components:
  dependsOn:
    - name: volsync
      namespace: flux-system
  healthCheckExprs:
    - apiVersion: apps/v1
      kind: Deployment
      current: |
        status.readyReplicas == status.replicas
  postBuild:
    substitute: {APP: wiki, SUBDOMAIN: docs}   # short
...
`,
    expected: `# Flux Kustomization for wiki
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: wiki, namespace: flux-system}
spec:
  targetNamespace: docs
  prune: false  # never prune this one
  timeout: 10m
  components:
    - ../../../../components/cnpg
  dependsOn:
    - name: volsync
      namespace: flux-system
    - name: cloudnative-pg-cluster
      namespace: flux-system
    - name: external-secrets-stores
      namespace: flux-system
  healthCheckExprs:
    - apiVersion: apps/v1
      kind: Deployment
      current: |
        status.readyReplicas == status.replicas
  postBuild:
    substitute: {APP: wiki, SUBDOMAIN: docs, CNPG_DATABASE: wiki, CNPG_SCHEDULE: "0 3 * * *"}   # short
...
`,
  },
];

const crlf = (t: string) => t.replace(/\n/g, '\r\n');

describe("patching a user's file keeps every byte the tool does not change", () => {
  for (const f of userFiles) {
    it(f.name, () => {
      const out = ensureFluxKustomization(f.text, want, 'unused');
      expect(out).toBe(f.expected);
      expect(ensureFluxKustomization(out, want, 'unused')).toBe(out);
      // What the API sees: the tool's entries set, the user's kept (YAML 1.1, as Kubernetes reads it).
      const app = parseAllDocuments(out, { version: '1.1' }).map((d) => d.toJS()).find((d) => d.metadata.name === 'wiki');
      expect(app.spec.postBuild.substitute).toMatchObject({ CNPG_DATABASE: 'wiki', CNPG_SCHEDULE: '0 3 * * *' });
    });

    it(`${f.name}: CRLF line ends and a byte-order mark stay`, () => {
      const text = `\ufeff${crlf(f.text)}`;
      const out = ensureFluxKustomization(text, want, 'unused');
      expect(out).toBe(`\ufeff${crlf(f.expected)}`);
      expect(ensureFluxKustomization(out, want, 'unused')).toBe(out);
    });
  }

  it('a value the tool sets keeps its line: the comment and its spacing stay, an alias gives way to the value', () => {
    const text = 'kind: Kustomization\nmetadata:\n  name: wiki\nspec:\n  postBuild:\n    substitute:\n      APP: *x      # was an alias\n      CNPG_DATABASE: old   # mine\n';
    const withAnchor = `x: &x other\n---\n${text}`;
    const out = ensureFluxKustomization(withAnchor, { ...want, defaults: {}, dependsOn: [], components: [] }, 'unused');
    expect(out).toBe(withAnchor.replace('APP: *x      #', 'APP: wiki      #').replace('CNPG_DATABASE: old   #', 'CNPG_DATABASE: wiki   #').replace(/\n$/, '\n      CNPG_SCHEDULE: 0 3 * * *\n'));
  });

  it("a namespace kustomization: the user's order, comments, CRLF and a flow list stay", () => {
    const block = '# apps in docs\r\napiVersion: kustomize.config.k8s.io/v1beta1\r\nkind: Kustomization\r\nresources:\r\n    - ./namespace.yaml   # made by hand\r\n    # - ./old/ks.yaml\r\n    - ./static-site/ks.yaml\r\ncomponents:\r\n    - ../../components/common\r\n';
    expect(ensureResources(block, ['./wiki/ks.yaml'])).toBe(block.replace('ks.yaml\r\ncomponents', 'ks.yaml\r\n    - ./wiki/ks.yaml\r\ncomponents'));
    const flow = 'kind: Kustomization\nresources: [./namespace.yaml, ./static-site/ks.yaml]  # short\n';
    expect(ensureResources(flow, ['./wiki/ks.yaml', 'static-site/ks.yaml'])).toBe('kind: Kustomization\nresources: [./namespace.yaml, ./static-site/ks.yaml, ./wiki/ks.yaml]  # short\n');
    expect(ensureResources('kind: Kustomization\nresources: []\n', ['./wiki/ks.yaml'])).toBe('kind: Kustomization\nresources: [./wiki/ks.yaml]\n');
    expect(ensureResources('kind: Kustomization\nresources:\n', ['./wiki/ks.yaml'])).toBe('kind: Kustomization\nresources:\n  - ./wiki/ks.yaml\n');
  });

  it('.sourceignore keeps CRLF and a missing final line end', () => {
    expect(ensureLines('*.md\r\n/docs/', ['/.cnpg/'], 'why')).toBe('*.md\r\n/docs/\r\n# why\r\n/.cnpg/\r\n');
  });
});

describe('values the tool writes into a user file', () => {
  it('read back as the same string in YAML 1.2 and 1.1, whatever characters they hold', () => {
    const text = 'kind: Kustomization\nmetadata:\n  name: wiki\nspec:\n  postBuild:\n    substitute:\n      OLD: x\n';
    const values = ['off', 'y', '~', '0o17', '1_000', '.5', '12:30', 'a: b', '#x', '- a', 'line\nbreak', 'ls\u2028ps\u2029nel\u0085', 'del\u007f c1\u0090', 'bom\ufeff', 'tab\tq"\'\\', '名前 🐘', ''];
    const substitute = Object.fromEntries(values.map((v, i) => [`K${i}`, v]));
    const out = ensureFluxKustomization(text, { ...want, defaults: {}, dependsOn: [], components: [], substitute }, 'unused');
    // go-yaml v2 (what Kubernetes decodes with) reads NEL, LS and PS as line breaks, which fold
    // inside a quoted scalar, and refuses a BOM or C1 control in one (gopkg.in/yaml.v2 yamlprivateh.go
    // is_break, is_printable): they must be escapes, never raw. The `yaml` package models neither.
    expect(out).not.toMatch(/[\u0085\u2028\u2029\ufeff\u007f-\u009f]/);
    for (const version of ['1.1', '1.2'] as const) {
      const [doc] = parseAllDocuments(out, { version });
      expect(doc!.errors).toEqual([]);
      expect(doc!.toJS().spec.postBuild.substitute).toEqual({ OLD: 'x', ...substitute });
    }
  });
});
