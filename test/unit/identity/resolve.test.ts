import { describe, expect, it } from 'vitest';
import type { CollectedEvent } from '../../../shared/events/model.ts';
import { type ResolveOptions, resolveBatch } from '../../../shared/identity/resolve.ts';
import { batchOf, event, MemoryGraphStore, rulesOf } from './fixtures.ts';

let ids = 0;
function nextProfileId(): string {
  ids += 1;
  return `p${String(ids).padStart(4, '0')}`;
}

const options = (overrides: Partial<ResolveOptions> = {}): ResolveOptions => ({
  rules: rulesOf(),
  now: () => 1_000,
  newProfileId: nextProfileId,
  sleep: async () => {},
  ...overrides,
});

function identify(messageId: string, fields: Partial<CollectedEvent>): CollectedEvent {
  return event({ messageId, type: 'identify', event: undefined, ...fields });
}

describe('resolving a batch of events', () => {
  it('makes one person of an anonymous visit, a login, a second device by email and the app by user id', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const journey = [
      event({ messageId: 'm1', anonymousId: 'a-laptop' }),
      identify('m2', { anonymousId: 'a-laptop', userId: 'u1', traits: { email: 'ann@example.com' } }),
      event({ messageId: 'm3', anonymousId: 'a-phone' }),
      identify('m4', { anonymousId: 'a-phone', traits: { email: 'Ann@Example.com' } }),
      event({ messageId: 'm5', userId: 'u1', channel: 'app', context: { device: { id: 'ios-1' } } }),
    ];

    // Act: one event per batch, as a slow trickle arrives.
    for (const [index, collected] of journey.entries()) {
      await resolveBatch(store, batchOf([collected], 'shard-1', index + 1), options());
    }

    // Assess
    expect(store.partition()).toEqual([
      [
        'anonymous_id:a-laptop',
        'anonymous_id:a-phone',
        'device_id:ios-1',
        'email:ann@example.com',
        'user_id:u1',
      ],
    ]);
    expect(store.totalEvents()).toBe(5);
  });

  it('keeps two people who log in on one shared device apart, and records the refused link', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const events = [
      identify('m1', { anonymousId: 'a-shared', userId: 'u1' }),
      identify('m2', { anonymousId: 'a-shared', userId: 'u2' }),
    ];

    // Act
    const result = await resolveBatch(store, batchOf(events), options());

    // Assess
    expect(store.partition()).toEqual([['anonymous_id:a-shared', 'user_id:u1'], ['user_id:u2']]);
    expect(store.profileOf('user_id', 'u2')?.typeCounts).toEqual({ identify: 1 });
    expect(result.refused).toBe(1);
    expect([...store.refusals.values()]).toEqual([
      {
        messageId: 'm2',
        at: '2026-11-22T10:00:00.000Z',
        identity: { type: 'anonymous_id', value: 'a-shared' },
        profileId: store.profileOf('user_id', 'u2')?.profileId,
        heldBy: store.profileOf('user_id', 'u1')?.profileId,
        reason: 'user_id: at most 1 per profile',
      },
    ]);
  });

  it('merges two existing profiles into the older, which every identifier then resolves to', async () => {
    // Prepare: two people by anonymous id, created in two batches.
    const store = new MemoryGraphStore();
    await resolveBatch(
      store,
      batchOf([event({ messageId: 'm1', anonymousId: 'a1' })]),
      options({ now: () => 1 }),
    );
    await resolveBatch(
      store,
      batchOf([event({ messageId: 'm2', anonymousId: 'a2' })], 'shard-1', 2),
      options({ now: () => 2 }),
    );
    const older = store.profileOf('anonymous_id', 'a1')?.profileId;
    const younger = store.profileOf('anonymous_id', 'a2')?.profileId;

    // Act
    const result = await resolveBatch(
      store,
      batchOf(
        [
          identify('m3', { anonymousId: 'a2', userId: 'u1', traits: { email: 'ann@example.com' } }),
          event({ messageId: 'm4', anonymousId: 'a1', userId: 'u1' }),
        ],
        'shard-1',
        3,
      ),
      options({ now: () => 3 }),
    );

    // Assess
    expect(result.merged).toBe(1);
    expect(store.profileOf('anonymous_id', 'a2')?.profileId).toBe(older);
    expect(store.profileOf('email', 'ann@example.com')?.profileId).toBe(older);
    expect(store.stored.get(younger ?? '')).toMatchObject({ kind: 'redirect', mergedInto: older });
    expect(store.profileOf('user_id', 'u1')?.merged).toEqual([younger]);
    expect(store.totalEvents()).toBe(4);
  });

  it('links an alias previousId as the user id it is known as, else as an anonymous id', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const events = [
      event({ messageId: 'm1', anonymousId: 'a1' }),
      event({ messageId: 'm2', type: 'alias', event: undefined, userId: 'u1', previousId: 'a1' }),
    ];

    // Act
    await resolveBatch(store, batchOf(events), options());

    // Assess
    expect(store.partition()).toEqual([['anonymous_id:a1', 'user_id:u1']]);
  });

  it('never links through a blocked value, and leaves an event with only junk unresolved', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const events = [
      identify('m1', { userId: 'u1', traits: { email: 'none' } }),
      identify('m2', { userId: 'u2', traits: { email: 'none' } }),
      event({ messageId: 'm3', anonymousId: '00000000-0000-0000-0000-000000000000' }),
    ];

    // Act
    const result = await resolveBatch(store, batchOf(events), options());

    // Assess
    expect(store.partition()).toEqual([['user_id:u1'], ['user_id:u2']]);
    expect(result.unresolved).toBe(1);
  });

  it('changes nothing when the same records or the same messageIds come again', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const events = [
      event({ messageId: 'm1', anonymousId: 'a1', event: 'Order Completed', properties: { revenue: 5 } }),
      identify('m2', { anonymousId: 'a1', userId: 'u1' }),
    ];
    await resolveBatch(store, batchOf(events), options());
    const before = structuredClone([...store.stored]);

    // Act: the stream replayed, then the client re-sending both events as new records.
    const replay = await resolveBatch(store, batchOf(events), options());
    const resent = await resolveBatch(store, batchOf(events, 'shard-1', 10), options());
    const otherShard = await resolveBatch(store, batchOf(events, 'shard-2', 1), options());

    // Assess
    expect([...store.stored]).toEqual(before);
    expect([replay.skipped, resent.skipped, otherShard.skipped]).toEqual([2, 2, 2]);
    expect(replay.commits + resent.commits + otherShard.commits).toBe(0);
  });

  it('writes each profile once per batch however many of its events the batch holds', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const session = Array.from({ length: 20 }, (_, index) =>
      event({ messageId: `m${index}`, anonymousId: 'a1' }),
    );
    const other = Array.from({ length: 5 }, (_, index) =>
      event({ messageId: `o${index}`, anonymousId: 'a2' }),
    );

    // Act
    const result = await resolveBatch(store, batchOf([...session, ...other]), options());

    // Assess: one commit per person.
    expect(result.commits).toBe(2);
    expect(store.profileOf('anonymous_id', 'a1')?.channels.web?.count).toBe(20);
  });

  it('cuts a merge too large for one transaction into steps, each leaving a whole profile', async () => {
    // Prepare: 120 anonymous profiles, then one event per anonymous id that links it to one email.
    const store = new MemoryGraphStore();
    const visits = Array.from({ length: 120 }, (_, index) =>
      event({ messageId: `v${index}`, anonymousId: `a${index}` }),
    );
    await resolveBatch(store, batchOf(visits), options());
    const links = visits.map((_, index) =>
      identify(`l${index}`, { anonymousId: `a${index}`, traits: { email: 'ann@example.com' } }),
    );
    const rules = rulesOf({ limits: { anonymous_id: 200 }, maxIdentitiesPerProfile: 300 });
    const commitsBefore = store.commits;

    // Act
    const result = await resolveBatch(store, batchOf(links, 'shard-1', 1000), options({ rules }));

    // Assess
    expect(result.failures).toEqual([]);
    expect(store.commits - commitsBefore).toBeGreaterThan(1);
    expect(store.partition()).toHaveLength(1);
    expect(store.totalEvents()).toBe(240);
  });

  it('plans again when another writer changed the profiles first, and loses none of its updates', async () => {
    // Prepare: another shard links the same email while this batch is being committed.
    const store = new MemoryGraphStore();
    let interleaved = false;
    store.beforeCommit = async () => {
      if (interleaved) return;
      interleaved = true;
      await resolveBatch(
        store,
        batchOf(
          [identify('other', { anonymousId: 'a-other', traits: { email: 'ann@example.com' } })],
          'shard-2',
        ),
        options(),
      );
    };

    // Act
    const result = await resolveBatch(
      store,
      batchOf([identify('mine', { anonymousId: 'a-mine', traits: { email: 'ann@example.com' } })]),
      options(),
    );

    // Assess
    expect(result.conflicts).toBe(1);
    expect(store.partition()).toEqual([
      ['anonymous_id:a-mine', 'anonymous_id:a-other', 'email:ann@example.com'],
    ]);
    expect(store.totalEvents()).toBe(2);
  });

  it('reports the records of a unit that kept conflicting, and only those', async () => {
    // Prepare: every commit of the email unit loses to a writer that bumps its profile.
    const store = new MemoryGraphStore();
    await resolveBatch(store, batchOf([event({ messageId: 'm0', anonymousId: 'a1' })]), options());
    store.beforeCommit = async () => {
      const profile = store.profileOf('anonymous_id', 'a1');
      if (profile) store.stored.set(profile.profileId, { ...profile, version: profile.version + 1 });
    };

    // Act
    const result = await resolveBatch(
      store,
      batchOf(
        [event({ messageId: 'm1', anonymousId: 'a1' }), event({ messageId: 'm2', anonymousId: 'a2' })],
        'shard-1',
        5,
      ),
      options({ maxAttempts: 3 }),
    );

    // Assess
    expect(result.failures).toEqual([
      { sequenceNumber: '00000000000000000005', reason: 'profiles kept changing under this batch' },
    ]);
    expect(store.profileOf('anonymous_id', 'a2')).toBeDefined();
  });

  it('reports records that are not event envelopes and resolves the others', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const batch = batchOf([event({ messageId: 'm1', anonymousId: 'a1' })], 'shard-1', 2);
    const poison = { sequenceNumber: '00000000000000000001', data: new TextEncoder().encode('not json') };

    // Act
    const result = await resolveBatch(store, { ...batch, records: [poison, ...batch.records] }, options());

    // Assess
    expect(result.failures).toEqual([
      { sequenceNumber: '00000000000000000001', reason: 'record is not UTF-8 JSON' },
    ]);
    expect(result.applied).toBe(1);
  });

  it('keeps the recent events of a person across the profiles merged into theirs', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    await resolveBatch(
      store,
      batchOf([event({ messageId: 'm1', anonymousId: 'a1', timestamp: '2026-11-01T00:00:00.000Z' })]),
      options({ now: () => 1 }),
    );
    await resolveBatch(
      store,
      batchOf(
        [event({ messageId: 'm2', anonymousId: 'a2', timestamp: '2026-11-02T00:00:00.000Z' })],
        'shard-1',
        2,
      ),
      options({ now: () => 2 }),
    );

    // Act
    await resolveBatch(
      store,
      batchOf(
        [
          identify('m3', { anonymousId: 'a1', userId: 'u1', timestamp: '2026-11-03T00:00:00.000Z' }),
          identify('m4', { anonymousId: 'a2', userId: 'u1', timestamp: '2026-11-04T00:00:00.000Z' }),
        ],
        'shard-1',
        3,
      ),
      options({ now: () => 3 }),
    );

    // Assess
    const profile = store.profileOf('user_id', 'u1');
    const recent = await store.recentEvents([profile?.profileId ?? '', ...(profile?.merged ?? [])], 3);
    expect(recent.map((summary) => summary.messageId)).toEqual(['m4', 'm3', 'm2']);
  });
  describe('as the identity lane (identityOnly)', () => {
    it('links the identities of a login and counts nothing, so a known visitor costs no write', async () => {
      // Prepare
      const store = new MemoryGraphStore();
      const lane = options({ identityOnly: true });
      await resolveBatch(store, batchOf([event({ messageId: 'm1', anonymousId: 'a1' })], 'shard-1', 1), lane);
      const commitsAfterFirst = store.commits;

      // Act: two more page views of the same visitor, then their login.
      const known = await resolveBatch(
        store,
        batchOf(
          [event({ messageId: 'm2', anonymousId: 'a1' }), event({ messageId: 'm3', anonymousId: 'a1' })],
          'shard-1',
          2,
        ),
        lane,
      );
      const commitsAfterKnown = store.commits;
      const login = await resolveBatch(
        store,
        batchOf(
          [identify('m4', { anonymousId: 'a1', userId: 'u1', traits: { email: 'ann@example.com' } })],
          'shard-1',
          4,
        ),
        lane,
      );

      // Assess
      expect(commitsAfterFirst).toBe(1);
      expect(commitsAfterKnown).toBe(1);
      expect(known.applied).toBe(2);
      // Known identities only: nothing to plan, so nothing read beyond the identity items, nothing published.
      expect(known.profiles).toEqual([]);
      expect(store.commits).toBe(2);
      // The activity lane publishes profiles to the lake; the identity lane only its merges.
      expect(login.profiles).toEqual([]);
      expect(store.partition()).toEqual([['anonymous_id:a1', 'email:ann@example.com', 'user_id:u1']]);
      expect(store.totalEvents()).toBe(0);
      expect(store.events.size).toBe(0);
    });

    it('leaves the events to the activity lane, which counts each once after the identity lane linked them', async () => {
      // Prepare
      const store = new MemoryGraphStore();
      const events = [
        event({ messageId: 'm1', anonymousId: 'a1' }),
        identify('m2', { anonymousId: 'a1', userId: 'u1' }),
        event({ messageId: 'm3', userId: 'u1' }),
      ];
      await resolveBatch(store, batchOf(events, 'shard-1', 1), options({ identityOnly: true }));

      // Act: the activity lane reads the same records, twice (a retry).
      const first = await resolveBatch(store, batchOf(events, 'shard-1', 1), options());
      const again = await resolveBatch(store, batchOf(events, 'shard-1', 1), options());

      // Assess
      expect(first.applied).toBe(3);
      expect(again.skipped).toBe(3);
      expect(store.profileOf('user_id', 'u1')?.typeCounts).toEqual({ track: 2, identify: 1 });
      expect(store.profileOf('anonymous_id', 'a1')?.profileId).toBe(
        store.profileOf('user_id', 'u1')?.profileId,
      );
    });
  });
  it('counts an event whose unit failed once its profile was merged, before the retry, into one marked past it', async () => {
    // Prepare: A (user u1) and B (anonymous id b1) exist; the activity lane's batch [e1 → B, e2 → A] commits A's
    // unit (A marked at 11) while B's fails, so Lambda delivers again from e1. Meanwhile the identity lane sees
    // e3, which links u1 and b1: B is merged into A.
    const store = new MemoryGraphStore();
    await resolveBatch(
      store,
      batchOf(
        [event({ messageId: 'm-a', userId: 'u1' }), event({ messageId: 'm-b', anonymousId: 'b1' })],
        'shard-1',
        1,
      ),
      options(),
    );
    const e1 = event({ messageId: 'e1', anonymousId: 'b1' });
    const e2 = event({ messageId: 'e2', userId: 'u1' });
    const e3 = event({ messageId: 'e3', userId: 'u1', anonymousId: 'b1' });
    const commit = store.commit.bind(store);
    store.commit = async (writes) => {
      if (writes.updates.some(({ profile }) => profile.identities.anonymous_id?.includes('b1'))) {
        throw new Error('throttled');
      }
      return commit(writes);
    };
    const partly = await resolveBatch(store, batchOf([e1, e2], 'shard-1', 10), options());
    store.commit = commit;
    await resolveBatch(store, batchOf([e3], 'shard-1', 12), options({ identityOnly: true }));

    // Act: the retry, from the failed record on.
    const retry = await resolveBatch(store, batchOf([e1, e2, e3], 'shard-1', 10), options());

    // Assess: m-a, m-b, e1, e2, e3 — each once.
    expect(partly.failures.map((failure) => failure.sequenceNumber)).toEqual([
      batchOf([e1], 'shard-1', 10).records[0]?.sequenceNumber,
    ]);
    expect(retry.applied).toBe(2);
    expect(retry.skipped).toBe(1);
    expect(store.partition()).toEqual([['anonymous_id:b1', 'user_id:u1']]);
    expect(store.totalEvents()).toBe(5);
  });
});
