import { describe, expect, it } from "vitest";
import { hasKubectl, validateFixture } from "./helpers.js";

// A seed-001 style tree: operator, shared cluster, one app through the cnpg component.
const opts = {
  externalVariables: ["CLUSTER_NAME", "R2_ACCOUNT_ID"],
  externalKustomizations: ["flux-system/external-secrets-stores"],
};

describe("shared-cluster tree", () => {
  it("has no problems", async () => {
    const r = await validateFixture("shared-cluster", opts);
    expect(r.lines).toEqual([]);
    expect(r.checkedDocuments).toBe(22);
  });

  it.skipIf(!hasKubectl)("builds with kubectl too", async () => {
    const r = await validateFixture("shared-cluster", { ...opts, kubectl: "auto" });
    expect(r.lines).toEqual([]);
  });

  it("reports variables that cluster-vars does not provide", async () => {
    const r = await validateFixture("shared-cluster", { ...opts, externalVariables: ["CLUSTER_NAME"] });
    expect(r.lines).toEqual([
      "kubernetes/apps/databases/cloudnative-pg/cluster/cluster.yaml:27: Cluster/postgres: variable ${R2_ACCOUNT_ID} is not provided (Flux 2.9 substitution is strict) in Kustomization flux-system/cloudnative-pg-cluster",
    ]);
  });

  it("limits reported problems to `paths`", async () => {
    const r = await validateFixture("shared-cluster", { ...opts, externalVariables: ["CLUSTER_NAME"], paths: ["kubernetes/components"] });
    expect(r.lines).toEqual([]);
    expect(r.checkedDocuments).toBe(3);
  });
});
