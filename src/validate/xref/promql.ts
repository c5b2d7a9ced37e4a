import { parser } from "@prometheus-io/lezer-promql";
import { asArray, getPath, isMap, type Problem, type RenderedDoc } from "../types.js";
import { isKind, problemAt, unresolved } from "./common.js";

/**
 * Where `expr` stops being PromQL, by the official grammar (@prometheus-io/lezer-promql, the parser
 * of Prometheus' own editor): undefined when it parses. The grammar is error-tolerant, so a broken
 * expression is one whose tree holds an error node; the first one is reported.
 */
export function promqlProblem(expr: string): string | undefined {
  if (expr.trim() === "") return "is empty";
  let at: number | undefined;
  parser.parse(expr).iterate({
    enter: (n) => {
      if (at === undefined && n.type.isError) at = n.from;
      return at === undefined;
    },
  });
  if (at === undefined) return undefined;
  const near = expr.slice(Math.max(0, at - 20), at + 20);
  return `does not parse as PromQL at character ${at + 1} (near ${JSON.stringify(near)})`;
}

/** Every alerting and recording rule of a PrometheusRule: its `expr` is PromQL. */
export function checkPromql(rendered: readonly RenderedDoc[]): Problem[] {
  const problems: Problem[] = [];
  for (const r of rendered.filter((x) => isKind(x, "monitoring.coreos.com/", "PrometheusRule"))) {
    asArray(getPath(r.obj, ["spec", "groups"])).forEach((g, gi) => {
      asArray(isMap(g) ? g.rules : undefined).forEach((rule, ri) => {
        if (!isMap(rule)) return;
        const path = ["spec", "groups", gi, "rules", ri, "expr"];
        // The schema says a rule needs an expr; a number is PromQL too (`expr: 1`).
        const expr = typeof rule.expr === "number" ? String(rule.expr) : rule.expr;
        if (typeof expr !== "string" || unresolved(r, path, expr)) return;
        const problem = promqlProblem(expr);
        const name = typeof rule.alert === "string" ? `alert ${rule.alert}` : typeof rule.record === "string" ? `record ${rule.record}` : `rule ${ri}`;
        if (problem) problems.push(problemAt(r, path, `${name}: expr ${problem}`));
      });
    });
  }
  return problems;
}
