import type { AppAnswers } from './app.js';
import type { ClusterAnswers } from './cluster.js';
import { HeldNames } from './names.js';
import type { RepoAnswers } from './repo.js';

/** `path` and each directory above it (`a/b/c`: `a`, `a/b`, `a/b/c`). */
const pathAndParents = (path: string): string[] => [...path.matchAll(/\//g)].map((m) => path.slice(0, m.index)).concat(path);

/**
 * The apps recorded beside the one being answered, indexed for the rules across apps (same database
 * or role on a cluster, overlapping paths, shared object names), so checking each of N recorded apps
 * costs about the same at any N. It only narrows the comparison: the rules themselves stay in
 * appSchema, run on the apps it names, in the order they were recorded.
 */
export class OtherApps {
  private readonly list: AppAnswers[] = [];
  private readonly byDatabase = new Map<string, number[]>();
  private readonly byRole = new Map<string, number[]>();
  /** A path -> the apps at it or below it. */
  private readonly atOrBelow = new Map<string, number[]>();
  private readonly atPath = new Map<string, number[]>();
  readonly names: HeldNames;

  constructor(repo: RepoAnswers, clusters: readonly ClusterAnswers[]) {
    this.names = new HeldNames(repo, clusters);
  }

  /** True when this index holds exactly the first apps of `others`, in order: it can catch up by adding the rest. */
  private follows(others: readonly AppAnswers[]): boolean {
    const n = this.list.length;
    return others.length >= n && (n === 0 || others[n - 1] === this.list[n - 1]);
  }

  /** The index for `others`, this one caught up when `others` only grew since (the records are read one by one). */
  static for(current: OtherApps | undefined, repo: RepoAnswers, clusters: readonly ClusterAnswers[], others: readonly AppAnswers[]): OtherApps {
    const index = current?.follows(others) ? current : new OtherApps(repo, clusters);
    for (const o of others.slice(index.list.length)) index.add(o);
    return index;
  }

  private add(o: AppAnswers): void {
    const at = this.list.push(o) - 1;
    const put = (m: Map<string, number[]>, k: string) => (m.get(k) ?? m.set(k, []).get(k)!).push(at);
    put(this.byDatabase, `${o.cluster}\0${o.database}`);
    put(this.byRole, `${o.cluster}\0${o.role}`);
    put(this.atPath, o.path);
    for (const p of pathAndParents(o.path)) put(this.atOrBelow, p);
    this.names.addApp(o);
  }

  /**
   * The recorded apps that may conflict with `a` (same cluster and database or role, a path at,
   * above or below its path), in recorded order: a superset of those the rules refuse.
   */
  candidates(a: AppAnswers): AppAnswers[] {
    const at = new Set<number>([
      ...(this.byDatabase.get(`${a.cluster}\0${a.database}`) ?? []),
      ...(this.byRole.get(`${a.cluster}\0${a.role}`) ?? []),
      ...(this.atOrBelow.get(a.path) ?? []),
      ...pathAndParents(a.path).flatMap((p) => this.atPath.get(p) ?? []),
    ]);
    return [...at].sort((x, y) => x - y).map((i) => this.list[i]!);
  }
}
