import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compilePattern } from "../../src/validate/ajv-setup.js";
import { SchemaLocator, candidatePaths, defaultSchemaDir, parseApiVersion, readSchemaFile } from "../../src/validate/schema-store.js";

describe("schema lookup", () => {
  it("uses the shipped schemas by default, core names for built-in kinds, and .json.gz transparently", () => {
    const dir = defaultSchemaDir();
    expect(existsSync(path.join(dir, "SOURCES.md"))).toBe(true);
    const locator = new SchemaLocator(undefined, "/");
    expect(locator.find("v1", "Secret")).toBe(path.join(dir, "core/secret.json"));
    expect(locator.find("batch/v1", "CronJob")).toBe(path.join(dir, "core/cronjob-batch-v1.json.gz"));
    expect(locator.find("networking.k8s.io/v1", "NetworkPolicy")).toBe(path.join(dir, "core/networkpolicy-networking-v1.json"));
    expect(locator.find("postgresql.cnpg.io/v1", "Cluster")).toBe(path.join(dir, "postgresql.cnpg.io/cluster_v1.json.gz"));
    expect(locator.find("apps/v1", "Deployment")).toBeUndefined();
    const cluster = readSchemaFile(path.join(dir, "postgresql.cnpg.io/cluster_v1.json.gz")) as { properties: object };
    expect(Object.keys(cluster.properties)).toContain("spec");
  });

  it("expands kubeconform-style templates", () => {
    const gvk = parseApiVersion("postgresql.cnpg.io/v1", "ScheduledBackup");
    expect(candidatePaths("/s/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json", gvk)).toEqual([
      "/s/postgresql.cnpg.io/scheduledbackup_v1.json",
      "/s/postgresql.cnpg.io/scheduledbackup_v1.json.gz",
    ]);
  });

  it("translates RE2-only regex syntax or skips just that pattern", () => {
    expect(compilePattern("^\\PC*$").re.test("ok")).toBe(true);
    expect(compilePattern("^\\PC*$").re.test("bell\u0007")).toBe(false);
    const ci = compilePattern("^(?i)(abort|warn)?$");
    expect(ci.re.test("ABORT")).toBe(true);
    expect(ci.note).toBeUndefined();
    const skipped = compilePattern("^(?P<x>a)\\z$");
    expect(skipped.re.test("anything")).toBe(true);
    expect(skipped.note).toContain("not checked");
  });
});
