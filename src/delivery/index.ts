import type { RepoModel } from '../plan/model.js';
import { argocdDelivery } from './argocd/index.js';
import { fluxDelivery } from './flux/index.js';
import type { Delivery } from './types.js';

export function deliveryFor(m: RepoModel): Delivery {
  switch (m.repo.delivery) {
    case 'flux':
      return fluxDelivery;
    case 'argocd':
      return argocdDelivery;
  }
}

export type { Delivery } from './types.js';
