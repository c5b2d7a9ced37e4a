import { describe, expect, it } from "vitest";
import path from "node:path";
import { validate } from "../../src/commands/validate.js";
import { ctxFor } from "../helpers.js";
import { fixtures, hasKubectl, validateFixture } from "./helpers.js";

describe("kubectl kustomize builds", () => {
  it.skipIf(!hasKubectl)("builds kustomization dirs and Flux Kustomizations with components", async () => {
    const r = await validateFixture("kustomize-pass", { kubectl: "auto" });
    expect(r.lines).toEqual([]);
    expect(r.checkedKustomizations).toBe(2); // base/ and the Flux Kustomization
  });

  it.skipIf(!hasKubectl)("reports the first line of a failed build", async () => {
    const r = await validateFixture("kustomize-fail", { kubectl: "auto" });
    expect(r.lines).toEqual([
      "broken/kustomization.yaml:1: Kustomization/broken: kubectl kustomize failed: accumulating resources: accumulation err='accumulating resources from './missing.yaml': open broken/missing.yaml: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on 'broken/missing.yaml' : lstat broken/missing.yaml: no such file or directory",
      `flux/ks.yaml:11: Kustomization/base: kubectl kustomize failed: accumulating components: loader.New "must build at directory: not a valid directory: evalsymlink failure on 'components/missing' : lstat components: no such file or directory"`,
    ]);
  });

  // Flux builds with LoadRestrictionsNone (fluxcd/pkg kustomize/kustomize_generator.go Build): a file
  // outside the kustomization's directory is fine there, so it must be here too.
  it.skipIf(!hasKubectl)("builds as Flux does: a file outside the kustomization's directory is allowed", async () => {
    const r = await validateFixture("kustomize-outside-root", { kubectl: "auto" });
    expect(r.lines).toEqual([]);
    expect(r.checkedKustomizations).toBe(2); // cluster/ and the Flux Kustomization
  });

  it("notes when kubectl is missing instead of failing", async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const r = await validateFixture("kustomize-fail", { kubectl: "auto" });
      expect(r.lines).toEqual([]);
      expect(r.notes).toContain("kubectl not found: kustomize builds skipped");
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it.skipIf(!hasKubectl)("validate --skip-kubectl leaves the builds out, with kubectl on PATH", async () => {
    const run = async (skipKubectl: boolean) => {
      const ctx = ctxFor(path.join(fixtures, "kustomize-fail"));
      await validate(ctx, { schemaLocations: [], skipKubectl });
      return ctx.lines.filter((l) => l.includes("kubectl"));
    };
    expect(await run(false)).toHaveLength(2);
    expect(await run(true)).toEqual([]);
  });
});
