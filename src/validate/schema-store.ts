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

export function readSchemaFile(file: string): unknown {
  const buf = readFileSync(file);
  const text = file.endsWith(".gz") ? gunzipSync(buf).toString("utf8") : buf.toString("utf8");
  return JSON.parse(text);
}

/** Resolves schema files for kinds across the configured locations. */
export class SchemaLocator {
  readonly locations: string[];
  readonly remoteSkipped: boolean;
  private readonly cache = new Map<string, string | null>();

  constructor(locations: string[] | undefined, root: string) {
    const given = locations && locations.length > 0 ? locations : ["default"];
    const local = given.filter((l) => !isRemote(l));
    this.remoteSkipped = local.length < given.length;
    this.locations = local.map((l) => (l === "default" ? defaultSchemaDir() : path.resolve(root, l)));
  }

  find(apiVersion: string, kind: string): string | undefined {
    const key = `${apiVersion}|${kind}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const gvk = parseApiVersion(apiVersion, kind);
    let found: string | null = null;
    for (const loc of this.locations) {
      found = candidatePaths(loc, gvk).find((p) => !isRemote(p) && existsSync(p)) ?? null;
      if (found) break;
    }
    this.cache.set(key, found);
    return found ?? undefined;
  }
}
