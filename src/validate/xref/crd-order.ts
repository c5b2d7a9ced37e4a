import { isMap, metaName, str, type Problem, type RenderedDoc } from "../types.js";
import { problemAt } from "./common.js";

/**
 * API groups whose CRDs a chart installs as templates (so only once helm-controller has installed
 * the release): cloudnative-pg charts/cloudnative-pg/templates/crds/crds.yaml,
 * charts/plugin-barman-cloud (the ObjectStore CRD).
 */
const CHART_CRD_GROUPS: Record<string, readonly string[]> = {
  "cloudnative-pg": ["postgresql.cnpg.io"],
  "plugin-barman-cloud": ["barmancloud.cnpg.io"],
};

/** A HelmRelease's chart: `chart.spec.chart`, or the OCIRepository `chartRef` (named after its chart by this tool). */
function chartOf(r: RenderedDoc): string | undefined {
  const spec = r.obj.spec;
  if (!isMap(spec)) return undefined;
  const chart = isMap(spec.chart) && isMap(spec.chart.spec) ? str(spec.chart.spec.chart) : undefined;
  return chart ?? (isMap(spec.chartRef) ? str(spec.chartRef.name) : undefined);
}

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/**
 * A custom resource applied by the same Flux Kustomization as the HelmRelease that installs its CRD:
 * kustomize-controller dry-runs every object of a stage before applying any (fluxcd/pkg
 * ssa/manager_apply.go ApplyAll), and a HelmRelease is not a CRD, so on a fresh cluster the
 * resource's dry-run fails and the HelmRelease is never applied either.
 */
export function checkCrdOrder(rendered: readonly RenderedDoc[]): Problem[] {
  const releases = new Map<string, { name: string; groups: readonly string[] }[]>();
  for (const r of rendered) {
    if (!r.flux || r.obj.kind !== "HelmRelease" || !r.obj.apiVersion.startsWith("helm.toolkit.fluxcd.io/")) continue;
    const groups = CHART_CRD_GROUPS[chartOf(r) ?? ""];
    if (groups) releases.set(r.flux, [...(releases.get(r.flux) ?? []), { name: metaName(r.obj), groups }]);
  }
  const problems: Problem[] = [];
  for (const r of rendered) {
    const release = r.flux ? releases.get(r.flux)?.find((x) => x.groups.includes(groupOf(r.obj.apiVersion))) : undefined;
    if (release)
      problems.push(
        problemAt(r, ["apiVersion"], `applied by Kustomization ${r.flux} with HelmRelease ${release.name}, which installs its CRD: Flux dry-runs the whole apply first, so on a fresh cluster neither is applied; apply the two from Kustomizations of their own, this one's dependsOn the HelmRelease's`),
      );
  }
  return problems;
}
