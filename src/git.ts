import { execFileSync } from 'node:child_process';

/** Where `dir` sits inside its git work tree (`''` at the top, `sub/dir/` below it); undefined outside git. */
export function gitPrefix(dir: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--show-prefix'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Paths (relative to dir) with uncommitted changes; undefined outside a git work tree. */
export function gitDirtyPaths(cwd: string): Set<string> | undefined {
  try {
    const prefix = gitPrefix(cwd);
    if (prefix === undefined) return undefined;
    const out = execFileSync('git', ['status', '--porcelain', '-z', '--untracked-files=all', '--', '.'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const paths = new Set<string>();
    for (const entry of out.split('\0')) {
      if (entry.length < 4) continue;
      const p = entry.slice(3);
      if (p.startsWith(prefix)) paths.add(p.slice(prefix.length));
    }
    return paths;
  } catch {
    return undefined;
  }
}
