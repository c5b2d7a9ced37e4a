import { appFields } from '../schema/app.js';
import { clusterFields } from '../schema/cluster.js';
import { type Answers, type Field, fillDefaults } from '../schema/fields.js';
import { type RepoAnswers, repoFields } from '../schema/repo.js';
import type { ClusterAnswers } from '../schema/cluster.js';
import { BACKUP_FIELD } from './help.js';

type Groups = [string, readonly Field<never>[]][];

/** The answers of a command for --help, grouped as they are recorded, with defaults for an empty repository. */
export function helpAnswers(command: 'new-cluster' | 'new-app'): { groups: Groups; defaults: Answers } {
  const repo = fillDefaults(repoFields, {}, {}) as unknown as RepoAnswers;
  const cluster = fillDefaults(clusterFields, {}, { repo, others: [] }) as unknown as ClusterAnswers;
  const split = (fields: readonly Field<never>[], title: string, backups: string): Groups => [
    [title, fields.filter((f) => !BACKUP_FIELD.test(f.name))],
    [backups, fields.filter((f) => BACKUP_FIELD.test(f.name))],
  ];
  if (command === 'new-cluster') {
    return {
      groups: [['Repository (recorded once, in .cnpg/answers/repo.yaml)', repoFields as never], ...split(clusterFields as never, 'Cluster', 'Cluster backups (Barman Cloud)')],
      defaults: { ...repo, ...cluster },
    };
  }
  const app = fillDefaults(appFields, { name: '<name>' }, { repo, clusters: [cluster], others: [] });
  return { groups: split(appFields as never, 'App', 'Logical backups (pg_dump CronJob)'), defaults: app };
}
