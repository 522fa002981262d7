import { describe, expect, it } from 'vitest';
import {
  batchId,
  compactedFileKey,
  compactionRunId,
  lakeFile,
  pendingMarker,
  pendingMarkerKey,
} from '../../../shared/lake/layout.ts';
import { eventsTable, quarantineTable } from '../../../shared/lake/schema.ts';

describe('lake layout', () => {
  it('reads a marker key back to its table, partition and batch', () => {
    // Prepare
    const key = pendingMarkerKey(quarantineTable, '2026-11-22', 'shardId-000000000000_1_9');

    // Act
    const marker = pendingMarker(key);

    // Assess
    expect(key).toBe('_compaction/pending/quarantine/dt=2026-11-22/shardId-000000000000_1_9');
    expect(marker).toMatchObject({
      table: quarantineTable,
      dt: '2026-11-22',
      batch: 'shardId-000000000000_1_9',
    });
  });

  it.each([
    '_compaction/pending/profiles/dt=2026-11-22/b',
    '_compaction/pending/events/dt=22-11-2026/b',
    '_compaction/pending/events/2026-11-22/b',
    '_compaction/pending/events/dt=2026-11-22/',
    '_compaction/pending/events/dt=2026-11-22/b/extra',
    'events/dt=2026-11-22/land-b.parquet',
  ])('does not take %s for a marker', (key) => {
    expect(pendingMarker(key)).toBeUndefined();
  });

  it('tells landed, compacted and other objects of a partition apart', () => {
    expect(lakeFile('events/dt=2026-11-22/land-s_1_2.parquet')).toEqual({ kind: 'landed', batch: 's_1_2' });
    expect(lakeFile(compactedFileKey(eventsTable, '2026-11-22', 'abc123', 12))).toEqual({
      kind: 'compacted',
      runId: 'abc123',
    });
    expect(lakeFile('events/dt=2026-11-22/compact-abc123-0012.parquet.tmp')).toEqual({ kind: 'other' });
    expect(lakeFile('events/dt=2026-11-22/notes.txt')).toEqual({ kind: 'other' });
  });

  it('keeps characters that have no place in a key out of batch ids', () => {
    expect(batchId('shard/0:x', '1', '2')).toBe('shard-0-x_1_2');
  });

  it('names a compaction run by its set of inputs, whatever their order', () => {
    // Prepare
    const inputs = ['events/dt=2026-11-22/land-a.parquet', 'events/dt=2026-11-22/land-b.parquet'];

    // Act
    const forward = compactionRunId(inputs);
    const backward = compactionRunId([...inputs].reverse());
    const fewer = compactionRunId(inputs.slice(0, 1));

    // Assess
    expect(forward).toBe(backward);
    expect(forward).not.toBe(fewer);
    expect(forward).toMatch(/^[0-9a-f]{24}$/);
  });
});
