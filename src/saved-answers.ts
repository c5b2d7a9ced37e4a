import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Answers } from '../schema/fields.js';
import { screenStrings } from './answers.js';
import { loadAnswersFile } from './context.js';
import { CliError } from './errors.js';
import { TOOL } from './paths.js';

/**
 * Answers typed into the prompts of a run that stopped before it wrote (Ctrl-C, a refusal, a
 * conflict, "no" at the summary), kept outside the repository: one file per repository and
 * command, under `$XDG_STATE_HOME/cnpg-scaffold/` (`~/.local/state/` without it, as the XDG base
 * directory spec says). The file is an answers file: `--answers <path>` takes it as it is.
 */
export class SavedAnswers {
  readonly path: string;

  constructor(
    stateHome: string,
    private readonly dest: string,
    private readonly command: string,
  ) {
    const key = createHash('sha256').update(resolve(dest)).digest('hex').slice(0, 12);
    this.path = join(stateHome, TOOL, `${command}-${basename(resolve(dest)).replace(/[^\w.-]/g, '_')}-${key}.yaml`);
  }

  async load(): Promise<Answers | undefined> {
    try {
      await readFile(this.path);
    } catch {
      return undefined;
    }
    // A file one cannot read as answers is not offered (it is replaced by the next save).
    return loadAnswersFile('/', this.path).catch(() => undefined);
  }

  /**
   * Keeps the answers of `fields`; an answer that could hold a credential is dropped, never written
   * (answers hold none by rule, but a refused one may be among them). Returns the path, or undefined
   * when there was nothing to keep.
   */
  async save(answers: Answers, fields: ReadonlySet<string>): Promise<string | undefined> {
    const kept: Answers = {};
    for (const [k, v] of Object.entries(answers)) {
      if (!fields.has(k) || v === undefined) continue;
      try {
        screenStrings('', { [k]: v });
        kept[k] = v;
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
      }
    }
    if (!Object.keys(kept).length) return undefined;
    const header = `# ${TOOL} ${this.command} answers for ${resolve(this.dest)}, kept when the run stopped before writing.\n# The next run offers them; or pass --answers ${this.path}\n`;
    await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 });
    await writeFile(this.path, header + stringify(kept), { mode: 0o600 });
    return this.path;
  }

  async drop(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
