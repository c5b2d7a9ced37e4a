import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';
import type { Change } from './changes.js';

/** A unified diff of a change, git style (no `===` banner), coloured when `color`. */
export function unifiedDiff(c: Change, color = Boolean(process.stdout.isTTY)): string {
  const patch = createTwoFilesPatch(`a/${c.path}`, `b/${c.path}`, c.current ?? '', c.desired ?? '', 'on disk', 'generated', { context: 3 })
    .replace(/^=+\n/, '')
    .trimEnd();
  if (!color) return patch;
  return patch
    .split('\n')
    .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? pc.green(l) : l.startsWith('-') && !l.startsWith('---') ? pc.red(l) : l.startsWith('@@') ? pc.cyan(l) : l))
    .join('\n');
}

/** Paths as an indented tree: each directory once, then its files. */
export function fileTree(paths: readonly string[]): string[] {
  const lines: string[] = [];
  let prev: string[] = [];
  for (const p of [...paths].sort()) {
    const parts = p.split('/');
    const dirs = parts.slice(0, -1);
    let same = 0;
    while (same < dirs.length && same < prev.length && dirs[same] === prev[same]) same++;
    for (let i = same; i < dirs.length; i++) lines.push(`${'  '.repeat(i)}${dirs[i]}/`);
    lines.push(`${'  '.repeat(dirs.length)}${parts[parts.length - 1]}`);
    prev = dirs;
  }
  return lines;
}
