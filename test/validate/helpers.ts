import path from "node:path";
import { fileURLToPath } from "node:url";
import { findKubectl } from "../../src/validate/kubectl-build.js";
import { formatProblem, validateTree, type ValidateOptions } from "../../src/validate/index.js";

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

export const hasKubectl = findKubectl() !== undefined;
if (!hasKubectl) console.log("kubectl not on PATH: kustomize build tests are skipped");

/** Validates a fixture tree; kubectl off unless asked, so most tests do not depend on it. */
export async function validateFixture(name: string, opts: Partial<ValidateOptions> = {}) {
  const result = await validateTree({ kubectl: "off", ...opts, root: path.join(fixtures, name) });
  return { ...result, lines: result.problems.map(formatProblem) };
}
