import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { planBuilds, type BuildNode } from "./build-plan.js";
import { resourceIds } from "./kustomize-output.js";
import type { KustomizeModel } from "./kustomize-model.js";
import type { Scope } from "./scope.js";
import type { Problem } from "./types.js";

// kubectl builds one at a time per core; more only queue for the CPU.
const CONCURRENCY = 2;

export function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, process.platform === "win32" ? "kubectl.exe" : "kubectl");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Flux builds with LoadRestrictionsNone (fluxcd/pkg kustomize/kustomize_generator.go Build): a
 * kustomization may list files outside its directory. Argo CD keeps kustomize's default (rootOnly).
 */
const FLUX_BUILD = ["--load-restrictor", "LoadRestrictionsNone"];

interface Built {
  /** The first line of stderr when the build failed. */
  error?: string;
  /** Standard output, when asked for. */
  output?: string;
}

/** One `kubectl kustomize`; its output is read only when `keepOutput` (a full build can be megabytes). */
function build(kubectl: string, dir: string, flags: string[], keepOutput = false): Promise<Built> {
  return new Promise((resolve) => {
    const child = spawn(kubectl, ["kustomize", ...flags, dir], { stdio: ["ignore", keepOutput ? "pipe" : "ignore", "pipe"], timeout: 120_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => resolve({ error: e.message.split("\n")[0] ?? "failed" }));
    child.on("close", (code, signal) => {
      if (code === 0) return resolve({ output: keepOutput ? Buffer.concat(out).toString("utf8") : undefined });
      const line = Buffer.concat(err).toString("utf8").split("\n").find((l) => l.trim())?.trim() ?? `exit ${code ?? signal}`;
      // kubectl logs through klog: `E1126 09:24:26.2 123 run.go:72] "command failed" err="..."`.
      const klog = /^[EWIF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] "command failed" err="(.*)"$/.exec(line);
      resolve({ error: klog?.[1] ? klog[1].replace(/\\"/g, '"').replace(/\\\\/g, "\\") : line });
    });
  });
}


/** At most `n` tasks at once, in the order asked. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finished task hands its slot to the next waiting one, so `running` never exceeds n.
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/**
 * `every` builds each node by itself, as `kubectl kustomize` would be run on each by hand; `roots`
 * reports the same problems with fewer builds: a node passes when a build that includes it passes,
 * nodes with one signature pass when one of them does, and only below a failed build is anything
 * built again (its own message is the one reported). A test compares the two on a broken tree.
 */
export type BuildStrategy = "roots" | "every";

class Builds {
  readonly problems: Problem[] = [];
  private readonly outcome = new Map<string, Promise<boolean>>();
  private readonly tmp = mkdtempSync(path.join(os.tmpdir(), "cnpg-validate-"));
  private readonly limit = limiter(CONCURRENCY);
  private made = 0;
  count = 0;

  constructor(
    private readonly root: string,
    private readonly kubectl: string,
    private readonly flags: string[],
    private readonly nodes: ReadonlyMap<string, BuildNode>,
  ) {}

  /** A kustomization of our own in the temp dir; kustomize rejects absolute roots, so the tree is named relatively. */
  private kustomization(body: { resources: string[]; components?: string[] }): string {
    const dir = path.join(this.tmp, String(this.made++));
    mkdirSync(dir);
    const rel = (p: string) => path.relative(dir, path.join(this.root, p)).split(path.sep).join("/");
    const doc = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: body.resources.map(rel), ...(body.components ? { components: body.components.map(rel) } : {}) };
    writeFileSync(path.join(dir, "kustomization.yaml"), stringify(doc));
    return dir;
  }

  private run(dir: string, keepOutput = false): Promise<Built> {
    this.count++;
    return this.limit(() => build(this.kubectl, dir, this.flags, keepOutput));
  }

  /** The node built by itself; a failure is its problem. */
  private async alone(node: BuildNode): Promise<boolean> {
    const overlay = node.overlay && this.kustomization({ resources: [node.overlay.specDir], components: node.overlay.components });
    const dir = overlay ?? path.join(this.root, node.dir!);
    const { error } = await this.run(dir);
    if (error === undefined) return true;
    // Paths relative to the root read better (and keep test output stable); an overlay reaches the tree relatively.
    const strip = overlay ? [`${this.root}/`, `${path.relative(overlay, this.root).split(path.sep).join("/")}/`] : [`${this.root}/`];
    let message = strip.reduce((m, prefix) => m.split(prefix).join(""), error);
    if (overlay) message = message.split(overlay).join("<overlay>");
    this.problems.push({ ...node.problem(), message: `kubectl kustomize failed: ${message}` });
    return false;
  }

  /**
   * An aggregate (build-plan.ts) passes when each part passes and no two parts make a resource with
   * one id (kustomize's "may not add resource with an already registered id"). Only under Flux's
   * load restrictions: a part lists files of the aggregate from the temp dir.
   */
  private async inParts(node: BuildNode): Promise<boolean> {
    if (!node.parts || this.flags !== FLUX_BUILD) return false;
    // Each part's output is read into its ids as it arrives (together they are the whole tree's output).
    const read = (b: Built) => (b.error === undefined && b.output !== undefined ? resourceIds(b.output) : undefined);
    const built = await Promise.all(node.parts.map((part) => this.run(this.kustomization({ resources: part }), true).then(read)));
    const seen = new Set<string>();
    for (const ids of built) {
      if (!ids) return false;
      for (const id of ids) {
        if (seen.has(id)) return false;
        seen.add(id);
      }
    }
    return true;
  }

  /** Whether the node builds; memoised, so nothing is built twice. */
  attempt(key: string): Promise<boolean> {
    let known = this.outcome.get(key);
    if (!known) {
      const node = this.nodes.get(key)!;
      known = (async () => {
        if (await this.inParts(node)) return true;
        const ok = await this.alone(node);
        if (!ok) await this.settle(node.covers); // find what below it fails, as a build of each would
        return ok;
      })();
      this.outcome.set(key, known);
    }
    return known;
  }

  /** Builds one node of each signature; the others share its pass, or are built themselves when it fails. */
  async settle(keys: readonly string[]): Promise<void> {
    const classes = new Map<string, string[]>();
    for (const k of keys) {
      if (this.outcome.has(k)) continue;
      const sig = this.nodes.get(k)!.signature ?? k;
      classes.set(sig, [...(classes.get(sig) ?? []), k]);
    }
    await Promise.all(
      [...classes.values()].map(async ([first, ...rest]) => {
        const ok = await this.attempt(first!);
        for (const k of rest) if (ok) this.outcome.set(k, Promise.resolve(true));
        if (!ok) await Promise.all(rest.map((k) => this.attempt(k)));
      }),
    );
  }

  async every(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((node) => this.alone(node)));
  }

  cleanup(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** `kubectl kustomize` on every kustomization dir (not Components), plus an overlay per Flux Kustomization with `spec.components`. */
export async function kustomizeBuilds(
  root: string,
  kubectl: string,
  model: KustomizeModel,
  dirs: string[],
  scopes: readonly Scope[],
  { strategy = "roots", partFiles }: { strategy?: BuildStrategy; partFiles?: number } = {},
): Promise<{ problems: Problem[]; built: number; notes: string[] }> {
  const plan = planBuilds(root, model, dirs, scopes, partFiles);
  // A tree Argo CD applies builds as Argo CD does; any other as Flux does.
  const flags = scopes.some((s) => s.engine === "argocd") && !scopes.some((s) => s.engine === "flux") ? [] : FLUX_BUILD;
  const builds = new Builds(root, kubectl, flags, plan.nodes);
  try {
    await (strategy === "every" ? builds.every() : builds.settle(plan.roots));
  } finally {
    builds.cleanup();
  }
  return { problems: builds.problems, built: builds.count, notes: plan.notes };
}
