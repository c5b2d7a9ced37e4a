import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateTree, formatProblem } from "../../src/validate/index.js";
import { referencedVariables, substitute } from "../../src/validate/substitute.js";
import { fixtures, validateFixture } from "./helpers.js";

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

  it("models kustomize dropping the quotes of \"${VAR}\" before Flux substitutes: a number-looking value becomes a number", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "subst-"));
    cpSync(path.join(fixtures, "shared-cluster"), root, { recursive: true });
    const ks = path.join(root, "kubernetes/apps/default/myapp/ks.yaml");
    writeFileSync(ks, readFileSync(ks, "utf8").replace(`DB_PORT: '"5432"'`, `DB_PORT: "5432"`));
    const r = await validateTree({ kubectl: "off", root, externalVariables: ["CLUSTER_NAME", "R2_ACCOUNT_ID"] });
    expect(r.problems.map(formatProblem)).toContain(
      "kubernetes/components/cnpg/cronjob.yaml:27: CronJob/myapp-pg-backups: spec.jobTemplate.spec.template.spec.containers[0].env[1].value: must be string or null (got number)",
    );
  });

  it("follows fluxcd/pkg envsubst: $$ is $, a backslash outside ${} stays, ${ x } and a lone ${ fail", () => {
    const none = new Map<string, string>();
    expect(substitute("a: $$ $$$$ $${X} \\\\ \\/ $x", none, new Set()).text).toBe("a: $ $$ ${X} \\\\ \\/ $x");
    expect(substitute("a: ${X=${Y}}", new Map([["Y", "y"]]), new Set()).text).toBe("a: y");
    expect(substitute("a: ${X:-a\\/b$$c}", none, new Set()).text).toBe("a: a/b$c");
    for (const bad of ["a: ${ x }", "a: ${", "a: ${X", "a: ${X-d}", "a: ${-}"]) expect(substitute(bad, none, new Set()).error, bad).toBeDefined();
    expect(substitute("a: ${X^^}", new Map([["X", "ab"]]), new Set()).text).toBe("a: AB");
  });
});
