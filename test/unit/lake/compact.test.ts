import { describe, expect, it } from 'vitest';
import { compactLake } from '../../../shared/lake/compact.ts';
import { landBatch } from '../../../shared/lake/land.ts';
import { eventsTable, quarantineTable } from '../../../shared/lake/schema.ts';
import { eventBatch, quarantinedEvent, streamRecord } from './envelopes.ts';
import { failing, MemoryObjectStore } from './memory-object-store.ts';
import { messageIdsUnder, rowsUnder } from './read-lake.ts';

const PARTITION = 'events/dt=2026-11-22/';
const ids = (...names: string[]) => names.map((name) => ({ messageId: name }));

/** Three landed files whose messageIds overlap: {1,2,3,4}, {3,4,5} and {5,6,1,7} — 11 rows, 7 distinct. */
async function landOverlappingFiles(store: MemoryObjectStore): Promise<void> {
  await landBatch(store, eventBatch(100, ids('1', '2', '3', '4')));
  await landBatch(store, eventBatch(200, ids('3', '4', '5')));
  await landBatch(store, eventBatch(300, ids('5', '6', '1', '7')));
}

const landedFiles = (store: MemoryObjectStore) =>
  store.keys(PARTITION).filter((key) => key.includes('/land-'));
const compactedFiles = (store: MemoryObjectStore) =>
  store.keys(PARTITION).filter((key) => key.includes('/compact-'));

describe('compactLake', () => {
  it('merges the landed files of a partition into one file with one row per messageId', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);

    // Act
    const summary = await compactLake(store);

    // Assess
    expect(await messageIdsUnder(store, eventsTable, PARTITION)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(landedFiles(store)).toEqual([]);
    expect(compactedFiles(store)).toHaveLength(1);
    expect(store.keys('_compaction/')).toEqual([]);
    expect(summary).toMatchObject({
      rowsIn: 11,
      rowsOut: 7,
      duplicatesDropped: 4,
      failures: [],
      deferred: 0,
    });
    expect(summary.partitions).toMatchObject([{ table: 'events', dt: '2026-11-22', landedFiles: 3 }]);
  });

  it('fails a run that overlaps another over the same partition instead of overwriting its output', async () => {
    // Prepare: run B lists the three landed files; while it reads the second, run A compacts them all.
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);
    const [, second] = landedFiles(store);
    let interleaved = false;
    store.hooks.beforeGet = async (key) => {
      if (interleaved || key !== second) return;
      interleaved = true;
      const hooks = store.hooks;
      store.hooks = {};
      await compactLake(store);
      store.hooks = hooks;
    };

    // Act
    const summaryOfB = await compactLake(store);

    // Assess: A's output holds the 7 distinct ids once each; B wrote nothing and says why.
    expect(interleaved).toBe(true);
    expect(summaryOfB.failures).toMatchObject([{ table: 'events', dt: '2026-11-22' }]);
    const rows = await rowsUnder(store, eventsTable, PARTITION);
    expect(rows.map((row) => row.message_id).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('keeps the copy received first when copies of a messageId sit in different landed files', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await landBatch(
      store,
      eventBatch(1, [{ messageId: 'm', event: 'Second', receivedAt: '2026-11-22T10:00:09Z' }]),
    );
    await landBatch(
      store,
      eventBatch(2, [{ messageId: 'm', event: 'First', receivedAt: '2026-11-22T10:00:01Z' }]),
    );

    // Act
    await compactLake(store);

    // Assess
    const rows = await rowsUnder(store, eventsTable, PARTITION);
    expect(rows.map((row) => row.event)).toEqual(['First']);
  });

  it('drops rows whose messageId an earlier compaction already holds', async () => {
    // Prepare: a first run compacts 1–7; then a replay lands 2 again next to a new 8.
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);
    await compactLake(store);
    await landBatch(store, eventBatch(400, ids('2', '8')));

    // Act
    const summary = await compactLake(store);

    // Assess
    expect(await messageIdsUnder(store, eventsTable, PARTITION)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ]);
    expect(summary).toMatchObject({ rowsIn: 2, rowsOut: 1, duplicatesDropped: 1 });
    expect(compactedFiles(store)).toHaveLength(2);
  });

  it('splits a merge larger than the row limit into several files', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);

    // Act
    await compactLake(store, { maxRowsPerFile: 3 });

    // Assess: 7 rows in files of at most 3 → 3 + 3 + 1.
    const sizes = [];
    for (const key of compactedFiles(store)) sizes.push((await rowsUnder(store, eventsTable, key)).length);
    expect(sizes).toEqual([3, 3, 1]);
    expect(await messageIdsUnder(store, eventsTable, PARTITION)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('ends with no duplicates when a run crashed between writing its file and deleting its inputs', async () => {
    // Prepare: the first run writes the compacted file, then dies at its first delete.
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);
    store.hooks.beforeDelete = failing((keys: readonly string[]) =>
      keys.some((key) => key.includes('/land-')),
    );
    const crashed = await compactLake(store);
    store.hooks = {};
    const visibleAfterCrash = (await rowsUnder(store, eventsTable, PARTITION)).length;

    // Act
    await compactLake(store);

    // Assess: 11 landed + 7 compacted rows were visible after the crash; 7 after the re-run.
    expect(crashed.failures).toHaveLength(1);
    expect(visibleAfterCrash).toBe(18);
    const rows = await rowsUnder(store, eventsTable, PARTITION);
    expect(rows.map((row) => String(row.message_id)).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(landedFiles(store)).toEqual([]);
    expect(store.keys('_compaction/')).toEqual([]);
  });

  it('ends with no duplicates and no loss when a run crashed halfway through writing its files', async () => {
    // Prepare: parts of 3 rows; the run dies writing its third part, after two parts (6 rows) are stored.
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);
    store.hooks.beforePut = failing((key: string) => key.endsWith('-0002.parquet'));
    await compactLake(store, { maxRowsPerFile: 3 });
    store.hooks = {};

    // Act: the re-run cuts the same rows into one part instead.
    await compactLake(store, { maxRowsPerFile: 10 });

    // Assess
    const rows = await rowsUnder(store, eventsTable, PARTITION);
    expect(rows.map((row) => String(row.message_id)).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(compactedFiles(store)).toHaveLength(1);
  });

  it('ends with no duplicates and no loss when new files landed between a crashed run and its re-run', async () => {
    // Prepare: the run dies after its first part; then 7 and 9 land.
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);
    store.hooks.beforePut = failing((key: string) => key.endsWith('-0001.parquet'));
    await compactLake(store, { maxRowsPerFile: 3 });
    store.hooks = {};
    await landBatch(store, eventBatch(500, ids('7', '9')));

    // Act
    await compactLake(store, { maxRowsPerFile: 3 });

    // Assess
    expect(await messageIdsUnder(store, eventsTable, PARTITION)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '9',
    ]);
    expect(landedFiles(store)).toEqual([]);
    expect(store.keys('_compaction/')).toEqual([]);
  });

  it('leaves a file that lands during the run, with its marker, for the next run', async () => {
    // Prepare: a batch lands while the compactor reads its inputs.
    const store = new MemoryObjectStore();
    await landBatch(store, eventBatch(1, ids('a', 'b')));
    let landedMeanwhile = false;
    store.hooks.beforeGet = async () => {
      if (landedMeanwhile) return;
      landedMeanwhile = true;
      await landBatch(store, eventBatch(3, ids('b', 'c')));
    };

    // Act
    await compactLake(store);
    store.hooks = {};
    const pendingAfterFirstRun = store.keys('_compaction/');
    await compactLake(store);

    // Assess
    expect(pendingAfterFirstRun).toEqual([
      '_compaction/pending/events/dt=2026-11-22/shardId-000000000000_3_4',
    ]);
    expect(await messageIdsUnder(store, eventsTable, PARTITION)).toEqual(['a', 'b', 'c']);
    expect(store.keys('_compaction/')).toEqual([]);
  });

  it('merges a partition in several steps when its landed files exceed the input limit', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);

    // Act: a 1-byte limit makes each landed file a step of its own.
    const summary = await compactLake(store, { maxInputBytes: 1 });

    // Assess
    expect(await messageIdsUnder(store, eventsTable, PARTITION)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(compactedFiles(store)).toHaveLength(3);
    expect(summary).toMatchObject({ rowsIn: 11, rowsOut: 7 });
  });

  it('removes a marker whose file an earlier run already merged', async () => {
    // Prepare: a marker with no landed file beside it.
    const store = new MemoryObjectStore();
    await store.put('_compaction/pending/events/dt=2026-11-22/shardId-000000000000_1_1', new Uint8Array());

    // Act
    const summary = await compactLake(store);

    // Assess
    expect(store.keys()).toEqual([]);
    expect(summary).toMatchObject({ rowsIn: 0, rowsOut: 0, failures: [] });
  });

  it('compacts quarantine partitions into the quarantine table', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const quarantined = (seq: string, messageId: string) =>
      streamRecord(seq, { schema: 'cdp.quarantine/1', quarantined: quarantinedEvent({ messageId }) });
    await landBatch(store, { shardId: 's', records: [quarantined('1', 'q1'), quarantined('2', 'q2')] });
    await landBatch(store, { shardId: 's', records: [quarantined('2', 'q2'), quarantined('3', 'q3')] });

    // Act
    await compactLake(store);

    // Assess
    expect(await messageIdsUnder(store, quarantineTable, 'quarantine/dt=2026-11-22/')).toEqual([
      'q1',
      'q2',
      'q3',
    ]);
    expect(store.keys('quarantine/').every((key) => key.includes('/compact-'))).toBe(true);
  });

  it('leaves partitions pending when told to stop, for the next run', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);

    // Act
    const summary = await compactLake(store, { shouldStop: () => true });

    // Assess
    expect(summary).toMatchObject({ partitions: [], deferred: 1 });
    expect(landedFiles(store)).toHaveLength(3);
    expect(store.keys('_compaction/')).toHaveLength(3);
  });

  it('keeps the markers of the files it did not reach when told to stop within a partition', async () => {
    // Prepare: each landed file a step of its own; stop is asked before the partition and before step 2.
    const store = new MemoryObjectStore();
    await landOverlappingFiles(store);
    const answers = [false, true];

    // Act
    await compactLake(store, { maxInputBytes: 1, shouldStop: () => answers.shift() ?? true });

    // Assess: the first file (batch 100–103) is merged; the other two stay, each with its marker.
    expect(landedFiles(store)).toEqual([
      'events/dt=2026-11-22/land-shardId-000000000000_200_202.parquet',
      'events/dt=2026-11-22/land-shardId-000000000000_300_303.parquet',
    ]);
    expect(store.keys('_compaction/')).toEqual([
      '_compaction/pending/events/dt=2026-11-22/shardId-000000000000_200_202',
      '_compaction/pending/events/dt=2026-11-22/shardId-000000000000_300_303',
    ]);
  });

  it('goes on with the other partitions when one fails, and keeps the failed one pending', async () => {
    // Prepare: the 21st's file cannot be read back.
    const store = new MemoryObjectStore();
    await landBatch(store, eventBatch(1, [{ messageId: 'old', timestamp: '2026-11-21T08:00:00Z' }]));
    await landBatch(store, eventBatch(2, ids('new')));
    await store.put(
      'events/dt=2026-11-21/land-shardId-000000000000_1_1.parquet',
      new TextEncoder().encode('junk'),
    );

    // Act
    const summary = await compactLake(store);

    // Assess
    expect(summary.failures.map((failure) => `${failure.table}/${failure.dt}`)).toEqual([
      'events/2026-11-21',
    ]);
    expect(compactedFiles(store)).toHaveLength(1);
    expect(store.keys('_compaction/')).toEqual([
      '_compaction/pending/events/dt=2026-11-21/shardId-000000000000_1_1',
    ]);
  });
});
