import { describe, expect, it } from 'vitest';
import { LinkCache } from '../../../shared/identity/link-cache.ts';
import { resolveBatch } from '../../../shared/identity/resolve.ts';
import { batchOf, event, MemoryGraphStore, rulesOf } from './fixtures.ts';

describe('the links a warm resolve function remembers', () => {
  it('forgets the entries set longest ago beyond its bound', () => {
    // Prepare
    const cache = new LinkCache(2);

    // Act
    cache.set('anonymous_id:a1', 'p1');
    cache.set('anonymous_id:a2', 'p2');
    cache.set('anonymous_id:a1', 'p1');
    cache.set('anonymous_id:a3', 'p3');

    // Assess: a1 was set again after a2, so a2 is the oldest.
    expect(cache.size).toBe(2);
    expect(cache.get('anonymous_id:a2')).toBeUndefined();
    expect(cache.get('anonymous_id:a1')).toBe('p1');
    expect(cache.get('anonymous_id:a3')).toBe('p3');
  });

  it('settles a returning visitor without reading their identity again, and still links a new identifier', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const cache = new LinkCache();
    const options = { rules: rulesOf(), identityOnly: true, linkCache: cache, sleep: async () => {} };
    await resolveBatch(
      store,
      batchOf([event({ messageId: 'm1', anonymousId: 'a1' })], 'shard-1', 1),
      options,
    );
    let reads = 0;
    const linkedProfiles = store.linkedProfiles.bind(store);
    store.linkedProfiles = async (identities) => {
      reads += identities.length;
      return linkedProfiles(identities);
    };

    // Act: the same visitor twice, then logged in.
    await resolveBatch(
      store,
      batchOf([event({ messageId: 'm2', anonymousId: 'a1' })], 'shard-1', 2),
      options,
    );
    const readsWhenKnown = reads;
    await resolveBatch(
      store,
      batchOf([event({ messageId: 'm3', anonymousId: 'a1', userId: 'u1' })], 'shard-1', 3),
      options,
    );

    // Assess
    expect(readsWhenKnown).toBe(0);
    expect(store.partition()).toEqual([['anonymous_id:a1', 'user_id:u1']]);
  });
});
