import type { HealthKind } from '../../plan/units.js';

/**
 * CEL for Flux health (fluxcd/pkg runtime/cel status_evaluator.go): the variables are the
 * object's top-level fields. A status the operator has not written yet cannot be guarded (naming a
 * missing top-level field is an evaluation error, even in `has()`); Flux reports that as Unknown
 * and keeps waiting, so it is not healthy. Below `status`, `has()` guards each field, and `exists`
 * (not `all`, which is true on an empty list) needs the condition to be there.
 *
 * Stale statuses: Flux itself holds an object InProgress while an integer `status.observedGeneration`
 * differs from `metadata.generation`; Database and DatabaseRole write it (CNPG v1.30.0
 * api/v1/database_funcs.go, databaserole_funcs.go SetAsReady). A Cluster writes none, neither on
 * the status nor on its Ready condition (pkg/resources/status/transactions.go); a condition that
 * does carry one must be of this generation.
 *
 * kustomize-controller stops waiting at the first `failed`, so only final states are failures: a
 * Database whose owner role is not there yet, a DatabaseRole whose password Secret External
 * Secrets has not synced yet, a plugin not registered yet are normal for seconds while an app is
 * onboarded, and CNPG retries them; the Kustomization's timeout judges those. The final Cluster
 * phases are the ones CNPG leaves for a person to fix (api/v1/cluster_types.go; the architecture
 * one stops the reconcile loop: internal/controller/cluster_upgrade.go).
 */
const CLUSTER_FAILED_PHASES = [
  'Invalid cluster definition',
  'Cluster is unrecoverable and needs manual intervention',
  'Cluster cannot execute instance online upgrade due to missing architecture binary',
];

const CLUSTER_READY =
  "e.type == 'Ready' && e.status == 'True' && (!has(e.observedGeneration) || e.observedGeneration == metadata.generation)";

const APPLIED = 'has(status.applied) && status.applied == true';

/** Flux `healthCheckExprs` for the kinds a unit waits for. */
export const healthCheckExprs = (kinds: readonly HealthKind[]) =>
  kinds.map((kind) =>
    kind === 'Cluster'
      ? {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind,
          current: `has(status.conditions) && status.conditions.exists(e, ${CLUSTER_READY})`,
          failed: `has(status.phase) && status.phase in [${CLUSTER_FAILED_PHASES.map((p) => `'${p}'`).join(', ')}]`,
        }
      : { apiVersion: 'postgresql.cnpg.io/v1', kind, current: APPLIED },
  );
