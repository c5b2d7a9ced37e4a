import type { RepoModel } from '../plan/model.js';
import type { PlannedFile } from '../plan/types.js';
import type { Unit } from '../plan/units.js';

/** Turns placed units into what a GitOps engine applies; the units' own files are written as they are. */
export interface Delivery {
  deliver(m: RepoModel, units: readonly Unit[]): Promise<PlannedFile[]>;
  /** Where the units' own files go in this engine's layout; by default where the units put them. */
  place?(m: RepoModel, units: readonly Unit[]): Promise<PlannedFile[]>;
  /** The model with what this delivery records about its output brought up to date (before place and deliver). */
  settle?(m: RepoModel, units: readonly Unit[]): Promise<RepoModel>;
}
