import type { RepoModel } from '../plan/model.js';
import type { PlannedFile } from '../plan/types.js';
import type { Unit } from '../plan/units.js';

/** Turns placed units into what a GitOps engine applies; the units' own files are written as they are. */
export interface Delivery {
  deliver(m: RepoModel, units: readonly Unit[]): Promise<PlannedFile[]>;
}
