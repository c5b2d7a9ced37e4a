import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/changes.js';
import { nodeFs, type WriteFs } from '../../src/fs-seam.js';
import { commitChanges } from '../../src/write.js';
import { tempRepo } from '../helpers.js';

// Every staged file is flushed before the journal is written: one syncfs for many files, else (a
// small write, or no syncfs) each file's own fsync.

const creates = (n: number): Change[] =>
  Array.from({ length: n }, (_, i) => ({ path: `d${i % 7}/f${i}.yaml`, unit: 'test', mode: 'owned', action: 'create', current: undefined, desired: `n: ${i}\n` }));

/** The real file system, recording the flushes and when the journal was written. */
function recording(syncfs: boolean) {
  const calls: string[] = [];
  const fs: WriteFs = {
    ...nodeFs,
    flush: async (p) => {
      calls.push('flush');
      return nodeFs.flush(p);
    },
    flushFileSystem: async (p) => {
      calls.push('flushFileSystem');
      return syncfs && nodeFs.flushFileSystem(p);
    },
    writeFile: async (p, data, opts) => {
      if (p.includes('journal')) calls.push('journal');
      return nodeFs.writeFile(p, data, opts);
    },
  };
  return { fs, calls };
}

describe('flushing staged files', () => {
  it('a few files: each flushed on its own, all before the journal', async () => {
    const dir = tempRepo();
    const { fs, calls } = recording(true);
    await commitChanges(dir, creates(10), { fs });
    expect(calls).toEqual([...Array(10).fill('flush'), 'journal']);
    expect(readFileSync(join(dir, 'd3/f3.yaml'), 'utf8')).toBe('n: 3\n');
  });

  it('many files: one syncfs before the journal, or file by file where it fails', async () => {
    for (const syncfs of [true, false]) {
      const dir = tempRepo();
      const { fs, calls } = recording(syncfs);
      await commitChanges(dir, creates(300), { fs });
      // Where `sync -f` is not there (not Linux coreutils), the real call is false too: file by file.
      const fellBack = !syncfs || calls.includes('flush');
      expect(calls).toEqual(['flushFileSystem', ...(fellBack ? Array(300).fill('flush') : []), 'journal']);
      if (syncfs && fellBack) console.warn('sync -f is not available here: only the file-by-file flush was tested');
      expect(readFileSync(join(dir, 'd5/f299.yaml'), 'utf8')).toBe('n: 299\n');
    }
  });
});
