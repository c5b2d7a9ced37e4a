import { describe, expect, it } from "vitest";
import { validateFixture } from "./helpers.js";

describe("schema validation", () => {
  it("names the field path, the line of the field, unknown kinds and pattern errors", async () => {
    const r = await validateFixture("schema-fail");
    expect(r.lines).toEqual([
      "cluster.yaml:8: Cluster/postgres: spec.instances: must be integer (got string)",
      "cluster.yaml:9: Cluster/postgres: spec.bogusField: unknown field (not in the schema)",
      'cluster.yaml:19: Database/app: spec: missing required field "cluster"',
      'cluster.yaml:21: Database/app: spec.ensure: "gone" is not one of "present", "absent"',
      "deployment.yaml:1: Widget/unknown-kind: no schema for example.com/v1/Widget",
      'networkpolicy.yaml:9: CiliumNetworkPolicy/logged: spec.log.value: must match pattern "^\\PC*$"',
      "secret.yaml:6: Secret/creds: metadata.colour: unknown field (not in the schema)",
    ]);
  });

  it("translates Cilium's \\PC pattern instead of crashing, and says so", async () => {
    const r = await validateFixture("network-policy-pass");
    expect(r.problems).toEqual([]);
    expect(r.notes.some((n) => n.includes('"^\\\\PC*$" translated to /^\\P{C}*$/u'))).toBe(true);
  });

  it("reports remote schema locations once and finds nothing there", async () => {
    const r = await validateFixture("cel-pass", { schemaLocations: ["https://example.com/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"] });
    expect(r.notes).toContain("remote schema locations are not supported offline");
    expect(r.lines[0]).toMatch(/no schema for postgresql.cnpg.io\/v1\/DatabaseRole$/);
  });
});
