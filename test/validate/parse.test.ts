import { describe, expect, it } from "vitest";
import { validateFixture } from "./helpers.js";

describe("YAML parsing", () => {
  it("reports parse errors and ignores non-manifests, .github/ and Helm templates", async () => {
    const r = await validateFixture("parse-fail");
    expect(r.lines).toEqual([
      "broken.yaml:9: YAML parse error: Flow sequence in block collection must be sufficiently indented and end with a ]",
      "duplicate-key.yaml:1: YAML parse error: Map keys must be unique",
    ]);
    expect(r.checkedDocuments).toBe(1); // the good ConfigMap in broken.yaml
    expect(r.notes).toContain("chart/templates: Helm chart templates are not plain YAML: skipped");
  });
});
