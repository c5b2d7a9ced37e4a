import { asArray, getPath, isMap, metaName, str, type Problem, type RenderedDoc } from "../types.js";
import { isKind, problemAt, unresolved } from "./common.js";

const CNPG = "postgresql.cnpg.io/";

/** Roles that exist in a CNPG Cluster by its own spec: managed roles, the bootstrap owner, the superuser. */
function clusterRoles(cluster: RenderedDoc): string[] {
  const spec = cluster.obj.spec;
  const roles = ["postgres"];
  for (const role of asArray(getPath(spec, ["managed", "roles"]))) {
    if (isMap(role) && typeof role.name === "string" && role.ensure !== "absent") roles.push(role.name);
  }
  const bootstrap = getPath(spec, ["bootstrap"]);
  // No bootstrap section means initdb with owner `app`; recovery/pg_basebackup also take an owner.
  const methods = isMap(bootstrap) ? ["initdb", "recovery", "pg_basebackup"].filter((m) => m in bootstrap) : ["initdb"];
  for (const m of methods) roles.push(str(getPath(bootstrap, [m, "owner"])) ?? "app");
  return roles;
}

/** Rule c: every Database owner is a role of its cluster (DatabaseRole, managed.roles, or bootstrap owner). */
export function checkDatabaseOwners(rendered: readonly RenderedDoc[]): Problem[] {
  const clusters = rendered.filter((r) => isKind(r, CNPG, "Cluster"));
  const roleDocs = rendered.filter((r) => isKind(r, CNPG, "DatabaseRole"));
  const problems: Problem[] = [];
  for (const db of rendered.filter((r) => isKind(r, CNPG, "Database"))) {
    const owner = str(getPath(db.obj, ["spec", "owner"]));
    const clusterName = str(getPath(db.obj, ["spec", "cluster", "name"]));
    if (!owner || !clusterName) continue; // the schema reports missing fields
    // A database being dropped needs no owner (remove-app --drop-data drops its role in the same step).
    if (getPath(db.obj, ["spec", "ensure"]) === "absent") continue;
    if (unresolved(db, ["spec", "owner"], owner) || unresolved(db, ["spec", "cluster", "name"], clusterName)) continue;
    const inCluster = clusters.filter((c) => c.namespace === db.namespace && metaName(c.obj) === clusterName);
    const byRole = roleDocs.some(
      (r) => r.namespace === db.namespace && str(getPath(r.obj, ["spec", "cluster", "name"])) === clusterName && str(getPath(r.obj, ["spec", "name"])) === owner,
    );
    if (byRole || inCluster.some((c) => clusterRoles(c).includes(owner))) continue;
    const where = inCluster.length === 0 ? ` (cluster ${clusterName} is not defined in namespace ${db.namespace})` : "";
    problems.push(
      problemAt(db, ["spec", "owner"], `owner ${owner} is not a role of cluster ${clusterName}: add a DatabaseRole, a managed.roles entry or the initdb owner${where}`),
    );
  }
  return problems;
}
