/**
 * The DynamoDB profile store's side of lazy profile creation (docs/identity.md, "Virtual profiles"): a commit
 * of one new item is one conditional PutItem, a virtual profile's redirect is a new item, an erased virtual
 * profile leaves a tombstone, and readers take a tombstone for no item. The document client's `send` answers
 * from the test: no DynamoDB is called.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  PutCommand,
  type PutCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyProfile } from '../../../shared/profiles/model.ts';
import { stubbedProfileStore } from '../../fixtures/stubbed-client.ts';

const now = 1_800_000_000_000;

function storeAnswering(answer: (command: unknown) => unknown) {
  return stubbedProfileStore(answer, { now: () => now });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DynamoDbProfileStore and virtual profiles', () => {
  it("commits a new visitor's identity item alone as one conditional PutItem", async () => {
    // Prepare
    const { store, sent } = storeAnswering(() => ({}));

    // Act
    const committed = await store.commit({
      creates: [],
      updates: [],
      redirects: [],
      links: [{ identity: { type: 'anonymous_id', value: 'a-1' }, profileId: 'p-1' }],
    });

    // Assess
    expect(committed).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutCommand);
    expect((sent[0] as PutCommand).input).toEqual<PutCommandInput>({
      TableName: 'profiles',
      Item: { pk: 'i#anonymous_id:a-1', sk: 'identity', profileId: 'p-1', linkedAt: now },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('answers false when that identity item exists already (another writer linked it first)', async () => {
    // Prepare
    const { store } = storeAnswering(() => {
      throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
    });

    // Act
    const committed = await store.commit({
      creates: [],
      updates: [],
      redirects: [],
      links: [{ identity: { type: 'anonymous_id', value: 'a-1' }, profileId: 'p-1' }],
    });

    // Assess
    expect(committed).toBe(false);
  });

  it("puts a virtual profile's redirect as a new item, in the merge's transaction", async () => {
    // Prepare
    const { store, sent } = storeAnswering(() => ({}));
    const ann = { ...emptyProfile('ann', 1_000), version: 4, updatedAt: now };

    // Act
    await store.commit({
      creates: [],
      updates: [{ profile: ann, expectedVersion: 3 }],
      redirects: [{ profileId: 'p-1', expectedVersion: 0, mergedInto: 'ann' }],
      links: [],
    });

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(TransactWriteCommand);
    const [, redirect] = (sent[0] as TransactWriteCommand).input.TransactItems ?? [];
    expect(redirect).toEqual({
      Put: {
        TableName: 'profiles',
        Item: {
          pk: 'p#p-1',
          sk: 'profile',
          kind: 'redirect',
          profileId: 'p-1',
          version: 1,
          mergedInto: 'ann',
          updatedAt: now,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  });

  it('puts a tombstone, expiring after a day, in place of an erased virtual profile', async () => {
    // Prepare
    const { store, sent } = storeAnswering(() => ({}));

    // Act
    const removed = await store.removeProfile('p-1', 0);

    // Assess: expiresAt = now in seconds + 86400.
    expect(removed).toBe(true);
    expect((sent[0] as PutCommand).input).toEqual<PutCommandInput>({
      TableName: 'profiles',
      Item: { pk: 'p#p-1', sk: 'profile', kind: 'tombstone', expiresAt: 1_800_000_000 + 86_400 },
      ConditionExpression: 'attribute_not_exists(pk) OR kind = :tombstone',
      ExpressionAttributeValues: { ':tombstone': 'tombstone' },
    });
  });

  it('refuses the tombstone when a resolution created the profile first', async () => {
    // Prepare
    const { store } = storeAnswering(() => {
      throw new ConditionalCheckFailedException({ message: 'a profile is there', $metadata: {} });
    });

    // Act / Assess
    expect(await store.removeProfile('p-1', 0)).toBe(false);
  });

  it('reads a tombstone as no profile', async () => {
    // Prepare
    const { store, sent } = storeAnswering(() => ({
      Responses: { profiles: [{ pk: 'p#p-1', sk: 'profile', kind: 'tombstone', expiresAt: 1 }] },
    }));

    // Act
    const found = await store.profiles(['p-1']);

    // Assess
    expect(sent[0]).toBeInstanceOf(BatchGetCommand);
    expect(found.size).toBe(0);
  });
});
