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

/**
 * kubeconform's template variables. No Kubernetes version is targeted, so the version is
 * `master`; validation rejects unknown fields, so the strict schemas are the right ones.
 */
function templateValues(gvk: GroupVersionKind): Record<string, string> {
  const first = gvk.group.split(".")[0] ?? "";
  return {
    Group: gvk.group,
    ResourceKind: gvk.kind.toLowerCase(),
    ResourceAPIVersion: gvk.version,
    KindSuffix: gvk.group ? `-${first}-${gvk.version}` : `-${gvk.version}`,
    NormalizedKubernetesVersion: "master",
    StrictSuffix: "-strict",
  };
}

const TEMPLATE_VAR = /\{\{\s*\.(\w+)\s*\}\}/g;

/** The template variables a location uses that kubeconform's convention does not define. */
export function unknownTemplateVariables(location: string): string[] {
  const known = Object.keys(templateValues({ group: "", version: "", kind: "" }));
  return [...location.matchAll(TEMPLATE_VAR)].map((m) => m[1]!).filter((v) => !known.includes(v));
}

function expandTemplate(template: string, gvk: GroupVersionKind): string {
  const values = templateValues(gvk);
  return template.replace(TEMPLATE_VAR, (whole, name: string) => values[name] ?? whole);
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

/** A URL location without a template is a base URL in the CRDs-catalog layout, which holds no built-in kinds. */
function remoteUrl(location: string, gvk: GroupVersionKind): string | undefined {
  if (location.includes("{{")) return expandTemplate(location, gvk);
  if (isBuiltinGroup(gvk.group)) return undefined;
  return `${location.replace(/\/$/, "")}/${gvk.group}/${gvk.kind.toLowerCase()}_${gvk.version}.json`;
}

const FETCH_TIMEOUT_MS = 15_000;

/**
 * Fetches one schema: the URL when found, undefined when not. A location that does not answer at all
 * (DNS, refused, timeout) is noted once and not asked again this run; an HTTP error is noted per URL.
 */
async function fetchSchema(location: string, url: string, unreachable: Set<string>, notes: Set<string>): Promise<string | undefined> {
  if (fetched.has(url)) return url;
  if (unreachable.has(location)) return undefined;
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (res.status === 404) return undefined;
    if (!res.ok) {
      notes.add(`schema location ${location}: HTTP ${res.status} for ${url}`);
      return undefined;
    }
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (!unreachable.has(location)) notes.add(`schema location ${location}: ${e.cause?.code ?? e.name ?? e.message} for ${url}: not used`);
    unreachable.add(location);
    return undefined;
  }
  try {
    fetched.set(url, JSON.parse(text));
    return url;
  } catch {
    notes.add(`schema location ${location}: ${url} is not JSON`);
    return undefined;
  }
}

/** Resolves schemas for kinds across the configured locations, in order: the first that has one wins. */
export class SchemaLocator {
  readonly locations: string[];
  private readonly cache = new Map<string, string | null>();
  private readonly unreachable = new Set<string>();

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
          if (isRemote(loc)) {
            const url = remoteUrl(loc, gvk);
            found = url ? await fetchSchema(loc, url, this.unreachable, notes) : undefined;
          } else found = candidatePaths(loc, gvk).find((p) => existsSync(p));
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
