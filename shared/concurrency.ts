/**
 * Runs `work` over `items` with at most `concurrency` calls in flight, keeping the results in input order.
 * Rejects with the first failure; from then on no new call starts (the ones in flight run to their end), so a
 * failed run does not go on loading a table or a bucket behind the caller's back.
 *
 * @example const bodies = await mapConcurrently(keys, 8, (key) => store.get(key));
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  // One iterator shared by the workers: each takes the next item when it is free.
  const pending = items.entries();
  let failed = false;
  const worker = async () => {
    for (const [index, item] of pending) {
      if (failed) return;
      try {
        results[index] = await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
