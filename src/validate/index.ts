import path from "node:path";
import { compileSchemaFile } from "./ajv-setup.js";
import { checkDocuments } from "./check-documents.js";
import { inPaths, listYamlFiles } from "./files.js";
import { buildScopes } from "./scopes.js";
import type { Scope } from "./scope.js";
import { findKubectl, kustomizeBuilds } from "./kubectl-build.js";
import { KustomizeModel } from "./kustomize-model.js";
import { parseFiles } from "./parse.js";
import { renderAll } from "./render.js";
import { SchemaLocator } from "./schema-store.js";
import { renderArgoCharts } from "./argocd-model.js";
import type { Problem, RawDoc, ValidateOptions, ValidateResult } from "./types.js";
import { checkCommonMetadata } from "./xref/common-metadata.js";
import { checkDatabaseOwners } from "./xref/database-owner.js";
import { checkPromql } from "./xref/promql.js";
import { checkCrdOrder } from "./xref/crd-order.js";
import { checkDependsOn } from "./xref/depends-on.js";
import { checkNetworkPolicies } from "./xref/network-policy.js";
import { checkPolicyCoverage } from "./xref/policy-coverage.js";
import { checkSecrets } from "./xref/secrets.js";

export type { Problem, ValidateOptions, ValidateResult } from "./types.js";

export function formatProblem(p: Problem): string {
  const who = p.kind || p.name ? `${p.kind || "-"}/${p.name || "-"}: ` : "";
  return `${p.path}:${p.line}: ${who}${p.message}`;
}

function sortAndDedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.message.localeCompare(b.message)));
}

async function startBuilds(
  root: string,
  opts: ValidateOptions,
  kustomize: KustomizeModel,
  kustomizeDirs: string[],
  scopes: Scope[],
  notes: Set<string>,
): Promise<Problem[]> {
  if (opts.kubectl === "off") return [];
  const kubectl = findKubectl();
  if (!kubectl) {
    notes.add("kubectl not found: kustomize builds skipped");
    return [];
  }
  const dirs = kustomizeDirs.filter((d) => inPaths(kustomize.get(d)?.file ?? d, opts.paths));
  const built = await kustomizeBuilds(root, kubectl, kustomize, dirs, scopes.filter((s) => inPaths(s.raw.file, opts.paths)));
  built.notes.forEach((n) => notes.add(n));
  return built.problems;
}

/** The tree as Flux would apply it: every document parsed, reached by its Kustomizations and substituted. */
export async function modelTree(
  opts: Pick<ValidateOptions, "root" | "externalVariables" | "onProgress" | "helmRenderer">,
  beforeParse?: (files: readonly string[], texts: readonly string[]) => void,
) {
  const root = path.resolve(opts.root);
  const notes = new Set<string>();
  const problems: Problem[] = [];

  const progress = opts.onProgress ?? (() => {});
  progress("validate: reading the tree");
  const tree = await listYamlFiles(root);
  progress(`validate: parsing ${tree.yaml.length} files`);
  const docs: RawDoc[] = [];
  for (const parsed of await parseFiles(root, tree.yaml, beforeParse)) {
    docs.push(...parsed.docs);
    problems.push(...parsed.problems);
  }
  // A chart an Argo CD Application syncs is rendered (when a renderer is available); other templates are skipped.
  const charts = renderArgoCharts(root, docs, opts.helmRenderer, notes);
  docs.push(...charts.docs);
  problems.push(...charts.problems);
  for (const dir of tree.helmTemplateDirs)
    if (!charts.rendered.has(path.posix.dirname(dir))) notes.add(`${dir}: Helm chart templates are not plain YAML: skipped`);

  const kustomize = new KustomizeModel(root, tree.yaml);
  const kustomizeDirs = [...new Set(tree.yaml.map((f) => path.posix.dirname(f)).map((d) => (d === "." ? "" : d)))].filter((d) => kustomize.get(d));
  // Namespace kustomize gives each file; parents sort first and reach() already applies
  // the outer kustomization's namespace, so the first answer is kept.
  const kustomizeNs = new Map<string, string>();
  for (const dir of kustomizeDirs) {
    for (const r of kustomize.reach(dir)) if (r.namespace && !kustomizeNs.has(r.file)) kustomizeNs.set(r.file, r.namespace);
  }
  for (const e of kustomize.errors) problems.push({ path: e.file, line: 1, kind: "Kustomization", name: "", message: `cannot read: ${e.message}` });

  const scopes = buildScopes(root, docs, kustomize, kustomizeNs, notes);
  const render = renderAll({
    root,
    docs,
    scopes,
    kustomizeNs,
    nonResourceFiles: kustomize.nonResourceFiles,
    externalVariables: opts.externalVariables,
  });
  problems.push(...render.problems);
  render.notes.forEach((n) => notes.add(n));
  return { root, notes, problems, kustomize, kustomizeDirs, scopes, render };
}

/**
 * Compiles the local schemas of the kinds the tree's texts name, before the tree is parsed: ajv's
 * compile of the CRD schemas makes ~100 MB of short-lived objects, and with every parsed document
 * live beside it the peak was their sum (260 MB at 1,000 apps). Only a warm-up of the compile cache:
 * its own locator (no downloads, nothing cached for the real pass), no notes, errors left to the
 * real pass, and a kind named only in a comment costs a compile, nothing more.
 */
function warmSchemas(texts: readonly string[], locator: SchemaLocator): void {
  const kinds = new Set<string>();
  for (const text of texts)
    for (const doc of text.split(/^---$/m)) {
      const apiVersion = /^apiVersion: *([\w./-]+) *$/m.exec(doc)?.[1];
      const kind = /^kind: *(\w+) *$/m.exec(doc)?.[1];
      if (apiVersion && kind) kinds.add(`${apiVersion} ${kind}`);
    }
  for (const pair of kinds) {
    const [apiVersion, kind] = pair.split(" ") as [string, string];
    const file = locator.find(apiVersion, kind);
    try {
      if (file) compileSchemaFile(file);
    } catch {
      // The real pass compiles it again and says why it cannot.
    }
  }
}

/** Validates a GitOps tree: parsing, schemas, CEL rules, Flux substitution, kustomize builds, cross-references. */
export async function validateTree(opts: ValidateOptions): Promise<ValidateResult> {
  // Only the files whose documents are checked (`paths`) name the schemas worth compiling early.
  const warm = (files: readonly string[], texts: readonly string[]) =>
    warmSchemas(texts.filter((_, i) => inPaths(files[i]!, opts.paths)), new SchemaLocator(opts.schemaLocations, path.resolve(opts.root)));
  const { root, notes, problems, kustomize, kustomizeDirs, scopes, render } = await modelTree(opts, warm);
  const progress = opts.onProgress ?? (() => {});

  // kubectl runs in child processes: start the builds now so they overlap schema compilation.
  const builds = startBuilds(root, opts, kustomize, kustomizeDirs, scopes, notes);

  const locator = new SchemaLocator(opts.schemaLocations, root);
  const selected = render.rendered.filter((r) => inPaths(r.raw.file, opts.paths));
  await locator.prefetch(selected.map((r) => [r.obj.apiVersion, r.obj.kind] as const), notes);
  progress(`validate: checking ${selected.length} rendered documents against their schemas`);
  const checked = await checkDocuments(selected, locator, opts.ignoreMissingSchemas);
  problems.push(...checked.problems);
  checked.notes.forEach((n) => notes.add(n));

  // Cross-references need every document for context; problems are filtered by `paths` below.
  problems.push(
    ...checkDependsOn(render.rendered, opts.externalKustomizations),
    ...checkSecrets(render.rendered, opts.externalSecrets, kustomize.generatedSecrets),
    ...checkDatabaseOwners(render.rendered),
    ...checkNetworkPolicies(render.rendered),
    ...checkPolicyCoverage(render.rendered),
    ...checkCommonMetadata(render.rendered, scopes),
    ...checkPromql(render.rendered),
    ...checkCrdOrder(render.rendered),
  );

  progress("validate: waiting for kubectl kustomize builds");
  problems.push(...(await builds));

  const checkedDocuments = new Set(selected.map((r) => `${r.raw.file}#${r.raw.index}`)).size;
  return {
    problems: sortAndDedupe(problems.filter((p) => inPaths(p.path, opts.paths))),
    checkedDocuments,
    // kustomization dirs (Components excluded) plus Flux Kustomizations whose output was modelled
    checkedKustomizations: kustomizeDirs.filter((d) => kustomize.get(d)?.kind === "Kustomization").length + scopes.length,
    notes: [...notes].sort(),
  };
}
