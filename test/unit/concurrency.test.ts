import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../shared/concurrency.ts';

describe('mapConcurrently', () => {
  it('keeps the results in input order with at most the given calls in flight', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;

    // Act
    const results = await mapConcurrently([30, 10, 20, 0, 5], 2, async (ms) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight -= 1;
      return ms * 2;
    });

    // Assess
    expect(results).toEqual([60, 20, 40, 0, 10]);
    expect(most).toBe(2);
  });

  it('starts no new call once one failed', async () => {
    // Prepare: two workers; item 1 fails at once while item 0 is still running.
    const started: number[] = [];

    // Act
    const run = mapConcurrently([0, 1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error('throttled');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return item;
    });

    // Assess: 0 and 1 started; after 1 failed, 0's worker stops instead of taking 2.
    await expect(run).rejects.toThrow('throttled');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual([0, 1]);
  });
});
