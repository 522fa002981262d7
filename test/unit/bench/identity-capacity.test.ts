import { describe, expect, it } from 'vitest';
import type { ConsumedCapacityUsage } from '../../../shared/adapters/dynamodb-profile-store.ts';
import type { GraphWrites, IdentityGraphStore } from '../../../shared/identity/ports.ts';
import { emptyProfile, type LiveProfile, type StoredProfile } from '../../../shared/profiles/model.ts';
import {
  attributeBytes,
  billedFromReport,
  CapacityMeter,
  commitUnits,
  itemBytes,
  readUnits,
  writeUnits,
} from '../../bench/identity-capacity.ts';

describe('DynamoDB item sizes', () => {
  it('sizes strings and binary by their bytes, booleans and null as 1', () => {
    expect(attributeBytes('abc')).toBe(3);
    // é is two bytes in UTF-8.
    expect(attributeBytes('é')).toBe(2);
    expect(attributeBytes(new Uint8Array(6))).toBe(6);
    expect(attributeBytes(true)).toBe(1);
    expect(attributeBytes(null)).toBe(1);
  });

  it('sizes numbers by their significant digits, ⌈digits / 2⌉ + 1, one more when negative', () => {
    // 12345: 5 digits → 3 + 1; 1.5: 2 digits → 1 + 1; 100 and 0.001: one significant digit → 1 + 1.
    expect(attributeBytes(12_345)).toBe(4);
    expect(attributeBytes(1.5)).toBe(2);
    expect(attributeBytes(100)).toBe(2);
    expect(attributeBytes(0.001)).toBe(2);
    expect(attributeBytes(-7)).toBe(3);
    // Epoch milliseconds: 1763632800000 has 8 significant digits (4 + 1), 1763632800123 has 13 (7 + 1).
    expect(attributeBytes(1_763_632_800_000)).toBe(5);
    expect(attributeBytes(1_763_632_800_123)).toBe(8);
  });

  it('gives lists and maps 3 bytes plus 1 per element, and map elements their names', () => {
    expect(attributeBytes([])).toBe(3);
    expect(attributeBytes({})).toBe(3);
    // 3 + (1 + 'a' 1 + [3 + (1 + 2) + (1 + 'xy' 2)]) = 3 + 2 + 9 = 14.
    expect(attributeBytes({ a: [1, 'xy'] })).toBe(14);
    // Undefined values are not written.
    expect(attributeBytes({ a: 'x', b: undefined })).toBe(3 + 1 + 1 + 1);
  });

  it('sizes an item as its attribute names and values', () => {
    // pk 2 + 'p#1' 3, sk 2 + 'profile' 7, n 1 + 42 (2 digits → 2) = 17.
    expect(itemBytes({ pk: 'p#1', sk: 'profile', n: 42 })).toBe(17);
  });
});

describe('DynamoDB units', () => {
  it('bills a write one unit per started KB and a consistent read one per started 4 KB, at least one', () => {
    expect([writeUnits(1), writeUnits(1_024), writeUnits(1_025), writeUnits(3_000)]).toEqual([1, 1, 2, 3]);
    expect([readUnits(0), readUnits(4_096), readUnits(4_097)]).toEqual([1, 1, 2]);
  });

  it('sizes each written item by the larger of before and after, and doubles a transaction', () => {
    // Prepare: 900 B → 1; 1,500 B before, 200 B after → 2; 80 B → 1: 4 units.
    const items = [{ afterBytes: 900 }, { beforeBytes: 1_500, afterBytes: 200 }, { afterBytes: 80 }];

    // Act / Assess
    expect(commitUnits(items, false)).toBe(4);
    expect(commitUnits(items, true)).toBe(8);
  });

  it('bills a read of a key that is not there, which DynamoDB Local reports as free', () => {
    // Prepare: 10 keys, 6 found and reported as 7 units (one of them over 4 KB); 4 missing cost 1 each.
    const read: ConsumedCapacityUsage = {
      operation: 'linkedProfiles',
      request: 'BatchGetItem',
      capacityUnits: 7,
      items: 10,
      returned: 6,
    };
    const write: ConsumedCapacityUsage = {
      operation: 'recordEvents',
      request: 'BatchWriteItem',
      capacityUnits: 3,
      items: 2,
    };

    // Act / Assess
    expect(billedFromReport(read)).toBe(11);
    expect(billedFromReport(write)).toBe(3);
  });
});

/** A store that answers from fixed profiles, reports fixed figures as DynamoDB Local would, and records nothing. */
function fakeStore(
  observe: (usage: ConsumedCapacityUsage) => void,
  stored: readonly StoredProfile[],
  outcomes: boolean[],
): IdentityGraphStore {
  return {
    linkedProfiles: async () => new Map(),
    profiles: async (ids) => {
      observe({
        operation: 'profiles',
        request: 'BatchGetItem',
        capacityUnits: 1,
        items: ids.length,
        returned: 1,
      });
      return new Map(
        stored.filter((profile) => ids.includes(profile.profileId)).map((p) => [p.profileId, p]),
      );
    },
    commit: async (writes: GraphWrites) => {
      const committed = outcomes.shift() ?? true;
      const { creates, updates, redirects, links } = writes;
      const single = creates.length + updates.length + redirects.length + links.length === 1;
      const put = creates.length + links.length === 1;
      // DynamoDB Local: a transaction as 2 × ⌈total size / 1 KB⌉, a failed condition not at all.
      if (committed) {
        observe({
          operation: 'commit',
          request: single ? (put ? 'PutItem' : 'UpdateItem') : 'TransactWriteItems',
          capacityUnits: single ? (put ? 1 : 3) : 2,
          items: single ? 1 : 2,
        });
      }
      return committed;
    },
    recordEvents: async () => {
      observe({ operation: 'recordEvents', request: 'BatchWriteItem', capacityUnits: 1, items: 1 });
    },
    recordRefusals: async () => {},
    repoint: async () => {},
  };
}

function newPerson(profileId: string): LiveProfile {
  const profile = emptyProfile(profileId, Date.parse('2026-11-20T10:00:00.000Z'));
  profile.identities = { anonymous_id: ['a-1'] };
  return profile;
}

describe('the capacity meter', () => {
  it('bills a new person’s transaction per item, twice, where DynamoDB Local sums the items first', async () => {
    // Prepare: an empty profile (about 200 B) and its identity item (under 100 B): 1 unit each, doubled.
    const meter = new CapacityMeter((observe) => fakeStore(observe, [], []));
    const writes: GraphWrites = {
      creates: [newPerson('P1')],
      updates: [],
      redirects: [],
      links: [{ identity: { type: 'anonymous_id', value: 'a-1' }, profileId: 'P1' }],
    };

    // Act
    const committed = await meter.commit(writes);
    await meter.recordEvents([{ profileId: 'P1', events: [] }]);

    // Assess
    expect(committed).toBe(true);
    expect(meter.operations()).toEqual([
      {
        operation: 'commit TransactWriteItems',
        kind: 'write',
        requests: 1,
        items: 2,
        reportedUnits: 2,
        billedUnits: 4,
      },
      {
        operation: 'recordEvents BatchWriteItem',
        kind: 'write',
        requests: 1,
        items: 1,
        reportedUnits: 1,
        billedUnits: 1,
      },
    ]);
    expect(meter.total('write')).toBe(5);
    expect(meter.total('write', true)).toBe(3);
  });

  it('bills a new visitor’s identity item alone as one plain PutItem: one unit, not a transaction', async () => {
    // Prepare: the identity item (pk 2 + 'i#anonymous_id:a-1' 18, sk 2 + 8, profileId 9 + 2, linkedAt 8 + 2)
    // is under 1 KB: one unit.
    const meter = new CapacityMeter((observe) => fakeStore(observe, [], []));

    // Act
    await meter.commit({
      creates: [],
      updates: [],
      redirects: [],
      links: [{ identity: { type: 'anonymous_id', value: 'a-1' }, profileId: 'P1' }],
    });

    // Assess
    expect(meter.operations()).toEqual([
      { operation: 'commit PutItem', kind: 'write', requests: 1, items: 1, reportedUnits: 1, billedUnits: 1 },
    ]);
  });

  it('bills an update by the profile as it was read when that was larger', async () => {
    // Prepare: the stored profile holds a 2,500-byte trait: between 2 and 3 KB, 3 units; the update drops it.
    const large = newPerson('P2');
    large.traits = { bio: { value: 'x'.repeat(2_500), at: 0, source: 'crm' } };
    const meter = new CapacityMeter((observe) => fakeStore(observe, [large], []));
    await meter.profiles(['P2', 'P3']);

    // Act
    await meter.commit({
      creates: [],
      updates: [{ profile: { ...newPerson('P2'), version: 1 }, expectedVersion: 0 }],
      redirects: [],
      links: [],
    });

    // Assess: one UpdateItem of 3 units; the read of two keys, one missing, is 1 + 1.
    expect(meter.operations()).toEqual([
      {
        operation: 'profiles BatchGetItem',
        kind: 'read',
        requests: 1,
        items: 2,
        reportedUnits: 1,
        billedUnits: 2,
      },
      {
        operation: 'commit UpdateItem',
        kind: 'write',
        requests: 1,
        items: 1,
        reportedUnits: 3,
        billedUnits: 3,
      },
    ]);
    expect(meter.total('read')).toBe(2);
  });

  it('bills a commit whose condition failed, which no response reports', async () => {
    // Prepare
    const meter = new CapacityMeter((observe) => fakeStore(observe, [], [false]));

    // Act
    const committed = await meter.commit({
      creates: [newPerson('P4')],
      updates: [],
      redirects: [],
      links: [{ identity: { type: 'anonymous_id', value: 'a-1' }, profileId: 'P4' }],
    });

    // Assess
    expect(committed).toBe(false);
    expect(meter.operations()).toEqual([
      {
        operation: 'commit (condition failed)',
        kind: 'write',
        requests: 1,
        items: 2,
        reportedUnits: 0,
        billedUnits: 4,
      },
    ]);
  });
});
