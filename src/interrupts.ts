import { InterruptedError } from './errors.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];
const EXIT: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * SIGINT/SIGTERM for one run. Outside a critical section a signal runs the cleanups (releasing the
 * repo lock) and exits 130/143 at once: nothing has been written. Inside one (a commit of changes)
 * it is only recorded: the writer calls `check()` between its steps, which throws
 * InterruptedError, rolls back, and the CLI exits with the same code. Created per run by the CLI.
 */
export class Interrupts {
  private received: Signal | undefined;
  private depth = 0;
  /** What the last completed critical section did: what a later signal reports. */
  private done: string | undefined;
  private readonly cleanups = new Set<() => Promise<void>>();

  constructor(
    private readonly exit: (code: number) => void = (code) => process.exit(code),
    private readonly report: (line: string) => void = (line) => console.error(line),
  ) {}

  /** Registers the process handlers; returns what removes them. */
  install(): () => void {
    const handler = (signal: Signal) => this.receive(signal);
    for (const s of SIGNALS) process.on(s, handler);
    return () => {
      for (const s of SIGNALS) process.off(s, handler);
    };
  }

  receive(signal: Signal): void {
    if (this.received) return; // a second Ctrl-C while rolling back changes nothing
    this.received = signal;
    if (this.depth > 0) return;
    void Promise.allSettled([...this.cleanups].map((c) => c())).then(() => {
      this.report(`error: ${new InterruptedError(signal, this.done ?? 'nothing was changed').message}`);
      this.exit(EXIT[signal]);
    });
  }

  /** Runs `cleanup` if a signal ends the run outside a critical section; returns what unregisters it. */
  onInterrupt(cleanup: () => Promise<void>): () => void {
    this.cleanups.add(cleanup);
    return () => this.cleanups.delete(cleanup);
  }

  /** Throws once a signal has arrived: the caller undoes what it did so far. */
  check(): void {
    if (this.received) throw new InterruptedError(this.received, 'nothing was changed');
  }

  /**
   * Signals during `fn` are deferred to its checks; one that came after its last check is reported
   * when it ends, with `completed(result)`: what `fn` did (undefined: nothing).
   */
  async critical<T>(fn: () => Promise<T>, completed: (result: T) => string | undefined = () => 'the write had already completed'): Promise<T> {
    this.check();
    this.depth++;
    let result: T;
    try {
      result = await fn();
    } finally {
      this.depth--;
    }
    this.done = completed(result) ?? this.done;
    if (this.received) throw new InterruptedError(this.received, this.done ?? 'nothing was changed');
    return result;
  }
}
