import { asArray, getPath, isMap, type JsonMap, type Problem, type RenderedDoc } from "../types.js";
import { CILIUM, isKind, problemAt, specsOf, unresolved, type Path } from "./common.js";

/*
 * Rule d: an app-side CiliumNetworkPolicy egress rule to CNPG pods (toEndpoints whose
 * matchLabels name `cnpg.io/cluster` and, optionally, the pod namespace) needs a
 * database-side CiliumNetworkPolicy in that namespace that
 *   - selects that cluster's pods (endpointSelector matchLabels `cnpg.io/cluster: <name>`,
 *     or an empty endpointSelector = every pod of the namespace), and
 *   - has an ingress rule admitting the app's namespace: a fromEndpoints entry whose
 *     namespace label (matchLabels, or matchExpressions `In`) is the app namespace, an entry
 *     without namespace label when both sides share a namespace, or fromEntities
 *     `cluster`/`all`.
 * Ports are not compared, and CiliumClusterwideNetworkPolicies are not considered.
 */

const NS_KEYS = ["k8s:io.kubernetes.pod.namespace", "io.kubernetes.pod.namespace"];
const CLUSTER_KEYS = ["cnpg.io/cluster", "k8s:cnpg.io/cluster"];

function firstLabel(labels: unknown, keys: string[]): string | undefined {
  if (!isMap(labels)) return undefined;
  for (const k of keys) if (typeof labels[k] === "string") return labels[k];
  return undefined;
}

function namespacesOf(selector: unknown): string[] | undefined {
  const byLabel = firstLabel(getPath(selector, ["matchLabels"]), NS_KEYS);
  if (byLabel) return [byLabel];
  for (const e of asArray(getPath(selector, ["matchExpressions"]))) {
    if (isMap(e) && NS_KEYS.includes(String(e.key)) && e.operator === "In") return asArray(e.values).map(String);
  }
  return undefined; // no namespace constraint: the policy's own namespace
}

function admits(spec: JsonMap, dbNamespace: string, appNamespace: string): boolean {
  return asArray(spec.ingress).some((rule) => {
    if (!isMap(rule)) return false;
    if (asArray(rule.fromEntities).some((e) => e === "cluster" || e === "all")) return true;
    return asArray(rule.fromEndpoints).some((sel) => {
      const ns = namespacesOf(sel);
      return ns ? ns.includes(appNamespace) : dbNamespace === appNamespace;
    });
  });
}

function selectsCluster(spec: JsonMap, cluster: string): boolean {
  const sel = spec.endpointSelector;
  if (!isMap(sel)) return false;
  const labels = sel.matchLabels;
  const hasLabels = isMap(labels) && Object.keys(labels).length > 0;
  if (!hasLabels && asArray(sel.matchExpressions).length === 0) return true;
  return firstLabel(labels, CLUSTER_KEYS) === cluster;
}

export function checkNetworkPolicies(rendered: readonly RenderedDoc[]): Problem[] {
  const policies = rendered.filter((r) => isKind(r, CILIUM, "CiliumNetworkPolicy"));
  const problems: Problem[] = [];
  for (const app of policies) {
    for (const { spec, path } of specsOf(app.obj)) {
      asArray(spec.egress).forEach((rule, ri) => {
        asArray(getPath(rule, ["toEndpoints"])).forEach((sel, si) => {
          const at: Path = [...path, "egress", ri, "toEndpoints", si, "matchLabels"];
          const cluster = firstLabel(getPath(sel, ["matchLabels"]), CLUSTER_KEYS);
          if (!cluster || unresolved(app, at, JSON.stringify(getPath(sel, ["matchLabels"])))) return;
          const dbNamespace = firstLabel(getPath(sel, ["matchLabels"]), NS_KEYS) ?? app.namespace;
          const ok = policies.some(
            (db) => db.namespace === dbNamespace && specsOf(db.obj).some((d) => selectsCluster(d.spec, cluster) && admits(d.spec, dbNamespace, app.namespace)),
          );
          if (!ok) {
            problems.push(
              problemAt(app, at, `egress to CNPG cluster ${cluster} in namespace ${dbNamespace} has no database-side CiliumNetworkPolicy admitting namespace ${app.namespace}`),
            );
          }
        });
      });
    }
  }
  return problems;
}

