import { describe, expect, it } from "vitest";
import { referencedVariables, substitute } from "../../src/validate/substitute.js";
import { validateFixture } from "./helpers.js";

describe("Flux post-build substitution", () => {
  it("substitutes ${VAR}, defaults and escapes like Flux", () => {
    const values = new Map([["APP", "demo"], ["EMPTY", ""]]);
    const r = substitute("a: ${APP}\nb: ${PG:=18}\nc: ${EMPTY:-x1}\nd: $${HOME}\ne: ${NOPE}\nf: ${EXT}", values, new Set(["EXT"]));
    expect(r.text).toBe("a: demo\nb: 18\nc: x1\nd: ${HOME}\ne: x\nf: x");
    expect(r.missing).toEqual(["NOPE"]);
    expect(r.placeholders).toEqual(["EXT"]);
    expect(referencedVariables("${A} $${B} ${C:=1}")).toEqual(["A", "C"]);
  });

  it("validates typed fields after substitution; unknown external values do not raise false alarms", async () => {
    const r = await validateFixture("substitution-pass", { externalVariables: ["STORAGE_CLASS", "MAX_SYNC_REPLICAS"] });
    expect(r.lines).toEqual([]);
  });

  it("reports unprovided variables (rule e) and errors caused by known values", async () => {
    const r = await validateFixture("substitution-fail", { externalVariables: ["STORAGE_CLASS", "MAX_SYNC_REPLICAS"] });
    expect(r.lines).toEqual([
      "app/cluster.yaml:7: Cluster/demo-db: variable ${APPLICATION} is not provided (Flux 2.9 substitution is strict) in Kustomization flux-system/demo",
      "app/cluster.yaml:8: Cluster/demo-db: spec.instances: must be integer (got string)",
      "app/cluster.yaml:13: Cluster/demo-db: variable ${MAX_SYNC_REPLICA} is not provided (Flux 2.9 substitution is strict) in Kustomization flux-system/demo",
    ]);
  });

  it("takes external variable lists by source; a source with no list could provide any name", async () => {
    const bySource = await validateFixture("substitution-fail", { externalVariables: { "ConfigMap/cluster-vars": ["STORAGE_CLASS", "MAX_SYNC_REPLICAS"] } });
    expect(bySource.lines).toHaveLength(3);
    expect(bySource.lines[0]).toContain("variable ${APPLICATION} is not provided");
    const otherSource = await validateFixture("substitution-fail", { externalVariables: { "Secret/cluster-secrets": ["SECRET_DOMAIN"] } });
    expect(otherSource.lines).toEqual(["app/cluster.yaml:8: Cluster/demo-db: spec.instances: must be integer (got string)"]);
    expect(otherSource.notes).toContain(
      "Kustomization flux-system/demo: variables from ConfigMap/cluster-vars are unknown; unprovided variables are not reported",
    );
  });

  it("without the external variable list, cannot judge variables from external sources and says so", async () => {
    const r = await validateFixture("substitution-fail");
    expect(r.lines).toEqual(["app/cluster.yaml:8: Cluster/demo-db: spec.instances: must be integer (got string)"]);
    expect(r.notes).toContain(
      "Kustomization flux-system/demo: variables from ConfigMap/cluster-vars are unknown; unprovided variables are not reported",
    );
  });
});
