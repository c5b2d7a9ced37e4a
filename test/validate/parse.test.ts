import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, validateTree } from "../../src/validate/index.js";
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

describe("documents are judged as the API server's decoder reads them (YAML 1.1, go-yaml v2)", () => {
  it("on, 0o17, 017 and 2001-12-14 plain are not strings; quoted they are; 1:20 is a string", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "yaml11-"));
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\ndata:\n${data}`;
    writeFileSync(path.join(root, "bad.yaml"), cm("  a: on\n  b: 0o17\n  c: 017\n"));
    writeFileSync(path.join(root, "good.yaml"), cm('  a: "on"\n  b: "0o17"\n  c: 1:20\n  d: "2001-12-14"\n  <<: {e: x}\n').replace("name: c", "name: d"));
    const r = await validateTree({ kubectl: "off", root });
    expect(r.problems.map(formatProblem)).toEqual([
      "bad.yaml:7: ConfigMap/c: data.a: must be string or null (got boolean)",
      "bad.yaml:8: ConfigMap/c: data.b: must be string or null (got number)",
      "bad.yaml:9: ConfigMap/c: data.c: must be string or null (got number)",
    ]);
  });
});
