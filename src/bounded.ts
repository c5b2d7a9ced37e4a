/** One item's outcome: consumers meet failures in input order, where a sequential loop would have. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** The value, or the failure thrown now. */
export const unwrap = <R>(s: Settled<R>): R => {
  if (!s.ok) throw s.error;
  return s.value;
};

/**
 * Runs `fn` over `items` with at most `limit` under way at once (files read concurrently keep the
 * disk and the thread pool busy; all at once would open thousands of descriptors). Outcomes come
 * back in input order, failures included, so the caller handles them where a loop would have.
 */
export async function settleBounded<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, limit = 64): Promise<Settled<R>[]> {
  const out: Settled<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { ok: true, value: await fn(items[i]!) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
