// Bounded concurrency for store reads: a remote store (InfluxDB over HTTP) answers several requests
// at once on its own cores while this process parses the previous answer; for SQLite (synchronous
// underneath) it only interleaves. Results come back in input order whatever order they finish in.

/** Runs fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
