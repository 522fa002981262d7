import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createResolveHandler } from '../../../functions/resolve/app.ts';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import type { CollectedEvent } from '../../../shared/events/model.ts';
import type { ProfileMerge } from '../../../shared/identity/plan.ts';
import { identityLinkRows, publishIdentityMap } from '../../../shared/identity/publish.ts';
import { type ResolveOptions, resolveBatch } from '../../../shared/identity/resolve.ts';
import { LakeWriteError } from '../../../shared/lake/errors.ts';
import { identityLinksTable, identityMergesTable } from '../../../shared/lake/schema.ts';
import { failing, MemoryObjectStore } from '../lake/memory-object-store.ts';
import { rowsUnder } from '../lake/read-lake.ts';
import { batchOf, event, MemoryGraphStore, rulesOf } from './fixtures.ts';

/** Profile ids p0001, p0002, … in creation order, and a clock the test sets. */
function resolution(now: { ms: number }): ResolveOptions {
  let ids = 0;
  return {
    rules: rulesOf(),
    now: () => now.ms,
    newProfileId: () => {
      ids += 1;
      return `p${String(ids).padStart(4, '0')}`;
    },
    sleep: async () => {},
  };
}

function identify(messageId: string, fields: Partial<CollectedEvent>): CollectedEvent {
  return event({ messageId, type: 'identify', event: undefined, ...fields });
}

/** The rows as `(type, value) → profile @ ms` strings, sorted, for readable comparisons. */
function links(rows: readonly Record<string, unknown>[]): string[] {
  return rows
    .map(
      (row) => `${row.id_type}:${row.id_value} → ${row.profile_id} @ ${(row.resolved_at as Date).getTime()}`,
    )
    .sort();
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const digestOfAnn = sha256('ann@example.com');

describe('the identity map rows of a batch', () => {
  it('re-publishes the merged side under the survivor, and names the message that merged them', async () => {
    // Prepare: p0001 is an anonymous visitor (created at 1000), p0002 a user (created at 2000).
    const store = new MemoryGraphStore();
    const clock = { ms: 1_000 };
    const options = resolution(clock);
    await resolveBatch(store, batchOf([event({ messageId: 'm1', anonymousId: 'a1' })], 's', 1), options);
    clock.ms = 2_000;
    await resolveBatch(store, batchOf([identify('m2', { userId: 'u1' })], 's', 2), options);
    clock.ms = 3_000;

    // Act: the login links the two; the older profile, p0001, survives.
    const result = await resolveBatch(
      store,
      batchOf([identify('m3', { userId: 'u1', anonymousId: 'a1' })], 's', 3),
      options,
    );

    // Assess
    expect(result.profiles.map((profile) => profile.profileId)).toEqual(['p0001']);
    expect(
      links(result.profiles.flatMap((p) => identityLinkRows(p, { plaintextIdentifiers: false }))),
    ).toEqual(['anonymous_id:a1 → p0001 @ 3000', 'user_id:u1 → p0001 @ 3000']);
    expect(result.merges).toEqual([{ profileId: 'p0002', mergedInto: 'p0001', messageId: 'm3', at: 3_000 }]);
  });

  it('publishes the same rows when a batch is delivered again after its commit', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const clock = { ms: 1_000 };
    const options = resolution(clock);
    const batch = batchOf([
      event({ messageId: 'm1', anonymousId: 'a1' }),
      identify('m2', { anonymousId: 'a1', userId: 'u1', traits: { email: 'Ann@Example.com' } }),
    ]);
    const first = await resolveBatch(store, batch, options);
    clock.ms = 9_000;

    // Act: as if the lake write had failed and Lambda delivered the batch again later.
    const replay = await resolveBatch(store, batch, options);

    // Assess: nothing applied twice; the same rows, with the time of the commit they describe.
    const rowsOf = (result: typeof first) =>
      links(result.profiles.flatMap((p) => identityLinkRows(p, { plaintextIdentifiers: false })));
    expect(replay).toMatchObject({ applied: 0, skipped: 2 });
    expect(rowsOf(replay)).toEqual(rowsOf(first));
    expect(rowsOf(first)).toEqual([
      'anonymous_id:a1 → p0001 @ 1000',
      `email_sha256:${digestOfAnn} → p0001 @ 1000`,
      'user_id:u1 → p0001 @ 1000',
    ]);
  });

  it('publishes emails and phone numbers as digests, and in plain text too only when the setting says so', () => {
    // Prepare
    const profile = {
      profileId: 'p1',
      updatedAt: Date.parse('2026-11-22T10:00:00Z'),
      identities: { email: ['ann@example.com'], phone: ['+14155552671'], device_id: ['d1'] },
    } as unknown as Parameters<typeof identityLinkRows>[0];

    // Act
    const hashedOnly = identityLinkRows(profile, { plaintextIdentifiers: false });
    const withPlain = identityLinkRows(profile, { plaintextIdentifiers: true });

    // Assess
    const at = Date.parse('2026-11-22T10:00:00Z');
    expect(links(hashedOnly)).toEqual([
      `device_id:d1 → p1 @ ${at}`,
      `email_sha256:${digestOfAnn} → p1 @ ${at}`,
      `phone_sha256:${sha256('+14155552671')} → p1 @ ${at}`,
    ]);
    expect(links(withPlain)).toEqual([
      `device_id:d1 → p1 @ ${at}`,
      `email:ann@example.com → p1 @ ${at}`,
      `email_sha256:${digestOfAnn} → p1 @ ${at}`,
      `phone:+14155552671 → p1 @ ${at}`,
      `phone_sha256:${sha256('+14155552671')} → p1 @ ${at}`,
    ]);
  });
});

describe('publishIdentityMap', () => {
  const profile = {
    profileId: 'p1',
    updatedAt: Date.parse('2026-11-22T23:59:59.999Z'),
    identities: { user_id: ['u1'], anonymous_id: ['a1', 'a2'] },
  } as unknown as Parameters<typeof identityLinkRows>[0];
  const merge = {
    profileId: 'p2',
    mergedInto: 'p1',
    messageId: 'm7',
    at: Date.parse('2026-11-23T00:00:00Z'),
  };
  const place = {
    consumer: 'activity',
    shardId: 'shardId-000000000001',
    firstSequenceNumber: '100',
    lastSequenceNumber: '199',
  };

  it('writes one landed file per table and date, named after the batch, each with its pending marker', async () => {
    // Prepare
    const lake = new MemoryObjectStore();

    // Act
    const files = await publishIdentityMap(
      lake,
      place,
      { profiles: [profile], merges: [merge] },
      { plaintextIdentifiers: false },
    );

    // Assess
    expect(lake.keys()).toEqual([
      '_compaction/pending/identity_links/dt=2026-11-22/activity_shardId-000000000001_100_199',
      '_compaction/pending/identity_merges/dt=2026-11-23/activity_shardId-000000000001_100_199',
      'identity_links/dt=2026-11-22/land-activity_shardId-000000000001_100_199.parquet',
      'identity_merges/dt=2026-11-23/land-activity_shardId-000000000001_100_199.parquet',
    ]);
    expect(files.map((file) => [file.table, file.rows])).toEqual([
      ['identity_links', 3],
      ['identity_merges', 1],
    ]);
    expect(await rowsUnder(lake, identityMergesTable, 'identity_merges/')).toEqual([
      {
        merged_profile_id: 'p2',
        into_profile_id: 'p1',
        merged_at: new Date('2026-11-23T00:00:00Z'),
        message_id: 'm7',
        schema_version: 2,
      },
    ]);
    expect(links(await rowsUnder(lake, identityLinksTable, 'identity_links/'))).toEqual([
      `anonymous_id:a1 → p1 @ ${profile.updatedAt}`,
      `anonymous_id:a2 → p1 @ ${profile.updatedAt}`,
      `user_id:u1 → p1 @ ${profile.updatedAt}`,
    ]);
  });

  it('publishes a merge whose message the plan does not know with a null message_id', async () => {
    // Prepare: typed as the plan reports merges, so the null is part of the contract, not a sentinel.
    const lake = new MemoryObjectStore();
    const unknownMessage: ProfileMerge = { ...merge, messageId: null };

    // Act
    await publishIdentityMap(
      lake,
      place,
      { profiles: [], merges: [unknownMessage] },
      { plaintextIdentifiers: false },
    );

    // Assess
    expect(await rowsUnder(lake, identityMergesTable, 'identity_merges/')).toMatchObject([
      { merged_profile_id: 'p2', into_profile_id: 'p1', message_id: null },
    ]);
  });

  it('fails when the lake refuses a write', async () => {
    // Prepare
    const lake = new MemoryObjectStore();
    lake.hooks.beforePut = failing((key: string) => key.startsWith('identity_links/'));

    // Act
    const publishing = publishIdentityMap(
      lake,
      place,
      { profiles: [profile], merges: [] },
      {
        plaintextIdentifiers: false,
      },
    );

    // Assess
    await expect(publishing).rejects.toBeInstanceOf(LakeWriteError);
    expect(lake.keys('_compaction/')).toEqual([]);
  });
});

describe('the resolve handler and the lake', () => {
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const kinesisEvent = (collected: CollectedEvent): KinesisStreamEvent =>
    ({
      Records: [
        {
          eventID: 'shardId-000000000000:7',
          kinesis: {
            sequenceNumber: '7',
            data: Buffer.from(encodeEnvelope({ schema: 'cdp.event/1', event: collected })).toString('base64'),
          },
        },
      ],
    }) as KinesisStreamEvent;

  it('fails the whole batch when the identity map cannot be written, and publishes it on the retry', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const lake = new MemoryObjectStore();
    lake.hooks.beforePut = failing((key: string) => key.startsWith('identity_links/'));
    const handler = createResolveHandler({
      store,
      lake,
      identityMap: { plaintextIdentifiers: false },
      ...resolution({ ms: Date.parse('2026-11-22T10:00:00Z') }),
      logger,
    });
    const collected = identify('m1', { userId: 'u1', anonymousId: 'a1' });

    // Act
    const failed = handler(kinesisEvent(collected));
    await expect(failed).rejects.toBeInstanceOf(LakeWriteError);
    const retried = await handler(kinesisEvent(collected));

    // Assess: the retry skipped the applied event and published its mapping.
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(store.profileOf('user_id', 'u1')?.typeCounts).toEqual({ identify: 1 });
    expect(links(await rowsUnder(lake, identityLinksTable, 'identity_links/'))).toEqual([
      `anonymous_id:a1 → p0001 @ ${Date.parse('2026-11-22T10:00:00Z')}`,
      `user_id:u1 → p0001 @ ${Date.parse('2026-11-22T10:00:00Z')}`,
    ]);
  });
});
