import { writeFile } from 'node:fs/promises';
import { nodeFs, type WriteFs } from '../../src/fs-seam.js';

const MUTATING = ['writeFile', 'mkdir', 'rename', 'link', 'unlink', 'rmdir', 'chmod', 'utimes'] as const;
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
  const fs: WriteFs = { ...nodeFs };
  for (const op of MUTATING) {
    const real = nodeFs[op] as (...a: unknown[]) => Promise<void>;
    (fs as unknown as Record<Op, (...a: unknown[]) => Promise<void>>)[op] = async (...args: unknown[]) => {
      log.push(`${op} ${String(args[0])}`);
      if (typeof at === 'number' ? log.length !== at : !at(log.length, log.at(-1)!)) return real(...args);
      reached();
      if (fault === 'hang') return new Promise<void>(() => {});
      if (fault === 'after') {
        try {
          return await real(...args);
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
