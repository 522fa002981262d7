import { describe, expect, it } from 'vitest';
import { LakeWriteError } from '../../../shared/lake/errors.ts';
import { type LandBatch, landBatch } from '../../../shared/lake/land.ts';
import { eventsTable, quarantineTable } from '../../../shared/lake/schema.ts';
import { eventBatch, eventRecord, quarantinedEvent, streamRecord } from './envelopes.ts';
import { failing, MemoryObjectStore } from './memory-object-store.ts';
import { messageIdsUnder, rowsUnder } from './read-lake.ts';

describe('landBatch', () => {
  it('puts events into the date partition of their corrected timestamp, either side of midnight UTC', async () => {
    // Prepare: both received after midnight; only the corrected times tell the days apart.
    const store = new MemoryObjectStore();
    const batch = eventBatch(1, [
      { messageId: 'late', timestamp: '2026-11-22T23:59:59.999Z', receivedAt: '2026-11-23T00:00:05.000Z' },
      { messageId: 'early', timestamp: '2026-11-23T00:00:00.000Z', receivedAt: '2026-11-23T00:00:05.000Z' },
    ]);

    // Act
    await landBatch(store, batch);

    // Assess
    expect(await messageIdsUnder(store, eventsTable, 'events/dt=2026-11-22/')).toEqual(['late']);
    expect(await messageIdsUnder(store, eventsTable, 'events/dt=2026-11-23/')).toEqual(['early']);
  });

  it('names each file and marker after the shard and the first and last sequence numbers of the batch', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const batch = eventBatch(41, [{ messageId: 'a' }, { messageId: 'b' }, { messageId: 'c' }]);

    // Act
    const result = await landBatch(store, batch);

    // Assess
    expect(store.keys()).toEqual([
      '_compaction/pending/events/dt=2026-11-22/shardId-000000000000_41_43',
      'events/dt=2026-11-22/land-shardId-000000000000_41_43.parquet',
    ]);
    expect(result.files).toEqual([
      {
        table: 'events',
        dt: '2026-11-22',
        key: 'events/dt=2026-11-22/land-shardId-000000000000_41_43.parquet',
        rows: 3,
      },
    ]);
  });

  it('drops repeated messageIds within the batch, keeping the copy received first', async () => {
    // Prepare: m-1 arrives twice; the second copy was received earlier (a client retry that overtook).
    const store = new MemoryObjectStore();
    const batch = eventBatch(1, [
      { messageId: 'm-1', event: 'Later Copy', receivedAt: '2026-11-22T10:00:09.000Z' },
      { messageId: 'm-2' },
      { messageId: 'm-1', event: 'Earlier Copy', receivedAt: '2026-11-22T10:00:03.000Z' },
    ]);

    // Act
    const result = await landBatch(store, batch);

    // Assess
    const rows = await rowsUnder(store, eventsTable, 'events/');
    expect(rows.map((row) => [row.message_id, row.event]).sort()).toEqual([
      ['m-1', 'Earlier Copy'],
      ['m-2', 'Order Completed'],
    ]);
    expect(result.duplicatesDropped).toBe(1);
  });

  it('reports a poison record by its sequence number and lands the records around it', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const batch: LandBatch = {
      shardId: 'shardId-000000000000',
      records: [
        eventRecord('100', { messageId: 'before' }),
        streamRecord('101', 'this is not an event envelope'),
        streamRecord('102', JSON.stringify({ schema: 'cdp.unknown/1' })),
        eventRecord('103', { messageId: 'after' }),
      ],
    };

    // Act
    const result = await landBatch(store, batch);

    // Assess
    expect(result.failures.map((failure) => failure.sequenceNumber)).toEqual(['101', '102']);
    expect(await messageIdsUnder(store, eventsTable, 'events/')).toEqual(['after', 'before']);
  });

  it('writes nothing and fails every record when no record is an envelope', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const batch: LandBatch = { shardId: 's', records: [streamRecord('7', '{}'), streamRecord('8', 'null')] };

    // Act
    const result = await landBatch(store, batch);

    // Assess
    expect(result.failures.map((failure) => failure.sequenceNumber)).toEqual(['7', '8']);
    expect(store.keys()).toEqual([]);
  });

  it('overwrites its own objects with the same bytes when the same batch is replayed', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const batch = eventBatch(5, [
      { messageId: 'x', timestamp: '2026-11-21T12:00:00.000Z' },
      { messageId: 'y', timestamp: '2026-11-22T12:00:00.000Z' },
    ]);
    await landBatch(store, batch);
    const first = store.snapshot();

    // Act
    await landBatch(store, batch);

    // Assess
    expect(store.snapshot()).toEqual(first);
    expect(store.keys('events/')).toHaveLength(2);
  });

  it('names a different cut of the stream differently', async () => {
    // Prepare
    const store = new MemoryObjectStore();

    // Act
    await landBatch(store, eventBatch(1, [{ messageId: 'a' }, { messageId: 'b' }]));
    await landBatch(store, eventBatch(2, [{ messageId: 'b' }]));

    // Assess
    expect(store.keys('events/')).toEqual([
      'events/dt=2026-11-22/land-shardId-000000000000_1_2.parquet',
      'events/dt=2026-11-22/land-shardId-000000000000_2_2.parquet',
    ]);
  });

  it('puts quarantined inputs into the quarantine table, by the date received', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const batch: LandBatch = {
      shardId: 'shardId-000000000001',
      records: [
        eventRecord('1', { messageId: 'good' }),
        streamRecord('2', {
          schema: 'cdp.quarantine/1',
          quarantined: quarantinedEvent({ messageId: 'bad', receivedAt: '2026-11-23T00:00:00.000Z' }),
        }),
      ],
    };

    // Act
    await landBatch(store, batch);

    // Assess
    const quarantined = await rowsUnder(store, quarantineTable, 'quarantine/');
    expect(quarantined.map((row) => [row.message_id, row.reason])).toEqual([
      ['bad', 'event is required for track'],
    ]);
    expect(store.keys('quarantine/')).toEqual([
      'quarantine/dt=2026-11-23/land-shardId-000000000001_1_2.parquet',
    ]);
    expect(await messageIdsUnder(store, eventsTable, 'events/')).toEqual(['good']);
    expect(store.keys('_compaction/pending/quarantine/')).toEqual([
      '_compaction/pending/quarantine/dt=2026-11-23/shardId-000000000001_1_2',
    ]);
  });

  it('fails the whole batch when an object cannot be written', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    store.hooks.beforePut = failing((key) => key.startsWith('events/'));

    // Act
    const landing = landBatch(store, eventBatch(1, [{ messageId: 'a' }]));

    // Assess
    await expect(landing).rejects.toThrow(LakeWriteError);
  });

  it('writes a partition file before its marker, so a marker never points at nothing', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const puts: string[] = [];
    store.hooks.beforePut = (key) => {
      puts.push(key);
    };

    // Act
    await landBatch(store, eventBatch(1, [{ messageId: 'a' }]));

    // Assess
    expect(puts.map((key) => key.split('/')[0])).toEqual(['events', '_compaction']);
  });

  it('does nothing for an empty batch', async () => {
    // Prepare
    const store = new MemoryObjectStore();

    // Act
    const result = await landBatch(store, { shardId: 's', records: [] });

    // Assess
    expect(result).toEqual({ failures: [], files: [], duplicatesDropped: 0 });
    expect(store.keys()).toEqual([]);
  });
});
