import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultSchemaDir, readSchemaFile, unknownTemplateVariables } from "../../src/validate/schema-store.js";
import { validateFixture } from "./helpers.js";

describe("schema validation", () => {
  it("names the field path, the line of the field, unknown kinds and pattern errors", async () => {
    const r = await validateFixture("schema-fail");
    expect(r.lines).toEqual([
      "cluster.yaml:8: Cluster/postgres: spec.instances: must be integer (got string)",
      "cluster.yaml:9: Cluster/postgres: spec.bogusField: unknown field (not in the schema)",
      'cluster.yaml:19: Database/app: spec: missing required field "cluster"',
      'cluster.yaml:21: Database/app: spec.ensure: "gone" is not one of "present", "absent"',
      "deployment.yaml:1: Widget/unknown-kind: no schema for example.com/v1/Widget (add a location with --schema-location, or pass --ignore-missing-schemas)",
      'networkpolicy.yaml:9: CiliumNetworkPolicy/logged: spec.log.value: must match pattern "^\\PC*$"',
      "secret.yaml:6: Secret/creds: metadata.colour: unknown field (not in the schema)",
    ]);
  });

  it("translates Cilium's \\PC pattern instead of crashing, without a note about schema internals", async () => {
    const r = await validateFixture("network-policy-pass");
    expect(r.problems).toEqual([]);
    expect(r.notes.filter((n) => n.includes("pattern"))).toEqual([]);
  });

  it("fetches schemas from URL templates (kubeconform style), in order, and notes a location it cannot reach", async () => {
    const requests: string[] = [];
    // Serves the shipped schemas over HTTP, as a CRDs-catalog mirror would (plain JSON).
    const server = createServer((req, res) => {
      requests.push(req.url ?? "");
      if (req.url?.startsWith("/busy/")) return res.writeHead(503).end();
      const file = path.join(defaultSchemaDir(), decodeURIComponent(req.url ?? "").replace(/^\/base\//, "/"));
      const found = [file, `${file}.gz`].find((f) => existsSync(f));
      if (!found) return res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(readSchemaFile(found)));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    // A port nothing listens on: bind one, then let it go.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/unreachable`;
    await new Promise((resolve) => closed.close(resolve));
    try {
      const template = `http://127.0.0.1:${port}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;
      const r = await validateFixture("schema-fail", { schemaLocations: [dead, template] });
      expect(r.lines).toContain("cluster.yaml:8: Cluster/postgres: spec.instances: must be integer (got string)");
      expect(r.lines).toContain("cluster.yaml:9: Cluster/postgres: spec.bogusField: unknown field (not in the schema)");
      // Built-in kinds are not in the CRDs-catalog layout: without `default` they have no schema.
      expect(r.lines).toContain("secret.yaml:1: Secret/creds: no schema for v1/Secret (add a location with --schema-location, or pass --ignore-missing-schemas)");
      expect(r.notes.filter((n) => n.startsWith(`schema location ${dead}: ECONNREFUSED for ${dead}/`))).toHaveLength(1);
      expect(requests).toContain("/postgresql.cnpg.io/cluster_v1.json");
      expect(requests.filter((u) => u === "/postgresql.cnpg.io/cluster_v1.json")).toHaveLength(1);

      const both = await validateFixture("schema-fail", { schemaLocations: [template, "default"] });
      expect(both.lines).toContain("secret.yaml:6: Secret/creds: metadata.colour: unknown field (not in the schema)");

      // A base URL is the CRDs-catalog layout: built-in kinds are not asked for there. An HTTP error
      // is noted per URL and does not take the location out of use.
      requests.length = 0;
      const busy = `http://127.0.0.1:${port}/busy`;
      const base = await validateFixture("schema-fail", { schemaLocations: [busy, `http://127.0.0.1:${port}/base/`, "default"] });
      expect(base.lines).toContain("cluster.yaml:8: Cluster/postgres: spec.instances: must be integer (got string)");
      expect(requests.filter((u) => u.startsWith("/base/")).sort()).toEqual([
        "/base/cilium.io/ciliumnetworkpolicy_v2.json",
        "/base/example.com/widget_v1.json",
        "/base/postgresql.cnpg.io/cluster_v1.json",
        "/base/postgresql.cnpg.io/database_v1.json",
      ]);
      expect(base.notes.filter((n) => n.startsWith(`schema location ${busy}: HTTP 503`))).toHaveLength(4);
    } finally {
      server.close();
    }
  });

  it("with ignoreMissingSchemas, a kind with no schema is a note (kubeconform's -ignore-missing-schemas)", async () => {
    const r = await validateFixture("schema-fail", { ignoreMissingSchemas: true });
    expect(r.lines.some((l) => l.includes("no schema"))).toBe(false);
    expect(r.notes).toContain("no schema for example.com/v1/Widget: not checked (--ignore-missing-schemas)");
    expect(r.lines).toContain("cluster.yaml:8: Cluster/postgres: spec.instances: must be integer (got string)");
  });

  it("knows kubeconform's template variables and rejects others", () => {
    expect(unknownTemplateVariables("https://h/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json")).toEqual([]);
    expect(unknownTemplateVariables("https://h/{{.Group}}/{{.Kind}}.json")).toEqual(["Kind"]);
  });
});
