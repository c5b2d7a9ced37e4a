import { writeFile } from 'node:fs/promises';
import { nodeFs, type WriteFs } from '../../src/fs-seam.js';

const MUTATING = ['writeFile', 'flush', 'mkdir', 'rename', 'link', 'unlink', 'rmdir', 'chmod', 'utimes'] as const;
type Op = (typeof MUTATING)[number];

export type Fault =
  /** The call fails with EIO (ENOSPC for a write, after writing half the data: a truncated file). */
  | 'fail'
  /** The call never returns: the process is as good as killed there. */
  | 'hang'
  /** The call is made (and may fail as it would), then `onHit` runs (e.g. delivers a signal). */
  | 'after';

/** The real file system, counting its mutating calls; call number `at` (1-based), or each call `at` picks, gets `fault`. */
export function faultFs(at: number | ((n: number, call: string) => boolean), fault: Fault, onHit?: () => void) {
  const log: string[] = [];
  let reached = () => {};
  /** Settles when call `at` is made (for 'hang': the run is stuck from then on). */
  const hit = new Promise<void>((r) => (reached = r));
  // A hang stands for a kill: the calls already under way (the writer runs several at once) land,
  // `hit` settles once they have, and no later call is made.
  const underWay = new Set<Promise<unknown>>();
  let killed = false;
  const fs: WriteFs = { ...nodeFs };
  for (const op of MUTATING) {
    const real = nodeFs[op] as (...a: unknown[]) => Promise<void>;
    const tracked = (...args: unknown[]) => {
      const p = real(...args);
      underWay.add(p);
      void p.then(
        () => underWay.delete(p),
        () => underWay.delete(p),
      );
      return p;
    };
    (fs as unknown as Record<Op, (...a: unknown[]) => Promise<void>>)[op] = async (...args: unknown[]) => {
      if (killed) return new Promise<void>(() => {});
      log.push(`${op} ${String(args[0])}`);
      if (typeof at === 'number' ? log.length !== at : !at(log.length, log.at(-1)!)) return tracked(...args);
      if (fault === 'hang') {
        killed = true;
        void Promise.allSettled([...underWay]).then(reached);
        return new Promise<void>(() => {});
      }
      reached();
      if (fault === 'after') {
        try {
          return await tracked(...args);
        } finally {
          onHit?.();
        }
      }
      if (op === 'writeFile') {
        const data = String(args[1]);
        await writeFile(String(args[0]), data.slice(0, data.length >> 1));
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${String(args[0])}'`), { code: 'ENOSPC' });
      }
      throw Object.assign(new Error(`EIO: i/o error, ${op} '${String(args[0])}'`), { code: 'EIO' });
    };
  }
  return { fs, log, hit };
}
