/**
 * The profile store's scoring side (shared/adapters/dynamodb-profile-store.ts): scores are their own item
 * beside the profile, read with the profile's kind in one BatchGetItem, and a throttled read or write is retried,
 * never dropped. The document client's `send` answers from the test: no DynamoDB is called.
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProfileStoreError } from '../../../shared/adapters/dynamodb-profile-store.ts';
import { stubbedProfileStore } from '../../fixtures/stubbed-client.ts';

function storeAnswering(answer: (command: unknown) => unknown) {
  return stubbedProfileStore(answer);
}

const throttle = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DynamoDbProfileStore scores', () => {
  it('puts the scores as their own item beside the profile, never touching the profile item', async () => {
    // Prepare
    const { store, sent } = storeAnswering(() => ({}));

    // Act
    await store.writeScores('p1', { asOf: '2026-11-22', rfm: { segment: 'Lost' } });

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutCommand);
    expect((sent[0] as PutCommand).input).toEqual<PutCommandInput>({
      TableName: 'profiles',
      Item: { pk: 'p#p1', sk: 'scores', scores: { asOf: '2026-11-22', rfm: { segment: 'Lost' } } },
    });
  });

  it('retries a throttled write until it is taken', async () => {
    // Prepare: throttled twice, then accepted
    let calls = 0;
    const { store, sent } = storeAnswering(() => {
      calls += 1;
      if (calls <= 2) throw throttle();
      return {};
    });

    // Act
    await store.writeScores('p1', { rfm: { segment: 'Lost' } });

    // Assess
    expect(sent).toHaveLength(3);
  });

  it('fails a write that keeps being throttled, and any other refusal at once', async () => {
    // Prepare
    vi.useFakeTimers();
    try {
      const throttled = storeAnswering(() => {
        throw throttle();
      });

      // Act
      const write = throttled.store.writeScores('p1', {});
      const outcome = expect(write).rejects.toThrow(ProfileStoreError);
      await vi.runAllTimersAsync();

      // Assess: 10 attempts in all
      await outcome;
      expect(throttled.sent).toHaveLength(10);
    } finally {
      vi.useRealTimers();
    }
    vi.restoreAllMocks();
    const refused = storeAnswering(() => {
      throw new Error('AccessDenied');
    });
    await expect(refused.store.writeScores('p1', {})).rejects.toThrow(ProfileStoreError);
    expect(refused.sent).toHaveLength(1);
  });

  it('reads the kind of each profile and its scores item in one batch; absent profiles are left out', async () => {
    // Prepare
    const { store, sent } = storeAnswering(() => ({
      Responses: {
        profiles: [
          { pk: 'p#a', sk: 'profile', kind: 'live' },
          { pk: 'p#a', sk: 'scores', scores: { rfm: { segment: 'Lost' } } },
          { pk: 'p#b', sk: 'profile', kind: 'redirect' },
          { pk: 'p#c', sk: 'profile', kind: 'live' },
          // scores without a profile (written just before an erasure): not a target
          { pk: 'p#d', sk: 'scores', scores: {} },
        ],
      },
    }));

    // Act
    const targets = await store.scoreTargets(['a', 'b', 'c', 'd', 'e']);

    // Assess
    expect(sent).toHaveLength(1);
    const keys = (sent[0] as BatchGetCommand).input.RequestItems?.profiles?.Keys;
    expect(keys).toHaveLength(10);
    expect(keys?.slice(0, 2)).toEqual([
      { pk: 'p#a', sk: 'profile' },
      { pk: 'p#a', sk: 'scores' },
    ]);
    expect(sent[0]).toBeInstanceOf(BatchGetCommand);
    expect(new Map(targets)).toEqual(
      new Map([
        ['a', { kind: 'live', scores: { rfm: { segment: 'Lost' } } }],
        ['b', { kind: 'redirect' }],
        ['c', { kind: 'live' }],
      ]),
    );
  });

  it('waits out a throttled read of the targets, eventually consistent', async () => {
    // Prepare: throttled twice, then answered
    vi.useFakeTimers();
    try {
      let calls = 0;
      const { store, sent } = storeAnswering(() => {
        calls += 1;
        if (calls <= 2) throw throttle();
        return { Responses: { profiles: [{ pk: 'p#a', sk: 'profile', kind: 'live' }] } };
      });

      // Act
      const reading = store.scoreTargets(['a']);
      await vi.runAllTimersAsync();
      const targets = await reading;

      // Assess
      expect(sent).toHaveLength(3);
      expect((sent[0] as BatchGetCommand).input.RequestItems?.profiles?.ConsistentRead).toBe(false);
      expect(new Map(targets)).toEqual(new Map([['a', { kind: 'live' }]]));
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads a person's scores item for the profile API", async () => {
    // Prepare
    const { store, sent } = storeAnswering((command) =>
      (command as GetCommand).input.Key?.pk === 'p#a' ? { Item: { scores: { clv: 12.5 } } } : {},
    );

    // Act
    const found = await store.scores('a');
    const none = await store.scores('b');

    // Assess
    expect(found).toEqual({ clv: 12.5 });
    expect(none).toBeUndefined();
    expect((sent[0] as GetCommand).input.Key).toEqual({ pk: 'p#a', sk: 'scores' });
  });
});
