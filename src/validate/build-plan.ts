import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { kustomizationFilesIn } from "./files.js";
import type { KustomizeModel } from "./kustomize-model.js";
import { lineOf } from "./parse.js";
import type { Scope } from "./scope.js";
import { asArray, getPath, str, type Problem } from "./types.js";

/**
 * One `kubectl kustomize` the tree asks for: a kustomization directory, or an overlay that adds a
 * Flux Kustomization's `spec.components` to its `spec.path`, so that components resolve as Flux would.
 */
export interface BuildNode {
  key: string;
  /** A kustomization directory (relative to the root), or the overlay's parts. */
  dir?: string;
  overlay?: { specDir: string; components: string[] };
  /**
   * Where a failure is reported. Asked only on a failure: the line of an overlay's spec.components
   * needs the full YAML model of its file, which the simple reader skipped (at 1,000 apps making all
   * of them kept ~26 MB live beside the schema checks).
   */
  problem: () => Omit<Problem, "message">;
  /** Nodes this build includes: a kustomize build fails when any directory it accumulates fails. */
  covers: string[];
  /** Two nodes with one signature read the same files at the same relative places: they build alike. */
  signature?: string;
  /** A kustomization that only lists resources: it builds as its entries do, in parts (see kubectl-build.ts). */
  parts?: string[][];
}

export interface BuildPlan {
  nodes: Map<string, BuildNode>;
  /** Nodes no other node covers: building these builds everything, when they pass. */
  roots: string[];
  notes: string[];
}

/**
 * Fields that read no file and change no resource's name, namespace or kind. A kustomization with
 * only these builds the same wherever it sits (given the same files), and a parent that merely lists
 * such kustomizations adds nothing to their builds but the check that no two resources share an id:
 * kustomize resolves vars, name references of renamed resources and transformer configurations at
 * each level (kubernetes-sigs/kustomize api/internal/target/kusttarget.go), so those fields are out.
 */
const PLAIN_FIELDS = new Set(["apiVersion", "kind", "metadata", "resources", "bases", "components", "commonLabels", "labels", "commonAnnotations", "images", "replicas"]);
const AGGREGATE_FIELDS = new Set(["apiVersion", "kind", "metadata", "resources"]);
/**
 * Files reached per part of an aggregate: kustomize's cost grows with the square of the resources at
 * one level (kubectl 1.32: 1,000 dirs of 4 resources under one parent take over a minute of CPU,
 * in parts of 160 files a few seconds; kubernetes-sigs/kustomize#5084).
 */
const PART_FILES = 160;

const key = { dir: (d: string) => `dir:${d}`, overlay: (id: string) => `overlay:${id}` };

function inside(dir: string, entry: string): string | undefined {
  if (!dir) return entry;
  return entry.startsWith(`${dir}/`) ? entry.slice(dir.length + 1) : undefined;
}

class Planner {
  private readonly signatures = new Map<string, string | undefined>();
  private readonly plainClosures = new Map<string, boolean>();

  constructor(
    private readonly root: string,
    private readonly model: KustomizeModel,
    private readonly partFiles: number,
  ) {}

  private plain(dir: string): boolean {
    const k = this.model.get(dir);
    return !!k && !k.remote && k.fields.every((f) => PLAIN_FIELDS.has(f));
  }

  /**
   * What a build of `dir` reads, with what lies inside `dir` named relative to it and what lies
   * outside by its place in the tree; undefined when a field could read something not modelled here.
   */
  signature(dir: string, stack = new Set<string>()): string | undefined {
    if (this.signatures.has(dir)) return this.signatures.get(dir);
    const k = this.model.get(dir);
    let sig: string | undefined;
    if (k && this.plain(dir) && !stack.has(dir) && kustomizationFilesIn(this.root, dir).length === 1) {
      stack.add(dir);
      const parts = [path.posix.basename(k.file), k.text];
      for (const entry of [...k.resources, ...k.components]) {
        const rel = inside(dir, entry);
        const part = rel === undefined ? `@${entry}` : this.model.isFile(entry) ? this.fileHash(entry) : this.signature(entry, stack);
        if (part === undefined) {
          parts.length = 0;
          break;
        }
        parts.push(`${rel ?? ""}=${part}`);
      }
      stack.delete(dir);
      if (parts.length) sig = createHash("sha256").update(parts.join("\0")).digest("hex");
    }
    // Only a finished answer is kept: inside a cycle the answer depends on where the walk began.
    if (stack.size === 0) this.signatures.set(dir, sig);
    return sig;
  }

  private fileHash(rel: string): string | undefined {
    try {
      return createHash("sha256").update(readFileSync(path.join(this.root, rel))).digest("hex");
    } catch {
      return undefined; // missing or a directory: not comparable
    }
  }

  /** Every kustomization below `dir` (resources and components) uses plain fields only. */
  private plainClosure(dir: string, seen = new Set<string>()): boolean {
    const known = this.plainClosures.get(dir);
    if (known !== undefined) return known;
    if (seen.has(dir)) return false; // a cycle fails to build: nothing to shortcut
    seen.add(dir);
    const k = this.model.get(dir);
    const ok = !!k && this.plain(dir) && [...k.resources, ...k.components].every((e) => this.model.isFile(e) || this.plainClosure(e, seen));
    this.plainClosures.set(dir, ok);
    return ok;
  }

  /** A kustomization that only lists local resources, all plain below: its entries in groups of about PART_FILES files. */
  parts(dir: string): string[][] | undefined {
    const k = this.model.get(dir);
    if (!k || k.remote || !k.fields.every((f) => AGGREGATE_FIELDS.has(f))) return undefined;
    if (!k.resources.every((e) => this.model.isFile(e) || this.plainClosure(e))) return undefined;
    const groups: string[][] = [[]];
    let files = 0;
    for (const entry of k.resources) {
      const weight = this.model.isFile(entry) ? 1 : this.model.reach(entry).length;
      if (files > 0 && files + weight > this.partFiles) groups.push([]), (files = 0);
      groups.at(-1)!.push(entry);
      files += weight;
    }
    return groups.length > 1 ? groups : undefined;
  }
}

/** The builds of `dirs` (kustomization directories) and of the Flux scopes with components, and what covers what. */
export function planBuilds(root: string, model: KustomizeModel, dirs: readonly string[], scopes: readonly Scope[], partFiles = PART_FILES): BuildPlan {
  const planner = new Planner(root, model, partFiles);
  const nodes = new Map<string, BuildNode>();
  const notes: string[] = [];
  for (const dir of dirs) {
    const k = model.get(dir);
    if (!k || k.kind === "Component") continue;
    if (k.helmCharts) {
      notes.push(`${k.file}: uses helmCharts (needs helm): kubectl kustomize skipped`);
      continue;
    }
    const problem = { path: k.file, line: 1, kind: "Kustomization", name: path.posix.basename(dir) || "." };
    const where = () => problem;
    nodes.set(key.dir(dir), { key: key.dir(dir), dir, problem: where, covers: [], signature: planner.signature(dir), parts: planner.parts(dir) });
  }
  for (const node of nodes.values()) node.covers = model.get(node.dir!)!.resources.map(key.dir).filter((k) => nodes.has(k));
  // Flux components are the one build a scope adds; other engines' directories are built above.
  for (const scope of scopes.filter((s) => s.engine === "flux" && !s.upstream)) {
    const written = asArray(getPath(scope.raw.obj, ["spec", "components"])).map(str).filter((c): c is string => !!c);
    if (written.length === 0) continue;
    if (!model.get(scope.dir)) {
      notes.push(`Kustomization ${scope.id}: spec.path has no kustomization.yaml; components not built with kubectl`);
      continue;
    }
    const specDir = scope.dir;
    const components = written.map((c) => path.posix.normalize(path.posix.join(specDir || ".", c)).replace(/\/$/, ""));
    const inner = planner.signature(specDir);
    nodes.set(key.overlay(scope.id), {
      key: key.overlay(scope.id),
      overlay: { specDir, components },
      problem: () => ({ path: scope.raw.file, line: lineOf(scope.raw, ["spec", "components"]), kind: "Kustomization", name: scope.name }),
      covers: nodes.has(key.dir(specDir)) ? [key.dir(specDir)] : [],
      // Components are named by their place in the tree: the same names are the same files.
      signature: inner && `${inner}+${components.join(",")}`,
    });
  }
  return { nodes, roots: rootsOf(nodes), notes };
}

/** Nodes nobody covers, plus one node of each cycle of covers (else a cycle would never be built). */
function rootsOf(nodes: ReadonlyMap<string, BuildNode>): string[] {
  const covered = new Set([...nodes.values()].flatMap((n) => n.covers));
  const roots: string[] = [];
  const reached = new Set<string>();
  const mark = (k: string) => {
    const todo = [k];
    for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
      if (reached.has(next)) continue;
      reached.add(next);
      todo.push(...nodes.get(next)!.covers);
    }
  };
  for (const k of nodes.keys()) if (!covered.has(k)) roots.push(k), mark(k);
  for (const k of [...nodes.keys()].sort()) if (!reached.has(k)) roots.push(k), mark(k);
  return roots;
}
