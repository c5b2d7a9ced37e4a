import type { Context } from './context.js';
import { UnsupportedReleaseError } from './errors.js';
import { TOOL } from './paths.js';
import { OPERATOR_RELEASES, advisoriesOf, operatorMinor, releaseOf, type OperatorRelease } from './versions.js';

type PinnedRelease = { chartVersion: string; operatorVersion?: string | undefined };

/** The day a run is on, as the release table writes dates (UTC). */
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The newest chart whose operator is supported on `today` and carries every recorded fix. */
function safeRelease(today: string): OperatorRelease | undefined {
  return OPERATOR_RELEASES.find((r) => {
    const eol = operatorMinor(r.operator)?.endOfLife;
    return !(eol && eol < today) && advisoriesOf(r.operator).length === 0;
  });
}

/**
 * What is wrong with the operator a repository pins, one line per finding: its minor past end of
 * life on `today`, and the advisories a later patch fixes, each with that patch. Pure: the clock
 * is the caller's.
 */
export function supportProblems(repo: PinnedRelease, today: Date): string[] {
  // A chart beyond the table is judged by the operator its answers give.
  const release = releaseOf(repo);
  if (!release.operator) return [];
  const day = isoDay(today);
  const to = safeRelease(day);
  const fix = to ? `; chart ${to.chart} (operator ${to.operator}) is supported and fixed: ${TOOL} upgrade${to === OPERATOR_RELEASES[0] ? '' : ` --to ${to.chart}`}` : '; no chart in the table is both supported and fixed';
  const lines: string[] = [];
  const minor = operatorMinor(release.operator);
  if (minor?.endOfLife && minor.endOfLife < day)
    lines.push(`chartVersion ${repo.chartVersion}: operator ${minor.minor} reached end of life on ${minor.endOfLife} (CloudNativePG supported releases)${fix}`);
  const affected = advisoriesOf(release.operator);
  if (affected.length)
    lines.push(`chartVersion ${repo.chartVersion}: operator ${release.operator} is affected by ${affected.map((a) => `${a.advisory.id} (fixed in ${a.fixedIn})`).join(', ')}${fix}`);
  return lines;
}

/**
 * Reports the support status of the pinned operator: a warning per line on stderr, or with
 * `--strict` an error (exit 1) before the command goes on, so CI can hold a repository to it.
 */
export function reportSupport(ctx: Context, repo: PinnedRelease): void {
  const lines = supportProblems(repo, (ctx.now ?? (() => new Date()))());
  if (!lines.length) return;
  if (ctx.strict) throw new UnsupportedReleaseError(lines.join('\n'));
  const warn = ctx.warn ?? ((line: string) => console.error(line));
  for (const line of lines) warn(`warning: ${line}`);
}
