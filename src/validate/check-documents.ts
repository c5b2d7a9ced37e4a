import { createHash } from "node:crypto";
import { compileSchemaFile } from "./ajv-setup.js";
import { CelNotes, checkCel } from "./cel.js";
import { lineOf } from "./parse.js";
import { checkSchema, displayName, dotted, holdsPlaceholder } from "./schema-check.js";
import type { SchemaLocator } from "./schema-store.js";
import { metaName, type Problem, type RawDoc, type RenderedDoc } from "./types.js";

export interface DocumentCheck {
  problems: Problem[];
  notes: Set<string>;
}

/** Schema (ajv) and CEL validation of each rendered document. */
export async function checkDocuments(rendered: readonly RenderedDoc[], locator: SchemaLocator, ignoreMissing = false): Promise<DocumentCheck> {
  const result: DocumentCheck = { problems: [], notes: new Set() };
  const cel = new CelNotes();
  // Identical renders (same file, doc, text) are checked once. Only a document rendered more than
  // once (a component's, once per Kustomization) can repeat, and its renders are kept as digests.
  const renders = new Map<RawDoc, number>();
  for (const r of rendered) renders.set(r.raw, (renders.get(r.raw) ?? 0) + 1);
  const seen = new Set<string>();
  for (const [i, r] of rendered.entries()) {
    // Yield now and then so concurrent kubectl builds can be started and collected.
    if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    if (renders.get(r.raw)! > 1) {
      const digest = createHash("sha256").update(JSON.stringify(r.obj)).update("#").update([...r.placeholderVars].join(",")).digest("base64");
      const key = `${r.raw.file}#${r.raw.index}#${digest}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const file = locator.find(r.obj.apiVersion, r.obj.kind);
    if (!file && ignoreMissing) {
      result.notes.add(`no schema for ${r.obj.apiVersion}/${r.obj.kind}: not checked (--ignore-missing-schemas)`);
      continue;
    }
    if (!file) {
      result.problems.push({ path: r.raw.file, line: r.raw.line, kind: r.obj.kind, name: metaName(r.obj), message: `no schema for ${r.obj.apiVersion}/${r.obj.kind} (add a location with --schema-location, or pass --ignore-missing-schemas)` });
      continue;
    }
    let compiled;
    try {
      compiled = compileSchemaFile(file);
    } catch (err) {
      result.notes.add(`schema ${file} could not be compiled (${(err as Error).message.split("\n")[0]}): ${r.obj.kind} not checked`);
      continue;
    }
    compiled.notes.forEach((n) => result.notes.add(n));
    try {
      result.problems.push(...checkSchema(r, compiled));
      if (!compiled.hasCelRules) continue;
      for (const f of checkCel(compiled.schema, r.obj, cel)) {
        if (holdsPlaceholder(r, f.path)) continue;
        result.problems.push({ path: r.raw.file, line: lineOf(r.raw, f.path), kind: r.obj.kind, name: displayName(r), message: `${dotted(f.path)}: ${f.message}` });
      }
    } catch (err) {
      // A validator bug must not hide the other documents' results.
      result.notes.add(`${r.raw.file}:${r.raw.line}: internal error while checking ${r.obj.kind}: ${(err as Error).message}`);
    }
  }
  cel.notes.forEach((n) => result.notes.add(n));
  return result;
}
