import { describe, expect, it } from "vitest";
import { CelNotes, checkCel } from "../../src/validate/cel.js";
import { validateFixture } from "./helpers.js";

describe("CEL x-kubernetes-validations", () => {
  it("rejects reserved DatabaseRole names, ensure: absent, and Flux either/or rules", async () => {
    const r = await validateFixture("cel-fail");
    expect(r.lines).toEqual([
      "databaseroles.yaml:8: DatabaseRole/postgres-role: spec: the role name postgres is reserved",
      "databaseroles.yaml:18: DatabaseRole/pg-monitor: spec: role names starting with pg_ are reserved by PostgreSQL",
      "databaseroles.yaml:28: DatabaseRole/cnpg-thing: spec: role names starting with cnpg_ are reserved by the operator",
      "databaseroles.yaml:38: DatabaseRole/old-app: spec: ensure: absent is not supported for DatabaseRole; delete the resource with databaseRoleReclaimPolicy: delete instead",
      "flux.yaml:8: HelmRelease/both-sources: spec: either chart or chartRef must be set",
      "flux.yaml:32: Kustomization/remote: spec.kubeConfig: exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified",
    ]);
  });

  it("accepts valid objects", async () => {
    expect((await validateFixture("cel-pass")).lines).toEqual([]);
  });

  it("skips oldSelf rules, notes rules it cannot compile or evaluate, and uses fieldPath/messageExpression", () => {
    const notes = new CelNotes();
    const schema = {
      type: "object",
      "x-kubernetes-validations": [
        { rule: "self == oldSelf", message: "immutable" },
        { rule: "self.(", message: "broken" },
        { rule: "self.missing == 1", message: "no such key" },
        { rule: "!has(self.serverName)", fieldPath: ".serverName", message: "use the plugin parameter" },
        { rule: "self.items.all(i, i.startsWith('a'))", messageExpression: "'bad items: ' + string(size(self.items))" },
      ],
    };
    const failures = checkCel(schema, { serverName: "x", items: ["a1", "b2"] }, notes);
    expect(failures).toEqual([
      { path: ["serverName"], message: "use the plugin parameter" },
      { path: [], message: "bad items: 2" },
    ]);
    expect([...notes.notes].map((n) => n.replace(/\(.*\): /, "(…): "))).toEqual([
      "CEL rule skipped (…): self.(",
      "CEL rule skipped (…): self.missing == 1",
    ]);
  });

  it("applies schema defaults before evaluating, as the API server does", () => {
    const schema = {
      type: "object",
      properties: { ensure: { type: "string", default: "present" } },
      "x-kubernetes-validations": [{ rule: "self.ensure == 'present'", message: "must be present" }],
    };
    const notes = new CelNotes();
    expect(checkCel(schema, {}, notes)).toEqual([]);
    expect(notes.notes.size).toBe(0);
  });
});
