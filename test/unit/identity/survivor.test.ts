import { describe, expect, it } from 'vitest';
import { resolveBatch } from '../../../shared/identity/resolve.ts';
import { batchOf, event, MemoryGraphStore, rulesOf } from './fixtures.ts';

const rules = rulesOf();

describe('the survivor of a merge', () => {
  it('is the stored profile when an event links a new identity to it, whatever the clock says', async () => {
    // Prepare: an anonymous visitor stored as p-b; the next event comes in the same millisecond, and the id
    // a new profile would get (p-a) sorts before p-b, so "the older, then the smaller id" would pick it.
    const people = new MemoryGraphStore();
    const at = () => 1_800_000_000_000;
    await resolveBatch(people, batchOf([event({ messageId: 'm-1', anonymousId: 'a-1' })], 'shard-1', 1), {
      rules,
      now: at,
      newProfileId: () => 'p-b',
    });

    // Act: the visitor signs up with an email (stronger than the anonymous id, so it is planned first).
    const result = await resolveBatch(
      people,
      batchOf(
        [
          event({
            messageId: 'm-2',
            type: 'identify',
            anonymousId: 'a-1',
            context: { traits: { email: 'ann@example.com' } },
          }),
        ],
        'shard-1',
        2,
      ),
      { rules, now: at, newProfileId: () => 'p-a' },
    );

    // Assess: the email joined p-b; nothing was merged, no profile became a redirect.
    expect(result.merged).toBe(0);
    expect(people.profileOf('email', 'ann@example.com')?.profileId).toBe('p-b');
    expect(people.profileOf('anonymous_id', 'a-1')?.merged).toEqual([]);
    expect([...people.stored.values()].map((profile) => profile.kind)).toEqual(['live']);
  });
});
