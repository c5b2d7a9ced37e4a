import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { newApp } from "../../src/commands/new-app.js";
import { newCluster } from "../../src/commands/new-cluster.js";
import { regen } from "../../src/commands/regen.js";
import { findKubectl, kustomizeBuilds, type BuildStrategy } from "../../src/validate/kubectl-build.js";
import { formatProblem, modelTree } from "../../src/validate/index.js";
import { R2, ctxFor, tempRepo } from "../helpers.js";
import { hasKubectl } from "./helpers.js";

const APPS = 12;
const CLUSTER = "kubernetes/apps/databases/cloudnative-pg/cluster";
const CLUSTER_APPS = `${CLUSTER}/apps`;
const appDir = (i: number) => `kubernetes/apps/ns-${i % 2}/app-${i}/app`;

/** A generated tree of APPS apps (as `regen` writes it), then broken in the ways each strategy must see alike. */
async function brokenTree(): Promise<string> {
  const dir = tempRepo();
  await newCluster(ctxFor(dir), { backupEndpoint: R2 });
  await newApp(ctxFor(dir), { name: "app-0", namespace: "ns-0" });
  const answers = readFileSync(join(dir, ".cnpg/answers/apps/app-0.yaml"), "utf8");
  for (let i = 1; i < APPS; i++) {
    const text = answers.replace(/\bapp-0\b/g, `app-${i}`).replace(/\bapp_0\b/g, `app_${i}`).replace(/\bns-0\b/g, `ns-${i % 2}`);
    writeFileSync(join(dir, `.cnpg/answers/apps/app-${i}.yaml`), text);
  }
  expect(await regen(ctxFor(dir), { check: false })).toBe(0);
  const add = (file: string, text: string) => appendFileSync(join(dir, file), text);
  // A child of the cluster's aggregate lists a file that is not there: it fails, and its parent.
  add(`${CLUSTER_APPS}/app-3/kustomization.yaml`, "  - ./missing.yaml\n");
  // Two children that build alone but not together: one resource twice (kustomize refuses the second).
  add(`${CLUSTER_APPS}/app-10/kustomization.yaml`, "  - ../app-1/database.yaml\n");
  // Two apps' dirs, alike and broken alike: one signature, so both must still be reported.
  for (const i of [7, 8]) writeFileSync(join(dir, appDir(i), "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./missing.yaml\n");
  // A Flux Kustomization naming a component that does not exist: only its overlay fails.
  const ks = join(dir, "kubernetes/apps/ns-1/app-5/ks.yaml");
  writeFileSync(ks, readFileSync(ks, "utf8").replace("  components:\n", "  components:\n    - ../../../../components/nowhere\n"));
  return dir;
}

async function builds(dir: string, strategy: BuildStrategy) {
  const m = await modelTree({ root: dir });
  // Parts of a few files, so that this small tree's aggregate is built in parts as a large one is.
  const r = await kustomizeBuilds(m.root, findKubectl()!, m.kustomize, m.kustomizeDirs, m.scopes, { strategy, partFiles: 12 });
  return { lines: r.problems.map(formatProblem).sort(), built: r.built };
}

describe("kustomize build strategies", () => {
  let dir = "";
  beforeAll(async () => {
    if (hasKubectl) dir = await brokenTree();
  }, 120_000);

  it.skipIf(!hasKubectl)("report the same problems on a broken tree, building each root once", async () => {
    const every = await builds(dir, "every");
    const roots = await builds(dir, "roots");
    expect(roots.lines).toEqual(every.lines);
    const at = (file: string) => every.lines.filter((l) => l.startsWith(`${file}:`));
    expect(at(`${CLUSTER_APPS}/app-3/kustomization.yaml`)).toHaveLength(1);
    expect(at(`${CLUSTER}/kustomization.yaml`)).toHaveLength(1); // the aggregate fails with its first error
    for (const i of [7, 8]) {
      expect(at(`${appDir(i)}/kustomization.yaml`)).toHaveLength(1);
      expect(at(`kubernetes/apps/ns-${i % 2}/app-${i}/ks.yaml`)).toHaveLength(1); // its overlay
    }
    expect(at("kubernetes/apps/ns-1/app-5/ks.yaml")[0]).toContain("components/nowhere");
    // Every dir and overlay by itself, against roots and what lies below a failed build.
    expect(roots.built).toBeLessThan(every.built);
  }, 300_000);

  it.skipIf(!hasKubectl)("find a resource two children both make only when they are built together", async () => {
    writeFileSync(join(dir, `${CLUSTER_APPS}/app-3/kustomization.yaml`), readFileSync(join(dir, `${CLUSTER_APPS}/app-3/kustomization.yaml`), "utf8").replace("  - ./missing.yaml\n", ""));
    const roots = await builds(dir, "roots");
    const line = roots.lines.find((l) => l.startsWith(`${CLUSTER}/kustomization.yaml:`));
    expect(line).toContain("already registered id");
    expect(roots.lines.filter((l) => l.startsWith(`${CLUSTER_APPS}/`))).toEqual([]); // each child builds alone
  }, 300_000);
});
