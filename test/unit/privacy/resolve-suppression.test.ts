import { describe, expect, it } from 'vitest';
import { suppressionKey } from '../../../shared/identity/hashing.ts';
import { resolveBatch } from '../../../shared/identity/resolve.ts';
import { requestErasure } from '../../../shared/privacy/erase.ts';
import { batchOf, event, rulesOf } from '../identity/fixtures.ts';
import { MemoryErasureStore, MemoryPersonStore, MemorySuppressionList, resolveAnnAndBob } from './fakes.ts';

const rules = rulesOf();

/** Ann resolved, then erased. */
async function erasedAnn() {
  const people = new MemoryPersonStore();
  const suppressions = new MemorySuppressionList();
  await resolveAnnAndBob(people, { rules, suppressions });
  await requestErasure(
    { people, jobs: new MemoryErasureStore(), suppressions, rules, newErasureId: () => 'erasure-1' },
    'user_id',
    'u-ann',
  );
  return { people, suppressions };
}

describe("resolution of an erased person's late events", () => {
  it('drops and counts them without re-creating the person, and resolves the others', async () => {
    // Prepare
    const { people, suppressions } = await erasedAnn();

    // Act: the erased user id with a new device; the erased email alone; Bob again.
    const result = await resolveBatch(
      people,
      batchOf(
        [
          event({ messageId: 'ann-2', userId: 'u-ann', context: { device: { id: 'd-new' } } }),
          event({
            messageId: 'ann-3',
            anonymousId: 'a-other',
            context: { traits: { email: 'Ann@Example.com' } },
          }),
          event({ messageId: 'bob-2', userId: 'u-bob' }),
        ],
        'shard-1',
        10,
      ),
      { rules, suppressions },
    );

    // Assess
    expect(result).toMatchObject({ suppressed: 2, applied: 1, failures: [] });
    expect(people.live().map((profile) => profile.identities)).toEqual([
      { user_id: ['u-bob'], anonymous_id: ['a-bob'] },
    ]);
    // Nothing of the dropped events was linked: not the new device, not the other anonymous id.
    expect([...people.links.keys()].sort()).toEqual(['anonymous_id:a-bob', 'user_id:u-bob']);
    // Each event counted once, on its strongest suppressed identity.
    expect(suppressions.entries.get(suppressionKey({ type: 'user_id', value: 'u-ann' }))?.late.dropped).toBe(
      1,
    );
    expect(
      suppressions.entries.get(suppressionKey({ type: 'email', value: 'ann@example.com' }))?.late.dropped,
    ).toBe(1);
  });

  it('counts a late event once however often the stream delivers it', async () => {
    // Prepare
    const { people, suppressions } = await erasedAnn();
    const late = batchOf([event({ messageId: 'ann-2', userId: 'u-ann' })], 'shard-1', 10);

    // Act: the batch, its replay, and the same messageId sent again as a new record.
    await resolveBatch(people, late, { rules, suppressions });
    const replay = await resolveBatch(people, late, { rules, suppressions });
    await resolveBatch(people, batchOf([event({ messageId: 'ann-2', userId: 'u-ann' })], 'shard-1', 11), {
      rules,
      suppressions,
    });

    // Assess
    expect(replay.suppressed).toBe(1);
    expect(suppressions.dropped()).toBe(1);
  });

  it('reads the suppression list only for identities the graph does not link', async () => {
    // Prepare
    const { people, suppressions } = await erasedAnn();
    suppressions.lookups = 0;

    // Act: Bob is known.
    await resolveBatch(people, batchOf([event({ messageId: 'bob-2', userId: 'u-bob' })], 'shard-1', 10), {
      rules,
      suppressions,
    });

    // Assess
    expect(suppressions.lookups).toBe(0);
  });

  it('counts again on a conflict with another counter, and reports the events when the count cannot be written', async () => {
    // Prepare
    const { people, suppressions } = await erasedAnn();
    const key = suppressionKey({ type: 'user_id', value: 'u-ann' });
    suppressions.beforeRecord = async () => {
      // Another shard counts one of its own late events first.
      const entry = suppressions.entries.get(key);
      if (entry) suppressions.entries.set(key, { ...entry, late: { ...entry.late, version: 1, dropped: 1 } });
    };

    // Act
    const counted = await resolveBatch(
      people,
      batchOf([event({ messageId: 'ann-2', userId: 'u-ann' })], 'shard-1', 10),
      { rules, suppressions },
    );
    suppressions.recordLateEvents = async () => {
      throw new Error('DynamoDB is unavailable');
    };
    const uncounted = await resolveBatch(
      people,
      batchOf([event({ messageId: 'ann-3', userId: 'u-ann' })], 'shard-1', 11),
      { rules, suppressions },
    );

    // Assess: 1 by the other shard + 1.
    expect(counted.failures).toEqual([]);
    expect(suppressions.entries.get(key)?.late.dropped).toBe(2);
    expect(uncounted.failures).toEqual([
      { sequenceNumber: '00000000000000000011', reason: 'DynamoDB is unavailable' },
    ]);
  });

  it('drops the events of a unit whose person was erased while the unit was being planned', async () => {
    // Prepare: Carl is known; his erasure commits between the batch's read and its commit.
    const people = new MemoryPersonStore();
    const suppressions = new MemorySuppressionList();
    await resolveBatch(people, batchOf([event({ messageId: 'carl-1', userId: 'u-carl' })]), {
      rules,
      suppressions,
    });
    const erasure = { people, jobs: new MemoryErasureStore(), suppressions, rules };
    people.beforeCommit = async () => {
      people.beforeCommit = undefined;
      await requestErasure(erasure, 'user_id', 'u-carl');
    };

    // Act
    const result = await resolveBatch(
      people,
      batchOf([event({ messageId: 'carl-2', userId: 'u-carl', anonymousId: 'a-carl' })], 'shard-1', 10),
      { rules, suppressions, sleep: async () => {} },
    );

    // Assess
    expect(result).toMatchObject({ suppressed: 1, conflicts: 1, applied: 0, failures: [] });
    expect(people.live()).toEqual([]);
    expect(people.links.size).toBe(0);
  });
  it('drops them in both lanes and counts each once, in the activity lane, whichever lane reads them first', async () => {
    // Prepare
    const { people, suppressions } = await erasedAnn();
    const late = batchOf(
      [
        event({ messageId: 'ann-2', userId: 'u-ann' }),
        event({ messageId: 'ann-3', userId: 'u-ann' }),
        event({ messageId: 'ann-4', userId: 'u-ann' }),
      ],
      'shard-1',
      10,
    );

    // Act: the identity lane reads the last event first, then the activity lane all three.
    const identityLane = await resolveBatch(
      people,
      { shardId: late.shardId, records: late.records.slice(2) },
      { rules, suppressions, identityOnly: true },
    );
    const countedByIdentityLane = suppressions.dropped();
    const activityLane = await resolveBatch(people, late, { rules, suppressions });

    // Assess
    expect(identityLane.suppressed).toBe(1);
    expect(countedByIdentityLane).toBe(0);
    expect(activityLane.suppressed).toBe(3);
    expect(suppressions.dropped()).toBe(3);
    expect(people.live().map((profile) => profile.identities)).toEqual([
      { user_id: ['u-bob'], anonymous_id: ['a-bob'] },
    ]);
  });
  it('does not link an identity erased while a long batch was under way, from the batch’s old read', async () => {
    // Prepare: the activity lane reads and screens its batch (Cy unknown then); before it plans Cy's unit, the
    // identity lane links Cy and Cy is erased — 10 s later by the clock.
    const people = new MemoryPersonStore();
    const suppressions = new MemorySuppressionList();
    let clock = 0;
    const cy = event({ messageId: 'cy-1', userId: 'u-cy', anonymousId: 'a-cy' });
    const suppressed = suppressions.suppressed.bind(suppressions);
    let screens = 0;
    suppressions.suppressed = async (keys) => {
      const found = await suppressed(keys);
      screens += 1;
      if (screens === 1) {
        await resolveBatch(people, batchOf([cy], 'shard-1', 1), { rules, suppressions, identityOnly: true });
        await requestErasure(
          { people, jobs: new MemoryErasureStore(), suppressions, rules, newErasureId: () => 'erasure-cy' },
          'user_id',
          'u-cy',
        );
        clock += 10_000;
      }
      return found;
    };

    // Act
    const result = await resolveBatch(people, batchOf([cy], 'shard-1', 1), {
      rules,
      suppressions,
      now: () => clock,
    });

    // Assess: dropped and counted, nothing linked or created.
    expect(result).toMatchObject({ suppressed: 1, applied: 0, failures: [] });
    expect([...people.links.keys()]).toEqual([]);
    expect(people.live()).toEqual([]);
    expect(suppressions.dropped()).toBe(1);
  });
});
