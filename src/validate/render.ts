import { existsSync } from "node:fs";
import path from "node:path";
import { Document, visit } from "yaml";
import { isClusterScoped, isKustomizeInput, staticNamespace } from "./flux-model.js";
import type { Scope } from "./scope.js";
import { blockPlainAllowed, v2NeedsQuotes } from "../yaml-scalar.js";
import { lineOf, parseKube } from "./parse.js";
import { substitute } from "./substitute.js";
import { getPath, isMap, metaName, str, type ExternalVariables, type KubeObject, type Problem, type RawDoc, type RenderedDoc } from "./types.js";

export interface RenderInput {
  root: string;
  docs: readonly RawDoc[];
  scopes: readonly Scope[];
  kustomizeNs: ReadonlyMap<string, string>;
  nonResourceFiles: ReadonlySet<string>;
  externalVariables?: ExternalVariables;
}

export interface RenderOutput {
  rendered: RenderedDoc[];
  problems: Problem[];
  notes: string[];
}

/** manifestText once per document: a component's documents are rendered once per Kustomization using it. */
type Texts = (raw: RawDoc) => string;

const DISABLED = "kustomize.toolkit.fluxcd.io/substitute";

function substitutionDisabled(obj: KubeObject): boolean {
  return str(getPath(obj, ["metadata", "annotations", DISABLED])) === "disabled";
}

/** Line of the first use of `needle` outside a comment. */
function lineOfText(raw: RawDoc, needle: string): number {
  for (let idx = raw.text.indexOf(needle); idx >= 0; idx = raw.text.indexOf(needle, idx + 1)) {
    const lineStart = raw.text.lastIndexOf("\n", idx) + 1;
    if (!/(^|\s)#/.test(raw.text.slice(lineStart, idx))) return raw.lineCounter.linePos(raw.offset + idx).line;
  }
  return raw.line;
}

/**
 * The text Flux substitutes in. kustomize-controller calls `res.AsYAML()` (fluxcd/pkg@e2cfd1a
 * kustomize/kustomize_varsub.go), which is JSON re-encoded by sigs.k8s.io/yaml JSONToYAML with
 * go-yaml v2 (kubernetes-sigs/kustomize@12f9e63 api/resource/resource.go AsYAML). So comments and
 * the source's quoting are gone: go-yaml v2's encoder (encode.go stringv, emitterc.go
 * select_scalar_style) writes a string plain when it resolves as a string and the emitter allows
 * it, multi-line text as a literal block, else quoted. `"${PORT}"` comes out as plain `${PORT}`.
 */
export function manifestText(raw: RawDoc): string {
  const doc = new Document(raw.obj);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      node.type = goYamlV2Style(node.value);
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function goYamlV2Style(s: string): "PLAIN" | "QUOTE_SINGLE" | "QUOTE_DOUBLE" | "BLOCK_LITERAL" {
  const special = /[^\n\t\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|\ufeff/u.test(s);
  const spaceBreak = / \n/.test(s);
  const breakSpace = /\n /.test(s);
  if (s.includes("\n")) return !special && !spaceBreak && !/ $/.test(s) ? "BLOCK_LITERAL" : "QUOTE_DOUBLE";
  if (v2NeedsQuotes(s)) return "QUOTE_DOUBLE";
  if (blockPlainAllowed(s)) return "PLAIN";
  return special || breakSpace ? "QUOTE_DOUBLE" : "QUOTE_SINGLE";
}

/** Every document as it would be applied: once per Flux Kustomization that reaches it, else once as written. */
export function renderAll(input: RenderInput): RenderOutput {
  const out: RenderOutput = { rendered: [], problems: [], notes: [] };
  const byFile = new Map<string, RawDoc[]>();
  for (const d of input.docs) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  const reachedDocs = new Set<RawDoc>();
  const encoded = new Map<RawDoc, string>();
  const texts: Texts = (raw) => {
    let text = encoded.get(raw);
    if (text === undefined) encoded.set(raw, (text = manifestText(raw)));
    return text;
  };
  for (const scope of input.scopes) {
    if (scope.upstream) continue; // its files are not in this tree (noted where the scope is read)
    if (!existsSync(path.join(input.root, scope.dir))) {
      const named = String(getPath(scope.raw.obj, scope.dirField) ?? "./");
      out.problems.push(problemAt(scope.raw, scope.dirField, `${scope.dirField.join(".")} ${named} does not exist in the tree`));
      continue;
    }
    for (const reached of scope.reached) {
      for (const raw of byFile.get(reached.file) ?? []) {
        if (isKustomizeInput(raw.obj)) continue;
        reachedDocs.add(raw);
        const r = renderInScope(raw, scope, reached.namespace, input, out, texts);
        if (r) out.rendered.push(r);
      }
    }
  }
  for (const raw of input.docs) {
    if (reachedDocs.has(raw) || isKustomizeInput(raw.obj) || input.nonResourceFiles.has(raw.file)) continue;
    const r = renderAlone(raw, input);
    if (r) out.rendered.push(r);
  }
  return out;
}

function problemAt(raw: RawDoc, at: (string | number)[], message: string, obj: KubeObject = raw.obj): Problem {
  return { path: raw.file, line: lineOf(raw, at), kind: obj.kind, name: metaName(obj), message };
}

function renderInScope(raw: RawDoc, scope: Scope, kustomizeNs: string | undefined, input: RenderInput, out: RenderOutput, texts: Texts): RenderedDoc | undefined {
  let obj = raw.obj;
  const placeholderVars = new Set<string>();
  if (scope.hasPostBuild && !substitutionDisabled(raw.obj) && raw.text.includes("${")) {
    const ext = input.externalVariables;
    const listed = (source: string) => (ext === undefined ? undefined : Array.isArray(ext) ? (ext as readonly string[]) : (ext as Record<string, readonly string[]>)[source]);
    const unknown = new Set(scope.externalSources.flatMap((s) => listed(s) ?? []));
    // A source whose variable names are not known could provide any name.
    const unlisted = scope.externalSources.filter((s) => listed(s) === undefined);
    const acceptAny = unlisted.length > 0;
    const sub = substitute(texts(raw), scope.values, unknown, acceptAny);
    if (acceptAny && sub.placeholders.length > 0) {
      out.notes.push(`${scope.kind} ${scope.id}: variables from ${unlisted.join(", ")} are unknown; unprovided variables are not reported`);
    }
    [...sub.placeholders, ...sub.missing].forEach((v) => placeholderVars.add(v));
    if (sub.error !== undefined) {
      out.problems.push(problemAt(raw, [], `Flux substitution fails in ${scope.kind} ${scope.id} (envsubst: ${sub.error}); nothing of it is applied`));
      return undefined;
    }
    const parsed = reparse(raw, sub.text, out, `after substitution by ${scope.kind} ${scope.id}`);
    for (const name of sub.missing) {
      out.problems.push({
        path: raw.file,
        line: lineOfText(raw, `\${${name}`),
        kind: raw.obj.kind,
        name: nameAfter(raw, parsed, [...sub.missing, ...sub.placeholders]),
        message: `variable \${${name}} is not provided (Flux 2.9 substitution is strict) in ${scope.kind} ${scope.id}`,
      });
    }
    if (!parsed) return undefined;
    obj = parsed;
  }
  const namespace = isClusterScoped(obj.kind)
    ? ""
    : scope.namespaceMode === "override"
      ? (scope.targetNamespace ?? kustomizeNs ?? str(getPath(obj, ["metadata", "namespace"])) ?? "default")
      : (kustomizeNs ?? str(getPath(obj, ["metadata", "namespace"])) ?? scope.targetNamespace ?? "default");
  return { raw, obj, namespace, placeholderVars, flux: scope.id };
}

/** The substituted name, unless it was built from variables without a value (then as written). */
function nameAfter(raw: RawDoc, parsed: KubeObject | undefined, unknown: string[]): string {
  const written = metaName(raw.obj);
  return parsed && !unknown.some((v) => written.includes(`\${${v}`)) ? metaName(parsed) : written;
}

function renderAlone(raw: RawDoc, input: RenderInput): RenderedDoc | undefined {
  let obj = raw.obj;
  const placeholderVars = new Set<string>();
  // Not applied by any Flux Kustomization in the tree (or a component nobody uses): variables stay unknown.
  if (raw.text.includes("${")) {
    const sub = substitute(manifestText(raw), new Map(), new Set(), true);
    sub.placeholders.forEach((v) => placeholderVars.add(v));
    const parsed = reparse(raw, sub.text, { problems: [], notes: [], rendered: [] }, "");
    if (parsed) obj = parsed;
  }
  return { raw, obj, namespace: staticNamespace(raw, input.kustomizeNs), placeholderVars };
}

function reparse(raw: RawDoc, text: string, out: RenderOutput, context: string): KubeObject | undefined {
  try {
    const value: unknown = parseKube(text);
    if (isMap(value) && typeof value.apiVersion === "string" && typeof value.kind === "string") return value as KubeObject;
    out.problems.push(problemAt(raw, [], `${context}: the document is no longer a Kubernetes object`));
  } catch (err) {
    out.problems.push(problemAt(raw, [], `${context}: YAML parse error: ${(err as Error).message.split("\n")[0]}`));
  }
  return undefined;
}
