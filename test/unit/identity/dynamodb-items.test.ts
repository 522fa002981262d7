import { describe, expect, it } from 'vitest';
import {
  ProfileStoreError,
  profileFromItem,
  profileItem,
} from '../../../shared/adapters/dynamodb-profile-store.ts';
import type { LiveProfile } from '../../../shared/profiles/model.ts';

describe('profile items of the DynamoDB store', () => {
  it('hold a profile compactly and read back as the same profile', () => {
    // Prepare
    const profile: LiveProfile = {
      kind: 'live',
      profileId: 'p1',
      version: 3,
      createdAt: 1,
      updatedAt: 2,
      identities: { user_id: ['u1'], anonymous_id: ['a1', 'a2'] },
      traits: { plan: { value: { tier: 'pro', seats: [1, 2] }, at: 5, source: 'crm' } },
      channels: { web: { first: 1, last: 9, count: 4 } },
      eventCounts: { 'Order Completed': 2 },
      typeCounts: { track: 4 },
      orders: { count: 2, revenue: 60.5, first: 3, last: 8 },
      consent: { Advertising: { granted: false, at: 7 } },
      seq: { 'shardId-000000000000': '49590338271490256608559692538361571095921575989136588898' },
      recent: ['AAECAwQF', '_-_-_-_-'],
      merged: ['p0'],
    };

    // Act
    const item = profileItem(profile);
    // An item written before scores had an item of their own still carries them: they are not read from it.
    const read = profileFromItem({ pk: 'p#p1', sk: 'profile', ...item, scores: { churn: 0.2 } });

    // Assess
    expect(item.recent).toEqual(Buffer.from([0, 1, 2, 3, 4, 5, 255, 239, 254, 255, 239, 254]));
    expect(item.channels).toEqual({ web: [1, 9, 4] });
    expect(read).toEqual(profile);
  });

  it('read a redirect', () => {
    expect(
      profileFromItem({
        pk: 'p#p2',
        sk: 'profile',
        kind: 'redirect',
        profileId: 'p2',
        version: 4,
        mergedInto: 'p1',
        updatedAt: 9,
      }),
    ).toEqual({ kind: 'redirect', profileId: 'p2', version: 4, mergedInto: 'p1', updatedAt: 9 });
  });

  it('refuse an item that is not a profile', () => {
    expect(() => profileFromItem({ pk: 'p#p3', sk: 'profile', kind: 'live', profileId: 'p3' })).toThrow(
      ProfileStoreError,
    );
  });
});
