import type { RepoModel } from '../plan/model.js';
import { fluxDelivery } from './flux/index.js';
import type { Delivery } from './types.js';

export function deliveryFor(m: RepoModel): Delivery {
  switch (m.repo.delivery) {
    case 'flux':
      return fluxDelivery;
  }
}

export type { Delivery } from './types.js';
