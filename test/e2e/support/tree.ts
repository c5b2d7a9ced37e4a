import path from 'node:path';
import { newApp } from '../../../src/commands/new-app.js';
import { newCluster } from '../../../src/commands/new-cluster.js';
import { listYamlFiles } from '../../../src/validate/files.js';
import { buildFluxScopes } from '../../../src/validate/flux-model.js';
import { KustomizeModel } from '../../../src/validate/kustomize-model.js';
import { parseFile } from '../../../src/validate/parse.js';
import { renderAll } from '../../../src/validate/render.js';
import type { KubeObject, RawDoc } from '../../../src/validate/types.js';
import { ctxFor, tempRepo } from '../../helpers.js';

type Answers = Record<string, unknown>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A tree written by the engine: one cluster and its apps, exactly as `new-cluster`/`new-app` write it. */
export async function generate(cluster: Answers, apps: Answers[]): Promise<string> {
  const dir = tempRepo();
  await newCluster(ctxFor(dir), { backups: false, ...cluster });
  for (const app of apps) await newApp(ctxFor(dir), app);
  return dir;
}

export interface Applied {
  obj: KubeObject;
  namespace: string;
}

/**
 * Every document as Flux would apply it (kustomize namespaces, components, postBuild
 * substitution), through the same model `validate` uses (src/validate/index.ts validateTree).
 */
export async function appliedDocs(root: string): Promise<Applied[]> {
  const tree = await listYamlFiles(root);
  const docs: RawDoc[] = [];
  for (const file of tree.yaml) docs.push(...(await parseFile(root, file)).docs);
  const kustomize = new KustomizeModel(root, tree.yaml);
  const dirs = [...new Set(tree.yaml.map((f) => path.posix.dirname(f)).map((d) => (d === '.' ? '' : d)))].filter((d) => kustomize.get(d));
  const kustomizeNs = new Map<string, string>();
  for (const dir of dirs) for (const r of kustomize.reach(dir)) if (r.namespace && !kustomizeNs.has(r.file)) kustomizeNs.set(r.file, r.namespace);
  const scopes = buildFluxScopes(docs, kustomize, kustomizeNs, new Set());
  const out = renderAll({ root, docs, scopes, kustomizeNs, nonResourceFiles: kustomize.nonResourceFiles });
  if (out.problems.length) throw new Error(`rendering the tree: ${out.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  // Shared components are also rendered on their own (with placeholders); only what a Flux
  // Kustomization applies reaches the cluster.
  const applied = out.rendered.filter((r) => r.flux !== undefined);
  const unknown = applied.filter((r) => r.placeholderVars.size);
  if (unknown.length) throw new Error(`unknown variables in ${unknown.map((r) => r.raw.file).join(', ')}`);
  return applied.map((r) => ({ obj: r.obj, namespace: r.namespace }));
}

export const ofKind = (docs: Applied[], kind: string) => docs.filter((d) => d.obj.kind === kind);

export function byName(docs: Applied[], kind: string, name: string, namespace?: string): Applied {
  const hits = docs.filter((d) => d.obj.kind === kind && (d.obj.metadata as Json | undefined)?.name === name && (namespace === undefined || d.namespace === namespace));
  if (hits.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${hits.length}`);
  return hits[0]!;
}
