import { describe, expect, it } from 'vitest';
import { compactLake } from '../../../shared/lake/compact.ts';
import { writeLandedFile } from '../../../shared/lake/land.ts';
import { lakeFile, snapshotFileKey } from '../../../shared/lake/layout.ts';
import { encodeParquet } from '../../../shared/lake/parquet.ts';
import type { LakeRow } from '../../../shared/lake/rows.ts';
import { identityLinksTable, identityMergesTable } from '../../../shared/lake/schema.ts';
import { MemoryObjectStore } from './memory-object-store.ts';
import { rowsUnder } from './read-lake.ts';

const DT = '2026-11-22';
const LINKS = `identity_links/dt=${DT}/`;
const MERGES = `identity_merges/dt=${DT}/`;
const at = (time: string) => new Date(`${DT}T${time}Z`);

function link(value: string, profileId: string, time: string): LakeRow {
  return {
    id_type: 'anonymous_id',
    id_value: value,
    profile_id: profileId,
    resolved_at: at(time),
    schema_version: 2,
  };
}

function merge(merged: string, into: string, time: string, messageId: string | null): LakeRow {
  return {
    merged_profile_id: merged,
    into_profile_id: into,
    merged_at: at(time),
    message_id: messageId,
    schema_version: 2,
  };
}

/** `value → profile @ time` per row, sorted. */
async function linksIn(store: MemoryObjectStore): Promise<string[]> {
  return (await rowsUnder(store, identityLinksTable, LINKS))
    .map(
      (row) =>
        `${row.id_value} → ${row.profile_id} @ ${(row.resolved_at as Date).toISOString().slice(11, 19)}`,
    )
    .sort();
}

describe('compacting identity_links', () => {
  it('keeps the latest row per identifier, the smaller profile id at equal times', async () => {
    // Prepare: x moves from pB to pA; y is published twice alike; z has two profiles at one time.
    const store = new MemoryObjectStore();
    await writeLandedFile(
      store,
      identityLinksTable,
      DT,
      [link('x', 'pB', '10:00:00'), link('y', 'pC', '10:00:00'), link('z', 'pB', '11:00:00')],
      'b1',
    );
    await writeLandedFile(
      store,
      identityLinksTable,
      DT,
      [link('x', 'pA', '10:30:00'), link('y', 'pC', '10:00:00'), link('z', 'pA', '11:00:00')],
      'b2',
    );

    // Act
    const summary = await compactLake(store);

    // Assess: 6 rows in, one per identifier out.
    expect(await linksIn(store)).toEqual(['x → pA @ 10:30:00', 'y → pC @ 10:00:00', 'z → pA @ 11:00:00']);
    expect(summary).toMatchObject({ rowsIn: 6, rowsOut: 3, failures: [] });
    expect(store.keys(LINKS).every((key) => lakeFile(key).kind === 'compacted')).toBe(true);
    expect(store.keys('_compaction/')).toEqual([]);
  });

  it('adds a later row beside the compacted one, and drops a copy that is not later', async () => {
    // Prepare: x → pB is compacted; then a replay lands it again, with x → pA published later.
    const store = new MemoryObjectStore();
    await writeLandedFile(store, identityLinksTable, DT, [link('x', 'pB', '10:00:00')], 'b1');
    await compactLake(store);
    await writeLandedFile(
      store,
      identityLinksTable,
      DT,
      [link('x', 'pB', '10:00:00'), link('x', 'pA', '12:00:00'), link('w', 'pB', '09:00:00')],
      'b2',
    );

    // Act
    await compactLake(store);

    // Assess: the latest row of x is the new one; the older stays (the identity_map view reads the latest).
    expect(await linksIn(store)).toEqual(['w → pB @ 09:00:00', 'x → pA @ 12:00:00', 'x → pB @ 10:00:00']);
  });

  it("counts the snapshot's files as compacted: a copy of a snapshot row is dropped", async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await store.put(
      snapshotFileKey(identityLinksTable, DT, '20261122t000500000z', 0),
      encodeParquet(identityLinksTable, [link('x', 'pA', '08:00:00')]),
    );
    await writeLandedFile(
      store,
      identityLinksTable,
      DT,
      [link('x', 'pA', '08:00:00'), link('y', 'pA', '08:00:00')],
      'b1',
    );

    // Act
    await compactLake(store);

    // Assess
    expect(await linksIn(store)).toEqual(['x → pA @ 08:00:00', 'y → pA @ 08:00:00']);
    expect(store.keys(LINKS).map((key) => lakeFile(key).kind)).toEqual(['compacted', 'snapshot']);
  });
});

describe('compacting identity_merges', () => {
  it('keeps one row per merged profile: the earliest, the one naming its message at equal times', async () => {
    // Prepare: p2's merge from the resolver (m3) and from a snapshot (no message); p4's at two times.
    const store = new MemoryObjectStore();
    await writeLandedFile(
      store,
      identityMergesTable,
      DT,
      [merge('p2', 'p1', '10:00:00', null), merge('p4', 'p3', '11:00:05', 'm8')],
      'snapshot-a-0000',
    );
    await writeLandedFile(
      store,
      identityMergesTable,
      DT,
      [merge('p2', 'p1', '10:00:00', 'm3'), merge('p4', 'p3', '11:00:00', 'm9')],
      'b1',
    );

    // Act
    await compactLake(store);

    // Assess
    const rows = await rowsUnder(store, identityMergesTable, MERGES);
    expect(rows.map((row) => [row.merged_profile_id, row.message_id])).toEqual([
      ['p2', 'm3'],
      ['p4', 'm9'],
    ]);
  });

  it('never adds a second row for a merge already compacted', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await writeLandedFile(store, identityMergesTable, DT, [merge('p2', 'p1', '10:00:00', 'm3')], 'b1');
    await compactLake(store);
    await writeLandedFile(store, identityMergesTable, DT, [merge('p2', 'p1', '09:00:00', null)], 'b2');

    // Act
    const summary = await compactLake(store);

    // Assess
    const rows = await rowsUnder(store, identityMergesTable, MERGES);
    expect(rows.map((row) => [row.merged_profile_id, row.message_id])).toEqual([['p2', 'm3']]);
    expect(summary).toMatchObject({ rowsIn: 1, rowsOut: 0 });
  });
});

describe('lakeFile', () => {
  it('tells snapshot files apart', () => {
    expect(lakeFile(snapshotFileKey(identityLinksTable, DT, '20261122t000500000z', 3))).toEqual({
      kind: 'snapshot',
      runId: '20261122t000500000z',
    });
    expect(lakeFile(`${LINKS}snapshot-Run-0000.parquet`)).toEqual({ kind: 'other' });
  });
});
