import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/changes.js';
import { commitChanges } from '../../src/write.js';
import { snapshot, tempRepo } from '../helpers.js';

const change = (path: string, action: Change['action'], current: string | undefined, desired: string | undefined): Change => ({
  path,
  unit: 'test',
  mode: 'owned',
  action,
  current,
  desired,
});

describe('writing a change set', () => {
  it('puts everything back when a write fails part-way: updates, deletions, new files and directories', async () => {
    const dir = tempRepo();
    writeFileSync(join(dir, 'kept.yaml'), 'old\n');
    writeFileSync(join(dir, 'orphan.yaml'), 'orphan\n');
    mkdirSync(join(dir, 'busy/inside'), { recursive: true }); // a non-empty directory: renaming a file onto it fails
    const before = snapshot(dir);
    const changes = [
      change('new/deep/file.yaml', 'create', undefined, 'new\n'),
      change('kept.yaml', 'update', 'old\n', 'new\n'),
      change('orphan.yaml', 'delete', 'orphan\n', undefined),
      change('busy', 'create', undefined, 'cannot land\n'),
    ];
    await expect(commitChanges(dir, changes)).rejects.toThrow();
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it('removes directories that deletions leave empty, and no others', async () => {
    const dir = tempRepo();
    mkdirSync(join(dir, 'apps/chat'), { recursive: true });
    mkdirSync(join(dir, 'apps/wiki'), { recursive: true });
    writeFileSync(join(dir, 'apps/chat/a.yaml'), 'a\n');
    writeFileSync(join(dir, 'apps/wiki/b.yaml'), 'b\n');
    await commitChanges(dir, [change('apps/chat/a.yaml', 'delete', 'a\n', undefined)]);
    expect(snapshot(dir)).toEqual({ 'apps/wiki/b.yaml': 'b\n' });
    expect(existsSync(join(dir, 'apps/chat'))).toBe(false);
  });
});
