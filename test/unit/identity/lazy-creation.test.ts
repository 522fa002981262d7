/**
 * Lazy profile creation: a new visitor's first identity is written as its identity item alone, the profile
 * stays "virtual" (read from that item) until something more is known of the person, and every reader and
 * writer of the graph treats it as the profile it stands for.
 */
import { describe, expect, it } from 'vitest';
import { newProfileId, profileCreatedAt } from '../../../shared/identity/profile-id.ts';
import { type ResolveOptions, resolveBatch } from '../../../shared/identity/resolve.ts';
import { findProfile } from '../../../shared/profiles/lookup.ts';
import { emptyProfile, type LiveProfile } from '../../../shared/profiles/model.ts';
import { batchOf, event, MemoryGraphStore, rulesOf } from './fixtures.ts';

const rules = rulesOf();

/** The identity lane's options: identity work only, new profiles numbered p-1, p-2, … */
function identityLane(overrides: Partial<ResolveOptions> = {}): ResolveOptions {
  let ids = 0;
  return {
    rules,
    now: () => 5_000,
    newProfileId: () => {
      ids += 1;
      return `p-${ids}`;
    },
    sleep: async () => {},
    identityOnly: true,
    ...overrides,
  };
}

/** A time-ordered profile id whose first 10 characters are `time` (Crockford base32) — see profileCreatedAt. */
function idWithTime(time: string): string {
  return `${time}0000000000000001`;
}

/** A stored profile of `createdAt` holding `email`. */
function storedWithEmail(store: MemoryGraphStore, profileId: string, createdAt: number, email: string): void {
  const profile: LiveProfile = { ...emptyProfile(profileId, createdAt), version: 3 };
  profile.identities.email = [email];
  store.stored.set(profileId, profile);
  store.links.set(`email:${email}`, profileId);
}

const noWrites = { creates: [], updates: [], redirects: [], links: [] };

describe('profile ids', () => {
  it('give back the creation time they were made with', () => {
    // Prepare: 3137 ms = 3·32² + 2·32 + 1, i.e. the base-32 digits 3, 2, 1; 32767 = 31·32² + 31·32 + 31.
    // Act / Assess
    expect(newProfileId(3137).slice(0, 10)).toBe('0000000321');
    expect(profileCreatedAt(idWithTime('0000000321'))).toBe(3137);
    expect(profileCreatedAt(idWithTime('0000000zzz'))).toBe(32_767);
  });

  it('read as created at 0 when they are not time-ordered ids', () => {
    expect(profileCreatedAt('p-1')).toBe(0);
    expect(profileCreatedAt('shard-1-p00001-xxxxxxxxxxxx')).toBe(0);
    expect(profileCreatedAt('u000000000000000000000000i')).toBe(0);
  });
});

describe('a new visitor', () => {
  it('costs one write: the identity item, pointing at a profile that has no item', async () => {
    // Prepare
    const store = new MemoryGraphStore();

    // Act
    const result = await resolveBatch(store, batchOf([event({ anonymousId: 'a-1' })]), identityLane());

    // Assess
    expect(result.failures).toEqual([]);
    expect(store.committed).toEqual([
      { ...noWrites, links: [{ identity: { type: 'anonymous_id', value: 'a-1' }, profileId: 'p-1' }] },
    ]);
    expect(store.stored.size).toBe(0);
    expect(store.profileOf('anonymous_id', 'a-1')).toMatchObject({
      profileId: 'p-1',
      version: 0,
      identities: { anonymous_id: ['a-1'] },
    });
  });

  it('has its profile written with its second identity: one create and one link, the first not linked again', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    await resolveBatch(store, batchOf([event({ messageId: 'm-1', anonymousId: 'a-1' })]), identityLane());

    // Act: the visitor signs up; the email is stronger, so a new profile p-1 of this plan anchors it, and the
    // stored (virtual) p-1 of the first plan survives it whatever its id says.
    const result = await resolveBatch(
      store,
      batchOf(
        [event({ messageId: 'm-2', anonymousId: 'a-1', context: { traits: { email: 'ann@example.com' } } })],
        'shard-1',
        2,
      ),
      identityLane({ newProfileId: () => 'p-0' }),
    );

    // Assess
    expect(result.failures).toEqual([]);
    expect(store.committed[1]).toEqual({
      creates: [
        {
          ...emptyProfile('p-1', 0),
          version: 1,
          updatedAt: 5_000,
          identities: { anonymous_id: ['a-1'], email: ['ann@example.com'] },
        },
      ],
      updates: [],
      redirects: [],
      links: [{ identity: { type: 'email', value: 'ann@example.com' }, profileId: 'p-1' }],
    });
  });

  it('has its profile written by the first event applied to it (the activity lane), with no link', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    await resolveBatch(store, batchOf([event({ messageId: 'm-1', anonymousId: 'a-1' })]), identityLane());

    // Act
    await resolveBatch(
      store,
      batchOf([event({ messageId: 'm-1', anonymousId: 'a-1' })]),
      identityLane({ identityOnly: false }),
    );

    // Assess: created at 0, as its id (not time-ordered) says; the event counted once.
    const [, second] = store.committed;
    expect(second?.links).toEqual([]);
    expect(second?.creates).toHaveLength(1);
    expect(second?.creates[0]).toMatchObject({
      profileId: 'p-1',
      version: 1,
      createdAt: 0,
      identities: { anonymous_id: ['a-1'] },
      typeCounts: { track: 1 },
    });
  });

  it('is answered by findProfile as that one identity, with nothing counted', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    store.links.set('anonymous_id:a-1', idWithTime('0000000321'));

    // Act
    const profile = await findProfile(store, 'anonymous_id', ' a-1 ', rules);

    // Assess
    expect(profile).toEqual({
      ...emptyProfile(idWithTime('0000000321'), 3137),
      identities: { anonymous_id: ['a-1'] },
    });
  });
});

describe('a virtual profile in a merge', () => {
  it('becomes a redirect that must not exist yet when an older profile takes it in', async () => {
    // Prepare: Ann's stored profile, created at 1000; a virtual profile of anonymous id a-1, created at 32767.
    const store = new MemoryGraphStore();
    const virtual = idWithTime('0000000zzz');
    storedWithEmail(store, 'ann', 1_000, 'ann@example.com');
    store.links.set('anonymous_id:a-1', virtual);

    // Act
    const result = await resolveBatch(
      store,
      batchOf([event({ anonymousId: 'a-1', context: { traits: { email: 'ann@example.com' } } })]),
      identityLane(),
    );

    // Assess: Ann's profile updated from version 3, the virtual one redirected from "no item" (version 0).
    expect(result.failures).toEqual([]);
    expect(store.committed[0]).toEqual({
      creates: [],
      updates: [
        {
          profile: {
            ...emptyProfile('ann', 1_000),
            version: 4,
            updatedAt: 5_000,
            identities: { email: ['ann@example.com'], anonymous_id: ['a-1'] },
            merged: [virtual],
          },
          expectedVersion: 3,
        },
      ],
      redirects: [{ profileId: virtual, expectedVersion: 0, mergedInto: 'ann' }],
      links: [],
    });
    expect(store.stored.get(virtual)).toMatchObject({ kind: 'redirect', version: 1, mergedInto: 'ann' });
    expect(store.profileOf('anonymous_id', 'a-1')?.profileId).toBe('ann');
  });

  it('survives a younger stored profile, and is created with it merged in', async () => {
    // Prepare: Ann's stored profile created at 100000, after the virtual one (32767).
    const store = new MemoryGraphStore();
    const virtual = idWithTime('0000000zzz');
    storedWithEmail(store, 'ann', 100_000, 'ann@example.com');
    store.links.set('anonymous_id:a-1', virtual);

    // Act
    await resolveBatch(
      store,
      batchOf([event({ anonymousId: 'a-1', context: { traits: { email: 'ann@example.com' } } })]),
      identityLane(),
    );

    // Assess
    expect(store.committed[0]).toEqual({
      creates: [
        {
          ...emptyProfile(virtual, 32_767),
          version: 1,
          updatedAt: 5_000,
          identities: { anonymous_id: ['a-1'], email: ['ann@example.com'] },
          merged: ['ann'],
        },
      ],
      updates: [],
      redirects: [{ profileId: 'ann', expectedVersion: 3, mergedInto: virtual }],
      links: [],
    });
    expect(store.profileOf('email', 'ann@example.com')?.profileId).toBe(virtual);
  });

  it('fails its create when another writer created the profile first, and re-plans on top of it', async () => {
    // Prepare: a virtual profile that another writer materialises just before this plan's commit.
    const store = new MemoryGraphStore();
    await resolveBatch(store, batchOf([event({ messageId: 'm-1', anonymousId: 'a-1' })]), identityLane());
    let once = true;
    store.beforeCommit = async () => {
      if (!once) return;
      once = false;
      await resolveBatch(
        store,
        batchOf([event({ messageId: 'm-2', anonymousId: 'a-1', userId: 'u-1' })], 'shard-2', 1),
        identityLane({ newProfileId: () => 'p-9' }),
      );
    };

    // Act
    const result = await resolveBatch(
      store,
      batchOf([event({ messageId: 'm-3', anonymousId: 'a-1', context: { traits: { email: 'a@x.io' } } })]),
      identityLane({ newProfileId: () => 'p-8' }),
    );

    // Assess: one person of the three identities.
    expect(result).toMatchObject({ failures: [], conflicts: 1 });
    expect(store.partition()).toEqual([['anonymous_id:a-1', 'email:a@x.io', 'user_id:u-1']]);
  });
});
