/** Errors that carry the process exit code; the CLI's single top-level catch prints `message` only. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: answers, flags or recorded answers that break a rule. Exit 2, nothing written. */
export class InputError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The repository is not in a state the command may change (hand-edited files, dirty tree). Exit 1. */
export class ConflictError extends CliError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** `--strict`: the repository pins an operator past end of life or with a fixed advisory. Exit 1, nothing written. */
export class UnsupportedReleaseError extends CliError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** A value as an error line shows it: JSON, cut short so one line stays readable (a 10k-character answer is not echoed whole). */
export function shown(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/** SIGINT/SIGTERM stopped a run; exits 128 + the signal's number (130, 143), as a shell reports it. */
export class InterruptedError extends CliError {
  constructor(
    readonly signal: 'SIGINT' | 'SIGTERM',
    outcome: string,
  ) {
    super(`interrupted by ${signal}: ${outcome}`, signal === 'SIGINT' ? 130 : 143);
  }
}

/** The user answered "no" at the summary of an interactive run. Exit 1, nothing written. */
export class DeclinedError extends CliError {
  constructor() {
    super('stopped at the summary: nothing was written', 1);
  }
}
