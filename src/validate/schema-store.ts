import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { PACKAGE_ROOT } from "../paths.js";

/** The package's shipped `schemas/` dir. */
export function defaultSchemaDir(): string {
  return path.join(PACKAGE_ROOT, "schemas");
}

export interface GroupVersionKind {
  group: string; // "" for the core group
  version: string;
  kind: string;
}

export function parseApiVersion(apiVersion: string, kind: string): GroupVersionKind {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return { group: "", version: apiVersion, kind };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

/** Built-in API groups: no dot (apps, batch, policy) or `*.k8s.io` (networking.k8s.io ...). */
export function isBuiltinGroup(group: string): boolean {
  return !group.includes(".") || (group.endsWith(".k8s.io") && group !== "kustomize.config.k8s.io");
}

/** yannh/kubernetes-json-schema file name: `secret.json`, `cronjob-batch-v1.json`, `networkpolicy-networking-v1.json`. */
function coreFileNames(gvk: GroupVersionKind): string[] {
  const kind = gvk.kind.toLowerCase();
  if (gvk.group === "") return gvk.version === "v1" ? [`${kind}.json`, `${kind}-v1.json`] : [`${kind}-${gvk.version}.json`];
  const first = gvk.group.split(".")[0] ?? gvk.group;
  return [`${kind}-${first}-${gvk.version}.json`];
}

function expandTemplate(template: string, gvk: GroupVersionKind): string {
  const first = gvk.group.split(".")[0] ?? "";
  const kindSuffix = gvk.group ? `-${first}-${gvk.version}` : `-${gvk.version}`;
  return template
    .replace(/\{\{\s*\.Group\s*\}\}/g, gvk.group)
    .replace(/\{\{\s*\.ResourceKind\s*\}\}/g, gvk.kind.toLowerCase())
    .replace(/\{\{\s*\.ResourceAPIVersion\s*\}\}/g, gvk.version)
    .replace(/\{\{\s*\.KindSuffix\s*\}\}/g, kindSuffix);
}

export function isRemote(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** Candidate local file paths for a kind in one location (plain `.json` first, then `.json.gz`). */
export function candidatePaths(location: string, gvk: GroupVersionKind): string[] {
  const bases: string[] = [];
  if (location.includes("{{")) {
    bases.push(expandTemplate(location, gvk));
  } else {
    if (isBuiltinGroup(gvk.group)) for (const f of coreFileNames(gvk)) bases.push(path.join(location, "core", f));
    const group = gvk.group || "core";
    bases.push(path.join(location, group, `${gvk.kind.toLowerCase()}_${gvk.version}.json`));
  }
  return bases.flatMap((b) => (b.endsWith(".json") ? [b, `${b}.gz`] : [b]));
}

/** Schemas fetched from URL templates this run, by URL: read like files. */
const fetched = new Map<string, unknown>();

export function readSchemaFile(file: string): unknown {
  if (isRemote(file)) {
    if (!fetched.has(file)) throw new Error(`${file} was not fetched`);
    return structuredClone(fetched.get(file));
  }
  const buf = readFileSync(file);
  const text = file.endsWith(".gz") ? gunzipSync(buf).toString("utf8") : buf.toString("utf8");
  return JSON.parse(text);
}

/** A URL location without a template is a base URL in the CRDs-catalog layout. */
function remoteUrl(location: string, gvk: GroupVersionKind): string {
  const template = location.includes("{{") ? location : `${location.replace(/\/$/, "")}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;
  return expandTemplate(template, gvk);
}

const FETCH_TIMEOUT_MS = 15_000;

/** Locations that failed to answer at all this run: asked no more, noted once. */
const unreachable = new Set<string>();

/** Fetches one schema: the URL when found, undefined on 404; a location that fails otherwise is noted once and skipped. */
async function fetchSchema(location: string, url: string, notes: Set<string>): Promise<string | undefined> {
  if (fetched.has(url)) return url;
  if (unreachable.has(location)) return undefined;
  let failure: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (res.status === 404) return undefined;
    if (res.ok) {
      fetched.set(url, JSON.parse(await res.text()));
      return url;
    }
    failure = `HTTP ${res.status} for ${url}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    failure = `${e.cause?.code ?? e.message} for ${url}`;
  }
  if (!unreachable.has(location)) notes.add(`schema location ${location}: ${failure}: not used`);
  unreachable.add(location);
  return undefined;
}

/** Resolves schemas for kinds across the configured locations, in order: the first that has one wins. */
export class SchemaLocator {
  readonly locations: string[];
  private readonly cache = new Map<string, string | null>();

  constructor(locations: string[] | undefined, root: string) {
    const given = locations && locations.length > 0 ? locations : ["default"];
    this.locations = given.map((l) => (l === "default" ? defaultSchemaDir() : isRemote(l) ? l : path.resolve(root, l)));
  }

  /** Looks every kind up once, fetching from URL locations; after this, find() answers from memory. */
  async prefetch(kinds: Iterable<readonly [apiVersion: string, kind: string]>, notes: Set<string>): Promise<void> {
    const todo = new Map<string, GroupVersionKind>();
    for (const [apiVersion, kind] of kinds) todo.set(`${apiVersion}|${kind}`, parseApiVersion(apiVersion, kind));
    await Promise.all(
      [...todo].map(async ([key, gvk]) => {
        if (this.cache.has(key)) return;
        let found: string | undefined;
        for (const loc of this.locations) {
          found = isRemote(loc) ? await fetchSchema(loc, remoteUrl(loc, gvk), notes) : candidatePaths(loc, gvk).find((p) => existsSync(p));
          if (found) break;
        }
        this.cache.set(key, found ?? null);
      }),
    );
  }

  find(apiVersion: string, kind: string): string | undefined {
    const key = `${apiVersion}|${kind}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const gvk = parseApiVersion(apiVersion, kind);
    let found: string | null = null;
    for (const loc of this.locations) {
      if (isRemote(loc)) continue; // URL locations answer only through prefetch()
      found = candidatePaths(loc, gvk).find((p) => existsSync(p)) ?? null;
      if (found) break;
    }
    this.cache.set(key, found);
    return found ?? undefined;
  }
}
