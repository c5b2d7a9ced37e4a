import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import type { Scope } from "./scope.js";
import type { KustomizeModel } from "./kustomize-model.js";
import { lineOf } from "./parse.js";
import { asArray, getPath, str, type Problem } from "./types.js";

const run = promisify(execFile);
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

/** Returns the first line of stderr on failure. */
async function build(kubectl: string, dir: string, flags: string[]): Promise<string | undefined> {
  try {
    await run(kubectl, ["kustomize", ...flags, dir], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return undefined;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const line = (e.stderr ?? "").split("\n").find((l) => l.trim()) ?? e.message.split("\n")[0] ?? "failed";
    // kubectl logs through klog: `E1126 09:24:26.2 123 run.go:72] "command failed" err="..."`.
    const klog = /^[EWIF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] "command failed" err="(.*)"$/.exec(line.trim());
    return klog?.[1] ? klog[1].replace(/\\"/g, '"').replace(/\\\\/g, "\\") : line.trim();
  }
}

async function pool<T>(items: T[], worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await worker(item);
    }
  });
  await Promise.all(lanes);
}

interface Job {
  dir: string; // absolute dir to build
  problem: Omit<Problem, "message">;
  cleanup?: string;
  strip: string[]; // path prefixes to drop from messages (the tree root as kustomize names it)
}

/**
 * `kubectl kustomize` on every kustomization dir (not Components), plus an overlay per Flux
 * Kustomization with `spec.components`, so that components resolve as Flux would.
 */
export async function kustomizeBuilds(
  root: string,
  kubectl: string,
  model: KustomizeModel,
  dirs: string[],
  scopes: readonly Scope[],
): Promise<{ problems: Problem[]; built: number; notes: string[] }> {
  const jobs: Job[] = [];
  const notes: string[] = [];
  for (const dir of dirs) {
    const k = model.get(dir);
    if (!k || k.kind === "Component") continue;
    if (k.helmCharts) {
      notes.push(`${k.file}: uses helmCharts (needs helm): kubectl kustomize skipped`);
      continue;
    }
    jobs.push({ dir: path.join(root, dir), strip: [`${root}/`], problem: { path: k.file, line: 1, kind: "Kustomization", name: path.posix.basename(dir) || "." } });
  }
  // Flux components are the one build a scope adds; other engines' directories are built above.
  for (const scope of scopes.filter((s) => s.engine === "flux" && !s.upstream)) {
    const components = asArray(getPath(scope.raw.obj, ["spec", "components"])).map(str).filter((c): c is string => !!c);
    if (components.length === 0) continue;
    const specDir = path.join(root, str(getPath(scope.raw.obj, ["spec", "path"])) ?? ".");
    if (!model.get(path.relative(root, specDir).split(path.sep).join("/"))) {
      notes.push(`Kustomization ${scope.id}: spec.path has no kustomization.yaml; components not built with kubectl`);
      continue;
    }
    // Synchronous setup: the first builds spawn before the caller goes on with CPU-bound work.
    const tmp = mkdtempSync(path.join(os.tmpdir(), "cnpg-validate-"));
    // kustomize rejects absolute roots: reference the tree relative to the temp dir.
    const rel = (p: string) => path.relative(tmp, p).split(path.sep).join("/");
    const overlay = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [rel(specDir)],
      components: components.map((c) => rel(path.resolve(specDir, c))),
    };
    writeFileSync(path.join(tmp, "kustomization.yaml"), stringify(overlay));
    jobs.push({
      dir: tmp,
      cleanup: tmp,
      strip: [`${root}/`, `${rel(root)}/`],
      problem: { path: scope.raw.file, line: lineOf(scope.raw, ["spec", "components"]), kind: "Kustomization", name: scope.name },
    });
  }
  const problems: Problem[] = [];
  // A tree Argo CD applies builds as Argo CD does; any other as Flux does.
  const flags = scopes.some((s) => s.engine === "argocd") && !scopes.some((s) => s.engine === "flux") ? [] : FLUX_BUILD;
  await pool(jobs, async (job) => {
    const error = await build(kubectl, job.dir, flags);
    if (job.cleanup) await rm(job.cleanup, { recursive: true, force: true });
    if (!error) return;
    // Paths relative to the root read better (and keep test output stable).
    const message = job.strip.reduce((m, prefix) => m.split(prefix).join(""), error).split(job.cleanup ?? "\0").join("<overlay>");
    problems.push({ ...job.problem, message: `kubectl kustomize failed: ${message}` });
  });
  return { problems, built: jobs.length, notes };
}
