import { asArray, getPath, isMap, type JsonMap, type Problem, type RenderedDoc } from "../types.js";
import { CILIUM, isKind, problemAt, specsOf, unresolved, type Path } from "./common.js";

/*
 * Rule e: in a namespace where the tree puts pods under CiliumNetworkPolicies, every pod the
 * tree creates there is selected by one (or by a CiliumClusterwideNetworkPolicy). A pod no
 * policy selects is the one a default-deny setup cuts off, or the one nobody thought about:
 * the Barman Cloud plugin was such a pod. Namespaces without any policy are left alone.
 *
 * Pods, with the labels Cilium sees (plus `io.kubernetes.pod.namespace`):
 *   Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob  their pod template's labels
 *   CNPG Cluster   instances: cnpg.io/cluster=<name>, cnpg.io/podRole=instance
 *   CNPG Pooler    cnpg.io/poolerName=<name>, cnpg.io/podRole=pooler
 *   HelmRelease    charts whose pod labels are known (CHART_PODS); other charts are not judged
 * Sources: cloudnative-pg/cloudnative-pg pkg/utils/labels_annotations.go (ClusterLabelName,
 * PodRoleLabelName, PgbouncerNameLabel; v1.30.0); cloudnative-pg/charts charts/{cloudnative-pg,
 * plugin-barman-cloud}/templates/_helpers.tpl (selectorLabels: name and instance).
 */

const NS_LABEL = "io.kubernetes.pod.namespace";

type Labels = Record<string, string>;
interface Workload {
  doc: RenderedDoc;
  at: Path;
  namespace: string;
  labels: Labels;
}

/** Charts whose pods carry app.kubernetes.io/name=<chart (or nameOverride)> and instance=<release>. */
const CHART_PODS = new Set(["cloudnative-pg", "plugin-barman-cloud"]);

const TEMPLATE_LABELS: Record<string, Path> = {
  Deployment: ["spec", "template", "metadata", "labels"],
  StatefulSet: ["spec", "template", "metadata", "labels"],
  DaemonSet: ["spec", "template", "metadata", "labels"],
  ReplicaSet: ["spec", "template", "metadata", "labels"],
  Job: ["spec", "template", "metadata", "labels"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
  Pod: ["metadata", "labels"],
};

function stringLabels(v: unknown): Labels {
  const out: Labels = {};
  if (isMap(v)) for (const [k, val] of Object.entries(v)) if (typeof val === "string" || typeof val === "number" || typeof val === "boolean") out[k] = String(val);
  return out;
}

/** The chart a HelmRelease installs: spec.chart.spec.chart, or the last path segment of its OCIRepository's URL. */
function chartOf(hr: RenderedDoc, rendered: readonly RenderedDoc[]): string | undefined {
  const direct = getPath(hr.obj, ["spec", "chart", "spec", "chart"]);
  if (typeof direct === "string") return direct.split("/").pop();
  const ref = getPath(hr.obj, ["spec", "chartRef"]);
  if (!isMap(ref) || ref.kind !== "OCIRepository") return undefined;
  const ns = typeof ref.namespace === "string" ? ref.namespace : hr.namespace;
  const repo = rendered.find((r) => isKind(r, "source.toolkit.fluxcd.io/", "OCIRepository") && getPath(r.obj, ["metadata", "name"]) === ref.name && r.namespace === ns);
  const url = repo ? getPath(repo.obj, ["spec", "url"]) : undefined;
  return typeof url === "string" ? url.replace(/\/+$/, "").split("/").pop() : undefined;
}

function workloadsOf(rendered: readonly RenderedDoc[]): Workload[] {
  const out: Workload[] = [];
  for (const r of rendered) {
    const name = getPath(r.obj, ["metadata", "name"]);
    if (typeof name !== "string") continue;
    const template = TEMPLATE_LABELS[r.obj.kind];
    if (template && !r.obj.apiVersion.includes(".")) {
      out.push({ doc: r, at: template, namespace: r.namespace, labels: stringLabels(getPath(r.obj, template)) });
    } else if (isKind(r, "postgresql.cnpg.io/", "Cluster")) {
      out.push({ doc: r, at: ["metadata", "name"], namespace: r.namespace, labels: { "cnpg.io/cluster": name, "cnpg.io/podRole": "instance" } });
    } else if (isKind(r, "postgresql.cnpg.io/", "Pooler")) {
      out.push({ doc: r, at: ["metadata", "name"], namespace: r.namespace, labels: { "cnpg.io/poolerName": name, "cnpg.io/podRole": "pooler" } });
    } else if (isKind(r, "helm.toolkit.fluxcd.io/", "HelmRelease")) {
      const chart = chartOf(r, rendered);
      if (!chart || !CHART_PODS.has(chart)) continue;
      const target = getPath(r.obj, ["spec", "targetNamespace"]);
      const release = getPath(r.obj, ["spec", "releaseName"]);
      const override = getPath(r.obj, ["spec", "values", "nameOverride"]);
      // helm-controller's default release name is [targetNamespace-]name.
      const instance = typeof release === "string" ? release : typeof target === "string" ? `${target}-${name}` : name;
      out.push({
        doc: r,
        at: ["metadata", "name"],
        namespace: typeof target === "string" ? target : r.namespace,
        labels: { "app.kubernetes.io/name": typeof override === "string" && override ? override : chart, "app.kubernetes.io/instance": instance },
      });
    }
  }
  return out;
}

/** Cilium label keys may carry a source prefix (`k8s:`, `any:`); pods' labels come from k8s. */
const bare = (key: string) => key.replace(/^(k8s|any):/, "");

function matches(selector: unknown, labels: Labels): boolean {
  if (!isMap(selector)) return false;
  const get = (k: string) => labels[bare(k)];
  const ml = selector.matchLabels;
  if (isMap(ml) && !Object.entries(ml).every(([k, v]) => get(k) === String(v))) return false;
  return asArray(selector.matchExpressions).every((e) => {
    if (!isMap(e) || typeof e.key !== "string") return false;
    const v = get(e.key);
    const values = asArray(e.values).map(String);
    switch (e.operator) {
      case "In":
        return v !== undefined && values.includes(v);
      case "NotIn":
        return v === undefined || !values.includes(v);
      case "Exists":
        return v !== undefined;
      case "DoesNotExist":
        return v === undefined;
      default:
        return false;
    }
  });
}

/** `spec` and every `specs[]` entry's endpointSelector (host policies select nodes, not pods). */
function selectorsOf(obj: JsonMap): JsonMap[] {
  return specsOf(obj).map(({ spec }) => spec.endpointSelector).filter(isMap);
}

export function checkPolicyCoverage(rendered: readonly RenderedDoc[]): Problem[] {
  const namespaced = rendered.filter((r) => isKind(r, CILIUM, "CiliumNetworkPolicy"));
  const clusterwide = rendered.filter((r) => isKind(r, CILIUM, "CiliumClusterwideNetworkPolicy"));
  const governed = new Set(namespaced.map((p) => p.namespace));
  const problems: Problem[] = [];
  for (const w of workloadsOf(rendered)) {
    if (!governed.has(w.namespace)) continue;
    if (Object.values(w.labels).some((v) => v.includes("${")) || unresolved(w.doc, w.at, JSON.stringify(w.labels))) continue;
    const labels = { ...w.labels, [NS_LABEL]: w.namespace };
    const covered =
      namespaced.some((p) => p.namespace === w.namespace && selectorsOf(p.obj).some((s) => matches(s, labels))) ||
      clusterwide.some((p) => selectorsOf(p.obj).some((s) => matches(s, labels)));
    if (!covered) {
      const shown = Object.entries(w.labels).map(([k, v]) => `${k}=${v}`).join(", ");
      problems.push(problemAt(w.doc, w.at, `its pods (${shown || "no labels"}) are selected by no CiliumNetworkPolicy in namespace ${w.namespace}, where other pods have policies`));
    }
  }
  return problems;
}
