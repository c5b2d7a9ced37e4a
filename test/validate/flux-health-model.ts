import { celEnv, celError, isCelError, parse, plan, type CelInput } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { toCel } from "../../src/validate/cel.js";

/**
 * A model of how kustomize-controller judges one object with `healthCheckExprs`, from
 * fluxcd/pkg runtime/cel (status_evaluator.go, expression.go; main at e2cfd1a) and
 * fluxcd/cli-utils kstatus/polling/statusreaders (generic.go, common.go; main at 967855f):
 *
 * - The expressions are parsed, not compiled: the variables are the object's top-level fields
 *   (`apiVersion`, `kind`, `metadata`, `spec`, `status`), there is no `self`. A field the object
 *   lacks is not a variable, and naming it is an evaluation error even inside `has()`
 *   ("no such attribute(s): status.conditions", pinned by status_evaluator_test.go
 *   "object without status").
 * - Before any expression: an integer `status.observedGeneration` that differs from
 *   `metadata.generation` is InProgress.
 * - Then inProgress, failed, current, in that order; the first `true` decides; none: InProgress.
 * - An evaluation error (or a non-boolean) stops there; the status reader reports it as Unknown,
 *   which ssa's WaitForSet treats as not ready (it waits until the timeout).
 */
export type FluxStatus = "Current" | "InProgress" | "Failed" | "Unknown";

export interface HealthCheck {
  current: string;
  failed?: string;
  inProgress?: string;
}

const env = celEnv({ funcs: strings });

// CEL's type names resolve as identifiers too; only a missing field is an error.
const TYPE_NAMES = new Set(["bool", "int", "uint", "double", "string", "bytes", "list", "map", "null_type", "type"]);

/** The object's top-level fields as CEL variables; any other plain name fails as cel-go's does. */
function activation(obj: Record<string, unknown>): Record<string, CelInput> {
  const vars = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toCel(v)]));
  return new Proxy(vars, {
    get(target, name) {
      if (typeof name !== "string") return undefined;
      if (Object.hasOwn(target, name)) return target[name];
      // Qualified candidates ("status.conditions") are tried first by the resolver: not variables.
      if (name.includes(".") || TYPE_NAMES.has(name)) return undefined;
      return celError(`no such attribute(s): ${name}`);
    },
  });
}

function evaluate(expr: string, obj: Record<string, unknown>): boolean | "error" {
  const result = (plan(env, parse(expr)) as unknown as (v: Record<string, CelInput>) => unknown)(activation(obj));
  return isCelError(result) || typeof result !== "boolean" ? "error" : result;
}

function int(v: unknown): bigint | undefined {
  return typeof v === "number" && Number.isInteger(v) ? BigInt(v) : undefined;
}

export function fluxHealth(check: HealthCheck, obj: Record<string, unknown>): FluxStatus {
  const status = obj.status as Record<string, unknown> | undefined;
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  const observed = int(status?.observedGeneration);
  const generation = int(metadata?.generation);
  if (observed !== undefined && generation !== undefined && observed !== generation) return "InProgress";
  const order: [string | undefined, FluxStatus][] = [
    [check.inProgress, "InProgress"],
    [check.failed, "Failed"],
    [check.current, "Current"],
  ];
  for (const [expr, verdict] of order) {
    if (!expr) continue;
    const r = evaluate(expr, obj);
    if (r === "error") return "Unknown";
    if (r) return verdict;
  }
  return "InProgress";
}
