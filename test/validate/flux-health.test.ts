import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { newCluster } from "../../src/commands/new-cluster.js";
import { R2, ctxFor, tempRepo } from "../helpers.js";
import { fluxHealth, type FluxStatus, type HealthCheck } from "./flux-health-model.js";

/**
 * Every healthCheckExprs entry the tool writes, judged as kustomize-controller would, against the
 * statuses CNPG v1.30.0 writes (api/v1/cluster_types.go phases, pkg/resources/status/transactions.go
 * SetClusterReadyCondition; api/v1/database_funcs.go and databaserole_funcs.go SetAsReady /
 * SetAsFailed / SetAsUnknown). A missing status must never be Current, nor a stale one; only final
 * Cluster phases are Failed.
 */

/** The checks as rendered into the cluster's Flux Kustomization (chart 0.29: DatabaseRole CRs). */
async function emittedChecks(): Promise<Map<string, HealthCheck>> {
  const dir = tempRepo();
  await newCluster(ctxFor(dir), { backupEndpoint: R2 });
  const text = readFileSync(join(dir, "kubernetes/apps/databases/cloudnative-pg/ks.yaml"), "utf8");
  const ks = parseAllDocuments(text)
    .map((d) => d.toJS())
    .find((o) => o.metadata.name === "cloudnative-pg-cluster");
  return new Map(ks.spec.healthCheckExprs.map((c: HealthCheck & { kind: string }) => [c.kind, c]));
}

const at = (generation: number, status?: Record<string, unknown>) => ({
  apiVersion: "postgresql.cnpg.io/v1",
  metadata: { name: "x", namespace: "databases", generation },
  spec: {},
  ...(status ? { status } : {}),
});

// CNPG sets Ready from the phase and writes no observedGeneration on it (nor on the status).
const ready = (status: "True" | "False", extra: Record<string, unknown> = {}) => ({ type: "Ready", status, reason: "x", message: "x", ...extra });
const phase = (p: string, readyStatus: "True" | "False" = "False") => ({ phase: p, conditions: [ready(readyStatus)] });

type Row = [kind: string, name: string, obj: Record<string, unknown>, want: FluxStatus];

const FINAL_PHASES = [
  "Invalid cluster definition",
  "Cluster is unrecoverable and needs manual intervention",
  "Cluster cannot execute instance online upgrade due to missing architecture binary",
];
// CNPG retries these (or they wait on the user or on a plugin coming up): never Failed.
const RETRIED_PHASES = [
  "Setting up primary",
  "Creating a new replica",
  "Upgrading cluster",
  "Waiting for user action",
  "Cluster cannot proceed to reconciliation due to an unknown plugin being required",
  "Cluster cannot proceed to reconciliation due to an error while interacting with plugins",
  "Unable to create required cluster objects",
  "Cluster has incomplete or invalid image catalog",
];

const rows: Row[] = [
  ["Cluster", "no status yet", at(1), "Unknown"],
  ["Cluster", "status without conditions or phase", at(1, {}), "InProgress"],
  ["Cluster", "healthy, as CNPG 1.30 writes it", at(3, phase("Cluster in healthy state", "True")), "Current"],
  ["Cluster", "healthy, condition observed this generation", at(3, { phase: "Cluster in healthy state", conditions: [ready("True", { observedGeneration: 3 })] }), "Current"],
  ["Cluster", "Ready from an older generation", at(3, { phase: "Cluster in healthy state", conditions: [ready("True", { observedGeneration: 2 })] }), "InProgress"],
  ["Cluster", "Ready False", at(1, phase("Cluster in healthy state")), "InProgress"],
  ["Cluster", "another condition True, no Ready", at(1, { conditions: [{ type: "ContinuousArchiving", status: "True" }] }), "InProgress"],
  ...FINAL_PHASES.map((p): Row => ["Cluster", `final phase: ${p}`, at(1, phase(p)), "Failed"]),
  ...RETRIED_PHASES.map((p): Row => ["Cluster", `retried phase: ${p}`, at(1, phase(p)), "InProgress"]),
  ...["Database", "DatabaseRole"].flatMap((kind): Row[] => [
    [kind, "no status yet", at(1), "Unknown"],
    [kind, "status without applied", at(1, {}), "InProgress"],
    [kind, "applied this generation", at(2, { applied: true, observedGeneration: 2 }), "Current"],
    [kind, "applied at an older generation", at(2, { applied: true, observedGeneration: 1 }), "InProgress"],
    // SetAsFailed keeps the last observedGeneration: a failure is retried, not final.
    [kind, "failed (retried)", at(1, { applied: false, message: "role does not exist" }), "InProgress"],
    [kind, "unknown (replica cluster)", at(1, { message: "cluster is a replica" }), "InProgress"],
  ]),
];

describe("Flux health checks for CNPG objects", async () => {
  const checks = await emittedChecks();

  it("cover exactly the kinds the table judges", () => {
    expect([...checks.keys()].sort()).toEqual([...new Set(rows.map((r) => r[0]))].sort());
  });

  it.each(rows)("%s: %s", (kind, _name, obj, want) => {
    const check = checks.get(kind);
    expect(check, `no healthCheckExprs entry for ${kind}`).toBeDefined();
    expect(fluxHealth(check!, { kind, ...obj })).toBe(want);
  });
});

describe("the Flux health model", () => {
  it("fails on a missing top-level field even inside has(), as cel-go does", () => {
    expect(fluxHealth({ current: "has(status.conditions)" }, at(1))).toBe("Unknown");
    expect(fluxHealth({ current: "has(status.conditions)" }, at(1, {}))).toBe("InProgress");
    expect(fluxHealth({ current: "true" }, at(2, { observedGeneration: 1 }))).toBe("InProgress");
    expect(fluxHealth({ current: "true", failed: "status.x" }, at(1, {}))).toBe("Unknown");
    expect(fluxHealth({ current: "true", failed: "false", inProgress: "false" }, at(1))).toBe("Current");
  });
});
