import { describe, expect, it } from 'vitest';
import { type PacedBatch, runConsumer } from '../../bench/identity-paced.ts';

describe('a paced stream consumer', () => {
  it('waits out the window of a batch that does not fill', async () => {
    // Prepare: two records at 0 and 500 ms, window 1 s, each invocation 200 ms.
    const batches: PacedBatch[] = [];

    // Act
    const latencies = await runConsumer(
      [{ arrivalMs: 0 }, { arrivalMs: 500 }],
      { batchSize: 10, windowSeconds: 1 },
      async (batch) => {
        batches.push(batch);
        return 200;
      },
    );

    // Assess: one batch at 1,000 ms, done at 1,200.
    expect(batches).toEqual([{ start: 0, end: 2, startsAtMs: 1_000 }]);
    expect(latencies).toEqual([1_200, 700]);
  });

  it('goes as soon as a batch is full, and takes full batches at once while it is behind', async () => {
    // Prepare: batch size 2, window 1 s; records at 0, 100, 200, 300, 400 ms; invocations take 1,000 ms.
    const batches: PacedBatch[] = [];
    const arrivals = [0, 100, 200, 300, 400].map((arrivalMs) => ({ arrivalMs }));

    // Act
    const latencies = await runConsumer(arrivals, { batchSize: 2, windowSeconds: 1 }, async (batch) => {
      batches.push(batch);
      return 1_000;
    });

    // Assess: [0, 100] full at 100 → done 1,100; [200, 300] waiting since 300 → 1,100 to 2,100; [400] alone,
    // its window passed at 1,400 → 2,100 to 3,100.
    expect(batches).toEqual([
      { start: 0, end: 2, startsAtMs: 100 },
      { start: 2, end: 4, startsAtMs: 1_100 },
      { start: 4, end: 5, startsAtMs: 2_100 },
    ]);
    expect(latencies).toEqual([1_100, 1_000, 1_900, 1_800, 2_700]);
  });
});
