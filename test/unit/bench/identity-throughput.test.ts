import { describe, expect, it } from 'vitest';
import { cutBatches } from '../../bench/identity-throughput.ts';
import type { WorkloadEvent } from '../../bench/identity-workload.ts';

function at(...times: number[]): WorkloadEvent[] {
  return times.map((atMs, index) => ({
    person: index,
    session: 0,
    atMs,
    type: 'page',
    messageId: `m${index}`,
    anonymousId: `a${index}`,
  }));
}

describe('cutting the stream into resolve batches', () => {
  it('closes a batch at the batch size or when the window its first record opened has passed', () => {
    // Prepare: batch size 3, window 10 s. 0, 1, 2 s fill a batch, which goes at 2 s; 3 s opens the next (until
    // 13 s, when it goes), which 12 s joins and 14 s does not; 14 s opens the last, which goes at 24 s.
    const events = at(0, 1_000, 2_000, 3_000, 12_000, 14_000);

    // Act
    const batches = cutBatches(events, { batchSize: 3, windowSeconds: 10 });

    // Assess
    expect(batches).toEqual([
      { start: 0, end: 3, closesAtMs: 2_000 },
      { start: 3, end: 5, closesAtMs: 13_000 },
      { start: 5, end: 6, closesAtMs: 24_000 },
    ]);
  });
});
