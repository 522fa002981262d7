import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import { decodeParquet, encodeParquet } from '../../../shared/lake/parquet.ts';
import { eventRow, type LakeRow, quarantineRow } from '../../../shared/lake/rows.ts';
import {
  eventsTable,
  identityLinksTable,
  identityMergesTable,
  type LakeTable,
  quarantineTable,
} from '../../../shared/lake/schema.ts';
import { ErasureMatcher } from '../../../shared/privacy/lake-match.ts';
import { eraseFromLake, FAILURE_RECORDS } from '../../../shared/privacy/lake-pass.ts';
import { event, rulesOf } from '../identity/fixtures.ts';
import { quarantinedEvent } from '../lake/envelopes.ts';
import { VersionedMemoryStore } from './fakes.ts';

const rules = rulesOf();
const hex = (text: string) => createHash('sha256').update(text).digest('hex');
const at = new Date('2026-11-21T00:00:00.000Z');

const ann = {
  erasureId: 'e-ann',
  profileIds: ['p-ann'],
  identities: [
    { type: 'user_id', value: 'u-ann' },
    { type: 'anonymous_id', value: 'a-ann' },
    { type: 'email', value: 'ann@example.com' },
  ],
};

const events = (...rows: [messageId: string, userId: string | undefined, anonymousId: string][]) =>
  rows.map(([messageId, userId, anonymousId]) =>
    eventRow(event({ messageId, anonymousId, ...(userId === undefined ? {} : { userId }) })),
  );

const failureRecord = (...envelopes: Uint8Array[]) =>
  new TextEncoder().encode(
    JSON.stringify({
      version: '1.0',
      KinesisBatchInfo: { shardId: 'shardId-000000000000', batchSize: envelopes.length },
      payload: {
        Records: envelopes.map((data, index) => ({
          eventID: `shardId-000000000000:${index}`,
          kinesis: { sequenceNumber: String(index), data: Buffer.from(data).toString('base64') },
        })),
      },
    }),
  );

/**
 * A lake with Ann (to erase) and Bob in every table, and an old version of a file compaction deleted that
 * still holds one of Ann's rows.
 */
async function lake() {
  const store = new VersionedMemoryStore();
  const put = (table: LakeTable, key: string, rows: LakeRow[]) => store.put(key, encodeParquet(table, rows));
  await put(eventsTable, 'events/dt=2026-11-20/land-old.parquet', events(['ann-0', 'u-ann', 'a-ann']));
  await store.delete(['events/dt=2026-11-20/land-old.parquet']);
  await put(eventsTable, 'events/dt=2026-11-20/land-older.parquet', events(['bob-0', 'u-bob', 'a-bob']));
  await store.delete(['events/dt=2026-11-20/land-older.parquet']);
  await put(
    eventsTable,
    'events/dt=2026-11-20/compact-aa-0000.parquet',
    events(['bob-1', 'u-bob', 'a-bob'], ['carl-1', undefined, 'a-carl']),
  );
  await put(
    eventsTable,
    'events/dt=2026-11-20/land-a.parquet',
    events(['ann-1', 'u-ann', 'a-ann'], ['bob-2', 'u-bob', 'a-bob']),
  );
  await put(eventsTable, 'events/dt=2026-11-21/land-b.parquet', [
    eventRow(
      event({ messageId: 'ann-2', anonymousId: 'a-new', context: { traits: { email: 'ann@example.com' } } }),
    ),
  ]);
  await put(quarantineTable, 'quarantine/dt=2026-11-21/land-c.parquet', [
    quarantineRow(quarantinedEvent({ messageId: 'q-ann', raw: '{"userId":"u-ann"}' })),
    quarantineRow(quarantinedEvent({ messageId: 'q-bob', raw: '{"userId":"u-bob"}' })),
  ]);
  await put(identityLinksTable, 'identity_links/dt=2026-11-21/land-d.parquet', [
    { id_type: 'user_id', id_value: 'u-ann', profile_id: 'p-ann', resolved_at: at, schema_version: 2 },
    {
      id_type: 'email_sha256',
      id_value: hex('ann@example.com'),
      profile_id: 'p-ann',
      resolved_at: at,
      schema_version: 2,
    },
    { id_type: 'user_id', id_value: 'u-bob', profile_id: 'p-bob', resolved_at: at, schema_version: 2 },
  ]);
  await put(identityMergesTable, 'identity_merges/dt=2026-11-21/land-e.parquet', [
    {
      merged_profile_id: 'p-ann-old',
      into_profile_id: 'p-ann',
      merged_at: at,
      message_id: 'ann-1',
      schema_version: 2,
    },
    {
      merged_profile_id: 'p-bob-old',
      into_profile_id: 'p-bob',
      merged_at: at,
      message_id: 'bob-1',
      schema_version: 2,
    },
  ]);
  const envelope = (userId: string) => encodeEnvelope({ schema: 'cdp.event/1', event: event({ userId }) });
  const recordKey = 'aws/lambda/mapping-1/shardId-000000000000/2026/11/21/2026-11-21T10.00.00-x';
  await store.put(recordKey, failureRecord(envelope('u-ann'), envelope('u-bob')));
  return {
    store,
    recordKey,
    untouched: (await store.get('events/dt=2026-11-20/compact-aa-0000.parquet'))?.slice(),
  };
}

async function rowsOf(store: VersionedMemoryStore, table: LakeTable, key: string) {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : decodeParquet(table, bytes);
}

describe('eraseFromLake', () => {
  it("removes the person's rows from every table, their failure records and old versions, and nothing else", async () => {
    // Prepare
    const { store, recordKey, untouched } = await lake();

    // Act
    const result = await eraseFromLake(store, new ErasureMatcher([ann]), { rules, versions: store });

    // Assess
    expect(result.complete).toBe(true);
    expect(result.removals.get('e-ann')).toEqual({
      // land-a rewritten, land-b deleted; old versions: land-a's and land-b's replaced ones, and land-old.
      events: { filesRewritten: 1, filesDeleted: 1, rowsRemoved: 2, oldVersionsDeleted: 3 },
      quarantine: { filesRewritten: 1, filesDeleted: 0, rowsRemoved: 1, oldVersionsDeleted: 1 },
      identity_links: { filesRewritten: 1, filesDeleted: 0, rowsRemoved: 2, oldVersionsDeleted: 1 },
      identity_merges: { filesRewritten: 1, filesDeleted: 0, rowsRemoved: 1, oldVersionsDeleted: 1 },
      [FAILURE_RECORDS]: { filesRewritten: 1, filesDeleted: 0, rowsRemoved: 1, oldVersionsDeleted: 1 },
    });
    expect(
      (await rowsOf(store, eventsTable, 'events/dt=2026-11-20/land-a.parquet'))?.map((row) => row.message_id),
    ).toEqual(['bob-2']);
    expect(store.keys('events/dt=2026-11-21/')).toEqual([]);
    expect(await store.get('events/dt=2026-11-20/compact-aa-0000.parquet')).toEqual(untouched);
    expect(
      (await rowsOf(store, quarantineTable, 'quarantine/dt=2026-11-21/land-c.parquet'))?.map(
        (row) => row.message_id,
      ),
    ).toEqual(['q-bob']);
    expect(
      (await rowsOf(store, identityLinksTable, 'identity_links/dt=2026-11-21/land-d.parquet'))?.map(
        (row) => row.id_value,
      ),
    ).toEqual(['u-bob']);
    expect(
      (await rowsOf(store, identityMergesTable, 'identity_merges/dt=2026-11-21/land-e.parquet'))?.map(
        (row) => row.merged_profile_id,
      ),
    ).toEqual(['p-bob-old']);
    const record = JSON.parse(new TextDecoder().decode(await store.get(recordKey))) as {
      payload: { Records: { kinesis: { data: string } }[] };
    };
    expect(
      record.payload.Records.map(
        (r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()).event.userId,
      ),
    ).toEqual(['u-bob']);
    // Only Bob's old version of a compacted-away file is left.
    expect(store.old.map((version) => version.key)).toEqual(['events/dt=2026-11-20/land-older.parquet']);
  });

  it('resumes after the last folder finished and ends as one uninterrupted pass would', async () => {
    // Prepare: stop once the pass has started on the second partition of events.
    const { store } = await lake();
    const reference = await lake();
    await eraseFromLake(reference.store, new ErasureMatcher([ann]), { rules, versions: reference.store });
    let inSecondPartition = false;
    store.hooks.beforeGet = (key) => {
      if (key.startsWith('events/dt=2026-11-21/')) inSecondPartition = true;
    };
    const matcher = new ErasureMatcher([ann]);

    // Act
    const first = await eraseFromLake(store, matcher, {
      rules,
      versions: store,
      shouldStop: () => inSecondPartition,
    });
    store.hooks.beforeGet = undefined;
    const second = await eraseFromLake(store, matcher, {
      rules,
      versions: store,
      ...(first.cursor ? { cursor: first.cursor } : {}),
    });

    // Assess
    expect(first.complete).toBe(false);
    expect(first.cursor).toEqual({ area: 'events', after: 'events/dt=2026-11-20/' });
    expect(second.complete).toBe(true);
    expect(store.snapshot()).toEqual(reference.store.snapshot());
    expect(store.old.map((version) => version.key)).toEqual(
      reference.store.old.map((version) => version.key),
    );
    // Each removal counted once, in the pass that made it.
    const events = [first, second].map((pass) => pass.removals.get('e-ann')?.events);
    expect(events).toEqual([
      { filesRewritten: 1, filesDeleted: 1, rowsRemoved: 2, oldVersionsDeleted: 2 },
      { filesRewritten: 0, filesDeleted: 0, rowsRemoved: 0, oldVersionsDeleted: 1 },
    ]);
  });

  it('reports a file it cannot read as the error that stopped it, keeping what it did', async () => {
    // Prepare
    const { store } = await lake();
    await store.put('quarantine/dt=2026-11-22/land-z.parquet', new TextEncoder().encode('not parquet'));

    // Act
    const result = await eraseFromLake(store, new ErasureMatcher([ann]), { rules, versions: store });

    // Assess
    expect(result.complete).toBe(false);
    expect(result.error).toBeInstanceOf(Error);
    expect(result.cursor).toEqual({ area: 'quarantine', after: 'quarantine/dt=2026-11-21/' });
    expect(result.removals.get('e-ann')?.events?.rowsRemoved).toBe(2);
  });
});
