import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { newApp } from '../../../src/commands/new-app.js';
import { newCluster } from '../../../src/commands/new-cluster.js';
import { loadProfile } from '../../../src/profiles.js';
import { ROOT, ctxFor, tempRepo } from '../../helpers.js';

export const ARGOCD_PROFILE = 'argocd-wrapper-chart';
/** The one answer the profile leaves to the team: the repository Argo CD reads (test/profiles/<profile>.flags). */
export const ARGOCD_REPO = { argocdRepoURL: 'https://git.example.com/homelab/gitops.git' };
/** The wrapper chart's directory in seed 000's profile. */
export const CHART_DIR = 'apps/cluster/cloudnative-pg';

/** Seed 000's tree as the tool writes it: `new-cluster --profile argocd-wrapper-chart`, then its example apps (or `apps`). */
export async function argocdTree(apps?: Record<string, unknown>[], answers: Record<string, unknown> = {}): Promise<string> {
  const dir = tempRepo();
  await newCluster(ctxFor(dir), { ...(await loadProfile(ARGOCD_PROFILE)), ...ARGOCD_REPO, ...answers });
  const list = apps ?? (parse(readFileSync(join(ROOT, 'test', 'profiles', `${ARGOCD_PROFILE}.apps.yaml`), 'utf8')) as Record<string, unknown>[]);
  for (const a of list) await newApp(ctxFor(dir), a);
  return dir;
}
