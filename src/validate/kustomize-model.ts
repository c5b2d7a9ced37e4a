import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { kustomizationFileIn } from "./files.js";
import { YAML_OPTIONS } from "./parse.js";
import { DECLINE, readSimpleYamlDocument, type PlainResolver } from "../simple-yaml.js";
import { resolvePlainV2 } from "../yaml-scalar.js";
import { asArray, isMap, str } from "./types.js";

export interface KustomizeDir {
  dir: string; // relative to root ("" = root)
  file: string; // its kustomization file
  kind: "Kustomization" | "Component";
  namespace?: string;
  resources: string[]; // relative to root, normalised
  components: string[];
  helmCharts: boolean; // needs `--enable-helm` and a helm binary
  /** Its top-level fields, and whether resources/components name anything remote: what build planning may assume. */
  fields: string[];
  remote: boolean;
  text: string; // the kustomization file as written
}

/** A file reached through kustomize, with the namespace kustomize would give its objects. */
export interface Reached {
  file: string;
  namespace?: string;
}

/**
 * Plain scalars the simple reader may take as the strings `parse(text, YAML_OPTIONS)` reads them
 * as: a kustomization's paths and names. Whatever YAML 1.1 or go-yaml v2 might read as another
 * type or value (numbers, sexagesimals, timestamps, booleans, null, `<<`) is left to `yaml`.
 */
export const yaml11String: PlainResolver = (plain) => (resolvePlainV2(plain).kind === "str" && !/^[-+]?\.?[0-9]/.test(plain) ? plain : DECLINE);

function isRemote(entry: string): boolean {
  return /:\/\/|^github\.com\/|^git@|\?ref=/.test(entry);
}

function norm(dir: string, entry: string): string {
  return path.posix.normalize(path.posix.join(dir, entry)).replace(/\/$/, "").replace(/^\.$/, "");
}

/** Reads kustomization files; records files used as patches/generator inputs (not objects to apply). */
export class KustomizeModel {
  readonly dirs = new Map<string, KustomizeDir | null>();
  readonly nonResourceFiles = new Set<string>();
  /** Names of Secrets made by `secretGenerator` entries (their namespace is not modelled). */
  readonly generatedSecrets = new Set<string>();
  readonly errors: { file: string; message: string }[] = [];

  constructor(
    private readonly root: string,
    private readonly yamlFiles: readonly string[],
  ) {}

  get(dir: string): KustomizeDir | undefined {
    if (this.dirs.has(dir)) return this.dirs.get(dir) ?? undefined;
    const file = kustomizationFileIn(this.root, dir);
    let entry: KustomizeDir | null = null;
    if (file) {
      try {
        const text = readFileSync(path.join(this.root, file), "utf8");
        const data: unknown = readSimpleYamlDocument(text, yaml11String) ?? parse(text, YAML_OPTIONS);
        entry = { ...this.read(dir, file, isMap(data) ? data : {}), text };
      } catch (err) {
        this.errors.push({ file, message: (err as Error).message.split("\n")[0] ?? "" });
      }
    }
    this.dirs.set(dir, entry);
    return entry ?? undefined;
  }

  private read(dir: string, file: string, data: Record<string, unknown>): Omit<KustomizeDir, "text"> {
    const local = (list: unknown) =>
      asArray(list)
        .map((e) => (isMap(e) ? str(e.path) : str(e)))
        .filter((e): e is string => !!e && !isRemote(e))
        .map((e) => norm(dir, e));
    for (const f of [
      ...local(data.patches),
      ...local(data.patchesStrategicMerge),
      ...local(data.patchesJson6902),
      ...local(data.replacements),
      ...local(data.configurations),
      ...local(data.crds),
    ])
      this.nonResourceFiles.add(f);
    for (const gen of asArray(data.secretGenerator)) {
      const name = isMap(gen) ? str(gen.name) : undefined;
      if (name) this.generatedSecrets.add(name);
    }
    for (const gen of [...asArray(data.configMapGenerator), ...asArray(data.secretGenerator)]) {
      if (isMap(gen)) for (const f of local(gen.files).map((f) => f.replace(/^[^=]*=/, ""))) this.nonResourceFiles.add(f);
    }
    return {
      dir,
      file,
      kind: data.kind === "Component" ? "Component" : "Kustomization",
      namespace: str(data.namespace),
      resources: [...local(data.resources), ...local(data.bases)],
      components: local(data.components),
      helmCharts: asArray(data.helmCharts).length > 0,
      fields: Object.keys(data),
      remote: [...asArray(data.resources), ...asArray(data.bases), ...asArray(data.components)].some((e) => typeof e !== "string" || isRemote(e)),
    };
  }

  /**
   * Files a directory yields, as kustomize (or Flux's generated kustomization, when the dir
   * has none: every manifest below it, sub-dirs with their own kustomization as units) would.
   */
  reach(dir: string, extraComponents: string[] = [], seen = new Set<string>()): Reached[] {
    if (seen.has(dir)) return [];
    seen.add(dir);
    const k = this.get(dir);
    let out: Reached[] = [];
    if (!k) {
      for (const unit of this.generatedUnits(dir)) out.push(...(unit.endsWith("/") ? this.reach(unit.slice(0, -1), [], seen) : [{ file: unit }]));
    } else {
      for (const r of k.resources) out.push(...(this.isFile(r) ? [{ file: r }] : this.reach(r, [], seen)));
    }
    for (const c of [...(k?.components ?? []), ...extraComponents]) out.push(...this.reach(c, [], seen));
    // The outer kustomization's namespace wins over inner ones.
    if (k?.namespace) out = out.map((r) => ({ ...r, namespace: k.namespace }));
    return out;
  }

  /** A resources entry that names a file, not a directory. */
  isFile(rel: string): boolean {
    this.yamlSet ??= new Set(this.yamlFiles);
    return this.yamlSet.has(rel) || /\.(ya?ml|json)$/.test(rel);
  }
  private yamlSet: Set<string> | undefined;

  /** Flux's generator: files directly below, and sub-dirs ("dir/") that hold a kustomization. */
  private generatedUnits(dir: string): string[] {
    const prefix = dir ? `${dir}/` : "";
    const units = new Set<string>();
    for (const f of this.yamlFiles) {
      if (!f.startsWith(prefix)) continue;
      const parts = f.slice(prefix.length).split("/");
      let sub = dir;
      let unit: string | undefined;
      for (let i = 0; i < parts.length - 1; i++) {
        sub = sub ? `${sub}/${parts[i]}` : (parts[i] ?? "");
        if (this.get(sub)) {
          unit = `${sub}/`;
          break;
        }
      }
      units.add(unit ?? f);
    }
    return [...units];
  }
}
