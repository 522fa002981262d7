/**
 * Properties of resolution, checked on random histories against the in-memory graph: the partition into people
 * does not depend on the order of events or on how the stream cut them into batches, replays change nothing,
 * merge rules always hold, junk values have no effect at all, and no event is lost or counted twice, also
 * when two shards write at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CollectedEvent } from '../../../shared/events/model.ts';
import { eventIdentifiers } from '../../../shared/identity/extract.ts';
import { identityKey } from '../../../shared/identity/identifiers.ts';
import { LinkCache } from '../../../shared/identity/link-cache.ts';
import { resolveBatch } from '../../../shared/identity/resolve.ts';
import type { IdentityRules } from '../../../shared/identity/rules.ts';
import { profileLimits } from '../../../shared/profiles/model.ts';
import { batchOf, event, MemoryGraphStore, rulesOf } from './fixtures.ts';

const junk = ['null', 'unknown', '0000', ' ', 'test'];
const strict = rulesOf();
const generous = rulesOf({
  limits: { user_id: 1000, email: 1000, phone: 1000, anonymous_id: 1000, device_id: 1000 },
  maxIdentitiesPerProfile: 1000,
});

interface Draft {
  readonly type: 'track' | 'identify' | 'page';
  readonly userId: string | null;
  readonly anonymousId: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly deviceId: string | null;
  readonly hour: number;
}

const draft: fc.Arbitrary<Draft> = fc.record({
  type: fc.constantFrom('track', 'identify', 'page'),
  userId: fc.option(fc.constantFrom('u0', 'u1', 'u2', 'u3', ...junk), { freq: 2 }),
  anonymousId: fc.constantFrom('a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', ...junk),
  email: fc.option(fc.constantFrom('e0@x.io', 'E0@X.io ', 'e1@x.io', 'e2@x.io', ...junk), { freq: 2 }),
  phone: fc.option(fc.constantFrom('+1 415 555 2671', '(415) 555-2671', '+1 212 555 0100', '0'), { freq: 3 }),
  deviceId: fc.option(fc.constantFrom('d0', 'd1', ...junk), { freq: 3 }),
  hour: fc.integer({ min: 0, max: 23 }),
});

/** Each draft becomes an event with its own messageId. */
function eventsOf(drafts: readonly Draft[]): CollectedEvent[] {
  return drafts.map((d, index) =>
    event({
      messageId: `m${index}`,
      type: d.type,
      event: d.type === 'track' ? 'Clicked' : undefined,
      ...(d.userId === null ? {} : { userId: d.userId }),
      anonymousId: d.anonymousId,
      context: {
        traits: {
          ...(d.email === null ? {} : { email: d.email }),
          ...(d.phone === null ? {} : { phone: d.phone }),
        },
        ...(d.deviceId === null ? {} : { device: { id: d.deviceId } }),
      },
      timestamp: `2026-11-22T${String(d.hour).padStart(2, '0')}:00:00.000Z`,
    }),
  );
}

/** The same events with every junk value taken out. */
function withoutJunk(events: readonly CollectedEvent[], rules: IdentityRules): CollectedEvent[] {
  return events.map((collected) => {
    const { identities } = eventIdentifiers(collected, rules);
    const keep = (type: string) => identities.filter((identity) => identity.type === type)[0]?.value;
    const userId = keep('user_id');
    const anonymousId = keep('anonymous_id');
    const email = keep('email');
    const phone = keep('phone');
    const deviceId = keep('device_id');
    const { userId: _u, anonymousId: _a, context: _c, ...rest } = collected;
    return {
      ...rest,
      ...(userId === undefined ? {} : { userId }),
      ...(anonymousId === undefined ? {} : { anonymousId }),
      context: {
        traits: { ...(email === undefined ? {} : { email }), ...(phone === undefined ? {} : { phone }) },
        ...(deviceId === undefined ? {} : { device: { id: deviceId } }),
      },
    };
  });
}

/** People as connected components of the events' usable identifiers, computed directly. */
function components(events: readonly CollectedEvent[], rules: IdentityRules): string[][] {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    const up = parent.get(key) ?? key;
    if (up === key) return key;
    const root = find(up);
    parent.set(key, root);
    return root;
  };
  for (const collected of events) {
    const keys = eventIdentifiers(collected, rules).identities.map(identityKey);
    for (const key of keys) if (!parent.has(key)) parent.set(key, key);
    for (const key of keys.slice(1)) parent.set(find(key), find(keys[0] ?? key));
  }
  const groups = new Map<string, string[]>();
  for (const key of parent.keys()) groups.set(find(key), [...(groups.get(find(key)) ?? []), key]);
  return [...groups.values()].map((group) => group.sort()).sort((a, b) => (a.join() < b.join() ? -1 : 1));
}

function usable(events: readonly CollectedEvent[], rules: IdentityRules): number {
  return events.filter((collected) => eventIdentifiers(collected, rules).identities.length > 0).length;
}

/** Batch sizes that cut a stream of `n` events: each from 1 to 8. */
const cuts = fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 40 });

/**
 * Resolves `events` as one shard in batches cut by `sizes` (repeated as needed), numbering from `first`; as the
 * `resolve` function's lane with `identityOnly`, else as the `activity` function's.
 */
async function resolveStream(
  store: MemoryGraphStore,
  events: readonly CollectedEvent[],
  sizes: readonly number[],
  rules: IdentityRules,
  shardId = 'shard-1',
  first = 1,
  identityOnly = false,
): Promise<void> {
  let clock = 0;
  let ids = 0;
  let offset = 0;
  // As a warm resolve function: links remembered across the stream's batches.
  const linkCache = identityOnly ? new LinkCache() : undefined;
  for (let cut = 0; offset < events.length; cut += 1) {
    const size = sizes[cut % sizes.length] ?? 1;
    const result = await resolveBatch(
      store,
      batchOf(events.slice(offset, offset + size), shardId, first + offset),
      {
        rules,
        now: () => {
          clock += 1;
          return clock;
        },
        newProfileId: () => {
          ids += 1;
          return `${shardId}${identityOnly ? '-i' : ''}-p${String(ids).padStart(5, '0')}`;
        },
        sleep: async () => {},
        identityOnly,
        ...(linkCache ? { linkCache } : {}),
      },
    );
    expect(result.failures).toEqual([]);
    offset += size;
  }
}

/** Who each identity resolves to, and every profile; shortcuts taken through redirects do not show. */
function snapshot(store: MemoryGraphStore) {
  const resolved = [...store.links.keys()].map((key) => {
    const separator = key.indexOf(':');
    return [key, store.profileOf(key.slice(0, separator), key.slice(separator + 1))?.profileId];
  });
  return structuredClone({ resolved: resolved.sort(), stored: [...store.stored].sort() });
}

function permutation(length: number) {
  return fc.array(fc.double({ noNaN: true }), { minLength: length, maxLength: length }).map((keys) =>
    keys
      .map((key, index) => ({ key, index }))
      .sort((a, b) => a.key - b.key)
      .map(({ index }) => index),
  );
}

describe('identity resolution, on random histories', () => {
  it('partitions identifiers into the same people whatever the order and the batch cuts, when no rule refuses a link', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(draft, { minLength: 1, maxLength: 30 })
          .chain((drafts) => fc.tuple(fc.constant(drafts), permutation(drafts.length), cuts, cuts)),
        async ([drafts, order, firstCuts, secondCuts]) => {
          // Prepare
          const events = eventsOf(drafts);
          const shuffled = order.map((index) => events[index]).filter((e) => e !== undefined);
          const inOrder = new MemoryGraphStore();
          const reordered = new MemoryGraphStore();

          // Act
          await resolveStream(inOrder, events, firstCuts, generous);
          await resolveStream(reordered, shuffled, secondCuts, generous);

          // Assess
          const expected = components(events, generous);
          expect(inOrder.partition()).toEqual(expected);
          expect(reordered.partition()).toEqual(expected);
          expect(reordered.totalEvents()).toBe(usable(events, generous));
        },
      ),
    );
  });

  it('never breaks a merge rule, and counts every event exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { minLength: 1, maxLength: 40 }), cuts, async (drafts, sizes) => {
        // Prepare
        const events = eventsOf(drafts);
        const store = new MemoryGraphStore();

        // Act
        await resolveStream(store, events, sizes, strict);

        // Assess
        for (const profile of store.live()) {
          let total = 0;
          for (const [type, values] of Object.entries(profile.identities)) {
            expect(values.length).toBeLessThanOrEqual(strict.limit(type));
            total += values.length;
            for (const value of values)
              expect(store.profileOf(type, value)?.profileId).toBe(profile.profileId);
          }
          expect(total).toBeLessThanOrEqual(strict.maxIdentitiesPerProfile);
        }
        expect(store.totalEvents()).toBe(usable(events, strict));
      }),
    );
  });

  it('gives junk values no effect at all: they never link, never merge, never count', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { minLength: 1, maxLength: 30 }), cuts, async (drafts, sizes) => {
        // Prepare
        const events = eventsOf(drafts);
        const withJunk = new MemoryGraphStore();
        const clean = new MemoryGraphStore();

        // Act
        await resolveStream(withJunk, events, sizes, strict);
        await resolveStream(clean, withoutJunk(events, strict), sizes, strict);

        // Assess
        expect(withJunk.partition()).toEqual(clean.partition());
        expect(withJunk.totalEvents()).toBe(clean.totalEvents());
        for (const key of withJunk.links.keys()) {
          expect(junk.map((value) => value.trim())).not.toContain(key.slice(key.indexOf(':') + 1));
        }
      }),
    );
  });

  it('changes nothing when the stream is replayed or every message is sent again', async () => {
    await fc.assert(
      fc.asyncProperty(
        // At most as many messages as a profile remembers the digests of (profileLimits.maxRecentMessages).
        fc.array(draft, { minLength: 1, maxLength: profileLimits.maxRecentMessages }),
        cuts,
        cuts,
        async (drafts, firstCuts, replayCuts) => {
          // Prepare
          const events = eventsOf(drafts);
          const store = new MemoryGraphStore();
          await resolveStream(store, events, firstCuts, strict);
          const before = snapshot(store);

          // Act: the same records cut differently, then the same messages as new records and on another shard.
          await resolveStream(store, events, replayCuts, strict);
          await resolveStream(store, events, replayCuts, strict, 'shard-1', 1000);
          await resolveStream(store, events, firstCuts, strict, 'shard-2');

          // Assess
          expect(snapshot(store)).toEqual(before);
        },
      ),
    );
  });

  it('converges to one partition with no lost update when two shards write the same people at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(draft, { minLength: 2, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        cuts,
        async (drafts, sides, sizes) => {
          // Prepare: each event goes to one of two shards.
          const events = eventsOf(drafts);
          const shardA = events.filter((_, index) => sides[index]);
          const shardB = events.filter((_, index) => !sides[index]);
          const store = new MemoryGraphStore();

          // Act: both shards' consumers run at once, interleaving at every read and write.
          await Promise.all([
            resolveStream(store, shardA, sizes, generous, 'shard-a'),
            resolveStream(store, shardB, sizes, generous, 'shard-b'),
          ]);

          // Assess
          expect(store.partition()).toEqual(components(events, generous));
          expect(store.totalEvents()).toBe(usable(events, generous));
        },
      ),
    );
  });
  it('gives the same people and counts when the identity lane runs ahead of the activity lane, interleaved', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(draft, { minLength: 1, maxLength: 40 }),
        cuts,
        cuts,
        async (drafts, identityCuts, activityCuts) => {
          // Prepare
          const events = eventsOf(drafts);
          const lanes = new MemoryGraphStore();
          const identityAlone = new MemoryGraphStore();

          // Act: both functions read the same shard at once; the identity lane alone, for comparison.
          await Promise.all([
            resolveStream(lanes, events, identityCuts, generous, 'shard-1', 1, true),
            resolveStream(lanes, events, activityCuts, generous, 'shard-1', 1, false),
          ]);
          await resolveStream(identityAlone, events, identityCuts, generous, 'shard-1', 1, true);

          // Assess
          const expected = components(events, generous);
          expect(lanes.partition()).toEqual(expected);
          expect(lanes.totalEvents()).toBe(usable(events, generous));
          expect(identityAlone.partition()).toEqual(expected);
          expect(identityAlone.totalEvents()).toBe(0);
        },
      ),
    );
  });

  it('never breaks a merge rule when the two lanes write at once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { minLength: 1, maxLength: 40 }), cuts, async (drafts, sizes) => {
        // Prepare
        const events = eventsOf(drafts);
        const store = new MemoryGraphStore();

        // Act
        await Promise.all([
          resolveStream(store, events, sizes, strict, 'shard-1', 1, true),
          resolveStream(store, events, [...sizes].reverse(), strict, 'shard-1', 1, false),
        ]);

        // Assess
        for (const profile of store.live()) {
          for (const [type, values] of Object.entries(profile.identities)) {
            expect(values.length).toBeLessThanOrEqual(strict.limit(type));
            for (const value of values)
              expect(store.profileOf(type, value)?.profileId).toBe(profile.profileId);
          }
        }
        expect(store.totalEvents()).toBe(usable(events, strict));
      }),
    );
  });

  it('writes nothing when the identity lane reads the stream again', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { minLength: 1, maxLength: 30 }), cuts, cuts, async (drafts, a, b) => {
        // Prepare
        const events = eventsOf(drafts);
        const store = new MemoryGraphStore();
        await resolveStream(store, events, a, strict, 'shard-1', 1, true);
        const before = snapshot(store);
        const commitsBefore = store.commits;

        // Act
        await resolveStream(store, events, b, strict, 'shard-1', 1, true);

        // Assess
        expect(snapshot(store)).toEqual(before);
        expect(store.commits).toBe(commitsBefore);
      }),
    );
  });
});
