import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { KustomizeModel } from "./kustomize-model.js";
import { parseText } from "./parse.js";
import type { Scope } from "./scope.js";
import { getPath, metaName, str, type JsonMap, type Problem, type RawDoc } from "./types.js";

/**
 * Argo CD Applications as scopes. An Application applies `spec.source.path` of its repository
 * (this tree is taken to be that repository): a Helm chart when the directory holds Chart.yaml,
 * a kustomization when it holds one, else the directory's YAML files. Its destination namespace
 * fills in the namespace of objects that name none (Argo CD never overrides one that is set).
 *
 * A chart is rendered by the program `validate` is given (the CLI reads CNPG_HELM_RENDER; the tests
 * build test/e2e/helm-render: Helm's engine over the chart's own templates; dependencies are not
 * vendored, so not rendered); without one the chart's objects are not checked and a note says so.
 */
export const HELM_RENDER_ENV = "CNPG_HELM_RENDER";

export function isArgoApplication(obj: JsonMap): boolean {
  return obj.apiVersion === "argoproj.io/v1alpha1" && obj.kind === "Application";
}

const normDir = (p: string) => path.posix.normalize(p.replace(/^\.?\/?/, "")).replace(/^\.$/, "").replace(/\/$/, "");

interface AppSource {
  raw: RawDoc;
  name: string;
  dir: string;
  destination?: string;
  release: string;
}

function sourceOf(raw: RawDoc): AppSource | undefined {
  const spath = str(getPath(raw.obj, ["spec", "source", "path"]));
  if (spath === undefined) return undefined;
  const name = metaName(raw.obj);
  return {
    raw,
    name,
    dir: normDir(spath),
    destination: str(getPath(raw.obj, ["spec", "destination", "namespace"])),
    release: str(getPath(raw.obj, ["spec", "source", "helm", "releaseName"])) ?? name,
  };
}

const isChart = (root: string, dir: string) => existsSync(path.join(root, dir, "Chart.yaml"));

/**
 * The documents of every chart an Application syncs, as its templates render them, each filed
 * under its template's path. Problems: a template that fails to render.
 */
export function renderArgoCharts(root: string, docs: readonly RawDoc[], renderer: string | undefined, notes: Set<string>): { docs: RawDoc[]; problems: Problem[]; rendered: Set<string> } {
  const out: RawDoc[] = [];
  const problems: Problem[] = [];
  const rendered = new Set<string>();
  for (const app of docs.filter((d) => isArgoApplication(d.obj)).map(sourceOf)) {
    if (!app || !isChart(root, app.dir) || rendered.has(app.dir)) continue;
    if (!renderer) {
      notes.add(`${app.dir}: Helm chart of Application ${app.name} not rendered (set ${HELM_RENDER_ENV} to a helm-render binary): its objects are not checked`);
      continue;
    }
    const r = spawnSync(renderer, [path.join(root, app.dir), "--name", app.release, "--namespace", app.destination ?? "default"], { encoding: "utf8" });
    if (r.status !== 0) {
      problems.push({ path: app.raw.file, line: app.raw.line, kind: "Application", name: app.name, message: `chart ${app.dir} does not render: ${(r.stderr || r.error?.message || "").trim()}` });
      continue;
    }
    rendered.add(app.dir);
    notes.add(`${app.dir}: rendered the chart's own templates (its dependencies are not vendored: not rendered)`);
    // helm template's framing: `---\n# Source: <chart>/templates/<file>\n<document>`
    for (const part of r.stdout.split(/^---\n/m).filter(Boolean)) {
      const m = /^# Source: [^/]+\/(.+)\n/.exec(part);
      if (!m) continue;
      const parsed = parseText(`${app.dir}/${m[1]}`, part.slice(m[0].length));
      problems.push(...parsed.problems);
      // Documents of one template file keep their order, as if the file held them all.
      for (const d of parsed.docs) out.push({ ...d, index: out.filter((x) => x.file === d.file).length });
    }
  }
  return { docs: out, problems, rendered };
}

/** Files an Application's source directory applies: the chart's rendered templates, a kustomization's resources, or its YAML files. */
function reachedFiles(root: string, dir: string, docs: readonly RawDoc[], kustomize: KustomizeModel) {
  if (isChart(root, dir)) return [...new Set(docs.filter((d) => d.file.startsWith(`${dir}/templates/`)).map((d) => d.file))].map((file) => ({ file }));
  if (kustomize.get(dir)) return kustomize.reach(dir);
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ file: dir ? `${dir}/${f}` : f }));
}

export function buildArgoScopes(root: string, docs: readonly RawDoc[], kustomize: KustomizeModel): Scope[] {
  const scopes: Scope[] = [];
  for (const raw of docs) {
    if (!isArgoApplication(raw.obj)) continue;
    const app = sourceOf(raw);
    if (!app) continue;
    const namespace = str(getPath(raw.obj, ["metadata", "namespace"])) ?? "argocd";
    scopes.push({
      engine: "argocd",
      raw,
      kind: "Application",
      id: `${namespace}/${app.name}`,
      namespace,
      name: app.name,
      dir: app.dir,
      dirField: ["spec", "source", "path"],
      targetNamespace: app.destination,
      namespaceMode: "default",
      hasPostBuild: false,
      values: new Map(),
      externalSources: [],
      reached: reachedFiles(root, app.dir, docs, kustomize),
    });
  }
  return scopes;
}

