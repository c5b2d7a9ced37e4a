import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseAllDocuments, parseDocument, visit, type Document } from "yaml";
import { DECLINE, readSimpleYamlDocument, type PlainResolver } from "../simple-yaml.js";
import { resolvePlainV2 } from "../yaml-scalar.js";
import { isMap, type KubeObject, type Problem, type RawDoc } from "./types.js";

// YAML 1.1 with `<<` merge keys, as Kubernetes' decoder (sigs.k8s.io/yaml, go-yaml v2) reads manifests.
export const YAML_OPTIONS = { version: "1.1", merge: true, prettyErrors: false } as const;

/**
 * Gives every untagged plain scalar the value go-yaml v2 resolves it to (`0o17` 15, `1:20` a string,
 * `on` true), where the `yaml` package's 1.1 schema differs; quoted and tagged scalars are kept.
 */
export function resolveAsKubernetes(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (node.type !== "PLAIN" || node.tag || typeof node.source !== "string" || typeof node.value === "symbol") return;
      const r = resolvePlainV2(node.source);
      if (r.kind !== "merge") node.value = r.value;
    },
  });
}

/** A plain scalar as go-yaml v2 resolves it (what resolveAsKubernetes gives it); merge keys are the full parser's. */
const resolveV2: PlainResolver = (plain) => {
  const r = resolvePlainV2(plain);
  return r.kind === "merge" ? DECLINE : r.value;
};

/** One document's value as the API server's decoder reads it; throws on a YAML error. */
export function parseKube(text: string): unknown {
  // Plain block YAML (what manifestText writes, mostly) is read by the simple reader, exact or declined.
  const simple = readSimpleYamlDocument(text, resolveV2);
  if (simple !== undefined) return simple;
  const doc = parseDocument(text, YAML_OPTIONS);
  if (doc.errors.length) throw doc.errors[0]!;
  resolveAsKubernetes(doc);
  return doc.toJS({ maxAliasCount: 1000 });
}

export interface ParsedFile {
  docs: RawDoc[];
  /** Documents without apiVersion/kind (kustomize inputs excepted): not Kubernetes objects. */
  ignored: number;
  problems: Problem[];
}

export async function parseFile(root: string, file: string): Promise<ParsedFile> {
  const text = await readFile(path.join(root, file), "utf8");
  return parseText(file, text);
}

/**
 * Every file, in order. Read synchronously: from the page cache a read is several times cheaper
 * than through fs/promises (its file handles and stats were a tenth of validate at 1,000 apps).
 */
export async function parseFiles(root: string, files: readonly string[], beforeParse?: (files: readonly string[], texts: readonly string[]) => void): Promise<ParsedFile[]> {
  const texts = files.map((f) => readFileSync(path.join(root, f), "utf8"));
  beforeParse?.(files, texts);
  return texts.map((text, i) => parseText(files[i]!, text));
}

export function parseText(file: string, text: string): ParsedFile {
  return parseSimple(file, text) ?? parseFull(file, text);
}

/**
 * The full parse of a file: its documents' models, with positions, for the lines problems name.
 * A file read by parseSimple is parsed like this only when a problem asks for a line (lazily, once).
 */
function fullModel(text: string): { docs: Document.Parsed[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const all = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter });
  return { docs: Array.isArray(all) ? all : [], lineCounter };
}

/**
 * A file of plain block YAML (what the tool writes, and most manifests): each document read by the
 * simple reader with go-yaml v2's scalars, and its yaml model built only if a problem needs a line.
 * Undefined (the full parse decides) when any document is outside the simple grammar. Positions
 * follow the `yaml` package: a document starts at its `---` line (the first one at its first
 * content line) and runs to the next `---` line. test/validate/parse-simple.test.ts compares both.
 */
export function parseSimple(file: string, text: string): ParsedFile | undefined {
  const lines = text.split("\n");
  const markers: number[] = []; // offsets of the `---` lines
  const contentLine: number[] = []; // per segment: first content line (0-based), -1 if none
  const contentOffset: number[] = [];
  let offset = 0;
  let segment = 0;
  contentLine.push(-1);
  contentOffset.push(-1);
  lines.forEach((line, n) => {
    if (line === "---") {
      markers.push(offset);
      segment++;
      contentLine.push(-1);
      contentOffset.push(-1);
    } else if (contentLine[segment] === -1) {
      const body = line.trimStart();
      if (body !== "" && !body.startsWith("#")) {
        contentLine[segment] = n;
        contentOffset[segment] = offset;
      }
    }
    offset += line.length + 1;
  });
  const result: ParsedFile = { docs: [], ignored: 0, problems: [] };
  let model: ReturnType<typeof fullModel> | undefined;
  const full = () => (model ??= fullModel(text));
  // Segment 0 is a document only when it has content; the others are each a document (an empty one declines).
  const firstIsDoc = contentLine[0] !== -1;
  for (let s = firstIsDoc ? 0 : 1; s < contentLine.length; s++) {
    const start = s === 0 ? contentOffset[0]! : markers[s - 1]!;
    const end = s < markers.length ? markers[s]! : text.length;
    if (contentLine[s] === -1) return undefined;
    const docText = text.slice(start, end);
    const value = readSimpleYamlDocument(s === 0 ? docText : docText.slice(4), resolveV2);
    if (value === undefined) return undefined;
    if (!isMap(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
      result.ignored++;
      continue;
    }
    const index = s - (firstIsDoc ? 0 : 1);
    result.docs.push({
      file,
      index,
      line: contentLine[s]! + 1,
      text: docText,
      get doc() {
        return full().docs[index]!;
      },
      get lineCounter() {
        return full().lineCounter;
      },
      offset: start,
      obj: value as KubeObject,
    });
  }
  return result;
}

export function parseFull(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const all = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter });
  const result: ParsedFile = { docs: [], ignored: 0, problems: [] };
  if (!Array.isArray(all)) return result; // empty stream
  all.forEach((doc, index) => {
    const start = lineStart(text, doc.range[0]);
    const line = lineCounter.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
    if (doc.errors.length > 0) {
      for (const err of doc.errors.slice(0, 1)) {
        result.problems.push({
          path: file,
          line: err.linePos?.[0].line ?? line,
          kind: "",
          name: "",
          message: `YAML parse error: ${firstLine(err.message)}`,
        });
      }
      return;
    }
    const obj = toObject(doc);
    if (!obj) {
      if (doc.contents) result.ignored++;
      return;
    }
    const docText = text.slice(start, doc.range[2]);
    result.docs.push({ file, index, line, text: docText, doc, lineCounter, offset: start, obj });
  });
  return result;
}

function toObject(doc: Document.Parsed): KubeObject | undefined {
  let value: unknown;
  try {
    resolveAsKubernetes(doc);
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
  if (!isMap(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") return undefined;
  return value as KubeObject;
}

function lineStart(text: string, offset: number): number {
  const nl = text.lastIndexOf("\n", offset - 1);
  return nl + 1;
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}

/** 1-based line of the node at `path` inside a raw document, else of the document. */
export function lineOf(raw: RawDoc, path: readonly (string | number)[]): number {
  for (let len = path.length; len > 0; len--) {
    const node = raw.doc.getIn(path.slice(0, len), true) as { range?: [number, number, number] } | undefined;
    if (node && node.range) return raw.lineCounter.linePos(node.range[0]).line;
    // A missing leaf: try its parent.
  }
  return raw.line;
}

/** Line of a mapping key (better than its value for "unknown field" errors). */
export function keyLineOf(raw: RawDoc, parent: readonly (string | number)[], key: string): number {
  const map = parent.length ? raw.doc.getIn(parent, true) : raw.doc.contents;
  const items = (map as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)?.items;
  const pair = items?.find((p) => p.key?.value === key);
  if (pair?.key?.range) return raw.lineCounter.linePos(pair.key.range[0]).line;
  return lineOf(raw, parent);
}
