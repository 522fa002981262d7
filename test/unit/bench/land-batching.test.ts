import { describe, expect, it } from 'vitest';
import { type ArrivedRecord, landingPuts, simulateBatches } from '../../bench/land-batching.ts';

const settings = { batchSize: 2, windowSeconds: 30, maxPayloadBytes: 6 * 2 ** 20, envelopeBytes: 14 };

function record(arrivalMs: number, partition = 'events/2026-11-22', eventBytes = 100): ArrivedRecord {
  return { arrivalMs, eventBytes, partition };
}

describe('land batches at the topology settings', () => {
  it('closes a batch at the batch size, when the window has passed, and at the end', () => {
    // Prepare: two records fill a batch; the third waits alone until the fourth arrives 39.8 s after it.
    const records = [
      record(0),
      record(100),
      record(200),
      record(40_000),
      record(40_100, 'quarantine/2026-11-22'),
    ];

    // Act
    const batches = simulateBatches(records, settings);

    // Assess
    expect(batches).toEqual([
      { records: 2, partitions: 1, closedBy: 'batchSize' },
      { records: 1, partitions: 1, closedBy: 'window' },
      { records: 2, partitions: 2, closedBy: 'window' },
    ]);
    // 1 + 1 + 2 partitions, each a file and a marker.
    expect(landingPuts(batches)).toBe(8);
  });

  it('closes a batch before the record that would pass the payload limit', () => {
    // Prepare: 14 + 3,000,000 + 3,000,000 fits in 6,291,456 bytes; a third record of 3,000,000 does not.
    const big = (at: number) => record(at, 'events/2026-11-22', 3_000_000);

    // Act
    const batches = simulateBatches([big(0), big(1), big(2)], { ...settings, batchSize: 10 });

    // Assess
    expect(batches.map((batch) => [batch.records, batch.closedBy])).toEqual([
      [2, 'payload'],
      [1, 'window'],
    ]);
  });

  it('makes no batch of no records', () => {
    expect(simulateBatches([], settings)).toEqual([]);
  });
});
