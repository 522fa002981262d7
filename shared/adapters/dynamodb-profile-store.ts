/**
 * The identity graph and profiles on the DynamoDB `profiles` table (partition key `pk`, sort key `sk`, TTL on
 * `expiresAt`). Item layouts, documented in docs/identity.md:
 *
 * - identity: `pk = i#<type>:<value>`, `sk = identity` → `profileId` (maybe a merged profile: follow redirects);
 * - profile: `pk = p#<profileId>`, `sk = profile` → the profile (`kind = live`), or a redirect
 *   (`kind = redirect`, `mergedInto`) once merged into another; none while the profile is virtual (an identity
 *   item pointing at it is all there is: read as a profile at version 0), and for a while after a virtual
 *   profile's erasure a tombstone (`kind = tombstone`, expiring), which readers take for no item;
 * - recent events: `pk = p#<profileId>`, `sk = event#<latest event time, ms>#<digest>` → up to 50 event
 *   summaries, compressed (recent-events-item.ts), expiring after `recentEventsDays`;
 * - refused links: `pk = p#<profileId>`, `sk = refused#<event time, ms>#<digest>`, expiring after `refusalsDays`;
 *   the refused identity as its type and `suppressionKey` digest only;
 * - scores: `pk = p#<profileId>`, `sk = scores` → `scores`, written by the scoring job only (under 1 KB: one
 *   write unit, and resolution's version-conditioned profile item is never touched).
 *
 * A commit is one conditional UpdateItem when it changes one profile only (the common case: a known person's
 * events), one conditional PutItem when it writes one new item only (a new visitor's identity item), else one
 * transaction; conditions are the profiles' versions and the absence of new items.
 */
import {
  ConditionalCheckFailedException,
  type ConsumedCapacity,
  type DynamoDBClient,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { CdpError } from '../errors.ts';
import { isJsonObject } from '../events/json.ts';
import type { Json, JsonObject } from '../events/model.ts';
import { suppressionKey } from '../identity/hashing.ts';
import { type Identity, identityKey } from '../identity/identifiers.ts';
import type { GraphWrites, IdentityGraphStore, RecentEvents, Refusal, Repoint } from '../identity/ports.ts';
import { messageDigest } from '../identity/sequence.ts';
import type { GraphScanner } from '../identity/snapshot.ts';
import { channels } from '../ports.ts';
import type { PersonStore } from '../privacy/ports.ts';
import type { EventSummary, LiveProfile, StoredProfile } from '../profiles/model.ts';
import type { ProfileReader } from '../profiles/ports.ts';
import type { ScoreTarget, ScoreWriter } from '../scoring/job-writeback.ts';
import { dynamoDbDocuments } from './aws-clients.ts';
import { decodeRecentEvents, encodeRecentEvents } from './recent-events-item.ts';

/** DynamoDB refused a call, or the table holds an item the platform cannot read. */
export class ProfileStoreError extends CdpError {}

export interface DynamoDbProfileStoreOptions {
  /** @default dynamoDbClient() — the shared client of aws-clients.ts */
  readonly client?: DynamoDBClient;
  readonly tableName: string;
  /** Days an event stays in a person's recent-events list. @default 30 */
  readonly recentEventsDays?: number;
  /** Days a refused link is kept for audit. @default 90 */
  readonly refusalsDays?: number;
  /**
   * Days an erased virtual profile's tombstone stays (it only has to outlive the resolutions that read the
   * identity before the erasure: minutes). @default 1
   */
  readonly tombstoneDays?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Told what each request consumed, as DynamoDB reports it: the benchmark measures write and read units per
   * event with it. Without it the requests do not ask for the figure at all.
   */
  readonly onConsumedCapacity?: (usage: ConsumedCapacityUsage) => void;
}

/** What one DynamoDB request of the store consumed (`ReturnConsumedCapacity: 'TOTAL'`). */
export interface ConsumedCapacityUsage {
  /** The store method that sent it. */
  readonly operation:
    | 'linkedProfiles'
    | 'profiles'
    | 'commit'
    | 'recordEvents'
    | 'recordRefusals'
    | 'repoint'
    | 'recentEvents'
    | 'writeScores'
    | 'scoreTargets'
    | 'scores';
  readonly request:
    | 'BatchGetItem'
    | 'UpdateItem'
    | 'TransactWriteItems'
    | 'BatchWriteItem'
    | 'Query'
    | 'PutItem'
    | 'GetItem';
  /** Read or write units, as DynamoDB reported them. */
  readonly capacityUnits: number;
  /** Keys read or items written by the request. */
  readonly items: number;
  /** Items a read returned: a key that is not in the table costs a read all the same. */
  readonly returned?: number;
}

export const profileKeys = {
  identity: (identity: Identity) => ({ pk: `i#${identityKey(identity)}`, sk: 'identity' }),
  profile: (profileId: string) => ({ pk: `p#${profileId}`, sk: 'profile' }),
  scores: (profileId: string) => ({ pk: `p#${profileId}`, sk: 'scores' }),
};

/** Attempts at a score write that DynamoDB throttles, beyond the SDK's own retries. */
const throttledScoreAttempts = 10;

/** Event summaries per recent-events item: a batch with more of one person's events writes several. */
const eventsPerItem = 50;
/** Attempts at the items DynamoDB leaves unprocessed in a batch read or write. */
const batchAttempts = 6;

/** Attributes of a live profile item (scores are an item of their own: `profileKeys.scores`). */
const ownedAttributes = [
  'kind',
  'profileId',
  'version',
  'createdAt',
  'updatedAt',
  'identities',
  'traits',
  'channels',
  'eventCounts',
  'typeCounts',
  'orders',
  'consent',
  'seq',
  'recent',
  'merged',
] as const;

export class DynamoDbProfileStore
  implements IdentityGraphStore, ProfileReader, GraphScanner, PersonStore, ScoreWriter
{
  readonly #documents: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #recentEventsSeconds: number;
  readonly #refusalsSeconds: number;
  readonly #tombstoneSeconds: number;
  readonly #now: () => number;
  readonly #onCapacity: DynamoDbProfileStoreOptions['onConsumedCapacity'];
  /** Spread into each request: asks for the consumed capacity only when someone listens. */
  readonly #returnCapacity: { ReturnConsumedCapacity?: 'TOTAL' };

  constructor(options: DynamoDbProfileStoreOptions) {
    this.#documents = dynamoDbDocuments(options.client);
    this.#table = options.tableName;
    this.#recentEventsSeconds = (options.recentEventsDays ?? 30) * 86_400;
    this.#refusalsSeconds = (options.refusalsDays ?? 90) * 86_400;
    this.#tombstoneSeconds = (options.tombstoneDays ?? 1) * 86_400;
    this.#now = options.now ?? Date.now;
    this.#onCapacity = options.onConsumedCapacity;
    this.#returnCapacity = options.onConsumedCapacity ? { ReturnConsumedCapacity: 'TOTAL' } : {};
  }

  async linkedProfiles(identities: readonly Identity[]): Promise<ReadonlyMap<string, string>> {
    const byPk = new Map(identities.map((identity) => [profileKeys.identity(identity).pk, identity]));
    const items = await this.#batchGet(
      'linkedProfiles',
      [...byPk.keys()].map((pk) => ({ pk, sk: 'identity' })),
      'pk, profileId',
    );
    const found = new Map<string, string>();
    for (const item of items) {
      const identity = byPk.get(String(item.pk));
      if (identity !== undefined && typeof item.profileId === 'string') {
        found.set(identityKey(identity), item.profileId);
      }
    }
    return found;
  }

  async profiles(profileIds: readonly string[]): Promise<ReadonlyMap<string, StoredProfile>> {
    const items = await this.#batchGet(
      'profiles',
      [...new Set(profileIds)].map((id) => profileKeys.profile(id)),
    );
    const found = new Map<string, StoredProfile>();
    for (const item of items) {
      if (isTombstone(item)) continue;
      const profile = profileFromItem(item);
      found.set(profile.profileId, profile);
    }
    return found;
  }

  /**
   * The scoring job's read (docs/scoring.md#write-back): per id, whether its profile is live or a redirect, and
   * its scores item; one BatchGetItem reads both items of 50 people.
   */
  async scoreTargets(profileIds: readonly string[]): Promise<ReadonlyMap<string, ScoreTarget>> {
    const ids = [...new Set(profileIds)];
    // Eventually consistent (half the read units): a redirect made in the last second read as live only puts
    // scores beside it, which are never shown. Throttling is waited out: a day with few changed scores reads
    // far faster than it writes.
    const items = await this.#batchGet(
      'scoreTargets',
      ids.flatMap((id) => [profileKeys.profile(id), profileKeys.scores(id)]),
      'pk, sk, kind, scores',
      { consistent: false, waitOutThrottling: true },
    );
    const kinds = new Map<string, unknown>();
    const scores = new Map<string, unknown>();
    for (const item of items) {
      const id = String(item.pk).slice(2);
      if (item.sk === 'profile') {
        if (!isTombstone(item)) kinds.set(id, item.kind);
      } else scores.set(id, item.scores);
    }
    const found = new Map<string, ScoreTarget>();
    for (const [id, kind] of kinds) {
      if (kind !== 'live' && kind !== 'redirect') {
        throw new ProfileStoreError(`profile item p#${id} has no kind`);
      }
      const stored = scores.get(id);
      found.set(id, { kind, ...(isJsonObject(stored) ? { scores: stored } : {}) });
    }
    return found;
  }

  /**
   * The scoring job's write (docs/identity.md, "Scores"): puts the profile's scores item. Unconditional: the
   * job has just read the profile as live, and scores that land beside a profile merged in between are never
   * shown (the profile API reads the survivor's) and go with that partition's erasure. Throttling is retried
   * with growing, jittered pauses beyond the SDK's own retries; a write that still fails throws.
   */
  async writeScores(profileId: string, scores: JsonObject): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const output = await this.#documents.send(
          new PutCommand({
            TableName: this.#table,
            Item: { ...profileKeys.scores(profileId), scores },
            ...this.#returnCapacity,
          }),
        );
        this.#report('writeScores', 'PutItem', output.ConsumedCapacity, 1);
        return;
      } catch (error) {
        if (throttled(error) && attempt + 1 < throttledScoreAttempts) {
          await pause(attempt + 1);
          continue;
        }
        throw new ProfileStoreError(`cannot write scores to ${this.#table}`, { cause: error });
      }
    }
  }

  /** The profile API's read of a person's scores: `undefined` when the job has not scored them. */
  async scores(profileId: string): Promise<JsonObject | undefined> {
    try {
      const output = await this.#documents.send(
        new GetCommand({
          TableName: this.#table,
          Key: profileKeys.scores(profileId),
          ...this.#returnCapacity,
        }),
      );
      this.#report('scores', 'GetItem', output.ConsumedCapacity, 1, output.Item ? 1 : 0);
      const stored = output.Item?.scores;
      return isJsonObject(stored) ? stored : undefined;
    } catch (error) {
      throw new ProfileStoreError(`cannot read scores from ${this.#table}`, { cause: error });
    }
  }

  async commit(writes: GraphWrites): Promise<boolean> {
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      ...writes.creates.map((profile) => ({
        Put: {
          TableName: this.#table,
          Item: { ...profileKeys.profile(profile.profileId), ...profileItem(profile) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
      ...writes.updates.map(({ profile, expectedVersion }) => ({
        Update: { TableName: this.#table, ...updateProfile(profile, expectedVersion) },
      })),
      ...writes.redirects.map(({ profileId, expectedVersion, mergedInto }) =>
        expectedVersion === 0
          ? this.#newRedirect(profileId, mergedInto)
          : {
              Update: {
                TableName: this.#table,
                Key: profileKeys.profile(profileId),
                UpdateExpression: `SET kind = :redirect, mergedInto = :into, version = :next, updatedAt = :now REMOVE ${[
                  ...ownedAttributes.filter(
                    (name) => !['kind', 'profileId', 'version', 'updatedAt'].includes(name),
                  ),
                ].join(', ')}`,
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: {
                  ':redirect': 'redirect',
                  ':into': mergedInto,
                  ':next': expectedVersion + 1,
                  ':now': this.#now(),
                  ':expected': expectedVersion,
                },
              },
            },
      ),
      ...writes.links.map(({ identity, profileId }) => ({
        Put: {
          TableName: this.#table,
          Item: { ...profileKeys.identity(identity), profileId, linkedAt: this.#now() },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
    ];
    const [only] = items;
    try {
      if (items.length === 1 && only?.Update) {
        // One profile changed: a plain conditional write, at half the cost of a transaction.
        const output = await this.#documents.send(
          new UpdateCommand({
            ...(only.Update as ConstructorParameters<typeof UpdateCommand>[0]),
            ...this.#returnCapacity,
          }),
        );
        this.#report('commit', 'UpdateItem', output.ConsumedCapacity, 1);
      } else if (items.length === 1 && only?.Put) {
        // One new item: a new visitor's identity item (lazy creation, docs/identity.md), at 1 unit, not 2.
        const output = await this.#documents.send(
          new PutCommand({
            ...(only.Put as ConstructorParameters<typeof PutCommand>[0]),
            ...this.#returnCapacity,
          }),
        );
        this.#report('commit', 'PutItem', output.ConsumedCapacity, 1);
      } else if (items.length > 0) {
        const output = await this.#documents.send(
          new TransactWriteCommand({ TransactItems: items, ...this.#returnCapacity }),
        );
        this.#report('commit', 'TransactWriteItems', output.ConsumedCapacity, items.length);
      }
      return true;
    } catch (error) {
      if (lostTheRace(error)) return false;
      throw new ProfileStoreError(`cannot write profiles to ${this.#table}`, { cause: error });
    }
  }

  /**
   * A virtual profile (an identity item pointing at no profile item) merged into another: its redirect item is
   * new, so it must not exist — neither a profile another writer created meanwhile nor an erasure's tombstone.
   */
  #newRedirect(profileId: string, mergedInto: string) {
    return {
      Put: {
        TableName: this.#table,
        Item: {
          ...profileKeys.profile(profileId),
          kind: 'redirect',
          profileId,
          version: 1,
          mergedInto,
          updatedAt: this.#now(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  async recordEvents(recent: readonly RecentEvents[]): Promise<void> {
    const expiresAt = Math.floor(this.#now() / 1000) + this.#recentEventsSeconds;
    const items = recent.flatMap(({ profileId, events }) => {
      const sorted = [...events].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
      const chunks: EventSummary[][] = [];
      for (let start = 0; start < sorted.length; start += eventsPerItem) {
        chunks.push(sorted.slice(start, start + eventsPerItem));
      }
      return chunks.map((chunk) => {
        const latest = Date.parse(chunk.at(-1)?.timestamp ?? '');
        const digest = messageDigest(chunk.map((summary) => summary.messageId).join('\n'));
        return {
          pk: `p#${profileId}`,
          sk: `event#${sortableTime(latest)}#${digest}`,
          z: encodeRecentEvents(chunk),
          expiresAt,
        };
      });
    });
    await this.#batchPut('recordEvents', items);
  }

  async recordRefusals(refusals: readonly Refusal[]): Promise<void> {
    const expiresAt = Math.floor(this.#now() / 1000) + this.#refusalsSeconds;
    await this.#batchPut(
      'recordRefusals',
      // The refused identity is often another person's (a shared device's anonymous id), and this partition is
      // not theirs: their erasure would not find it here, so the item keeps only its type and digest.
      refusals.map(({ identity, ...refusal }) => ({
        pk: `p#${refusal.profileId}`,
        sk: `refused#${sortableTime(Date.parse(refusal.at))}#${messageDigest(`${refusal.messageId}\n${identityKey(identity)}`)}`,
        ...refusal,
        identityType: identity.type,
        identityDigest: suppressionKey(identity),
        expiresAt,
      })),
    );
  }

  async repoint(repoints: readonly Repoint[]): Promise<void> {
    await Promise.all(
      repoints.map(async ({ identity, from, to }) => {
        try {
          const output = await this.#documents.send(
            new UpdateCommand({
              TableName: this.#table,
              Key: profileKeys.identity(identity),
              UpdateExpression: 'SET profileId = :to',
              ConditionExpression: 'profileId = :from',
              ExpressionAttributeValues: { ':to': to, ':from': from },
              ...this.#returnCapacity,
            }),
          );
          this.#report('repoint', 'UpdateItem', output.ConsumedCapacity, 1);
        } catch (error) {
          if (!lostTheRace(error))
            throw new ProfileStoreError(`cannot repoint an identity`, { cause: error });
        }
      }),
    );
  }

  async recentEvents(profileIds: readonly string[], limit: number): Promise<EventSummary[]> {
    const perProfile = await Promise.all(
      [...new Set(profileIds)].map(async (profileId) => {
        try {
          const { Items = [], ConsumedCapacity: consumed } = await this.#documents.send(
            new QueryCommand({
              TableName: this.#table,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: { ':pk': `p#${profileId}`, ':prefix': 'event#' },
              ScanIndexForward: false,
              // Each item holds at least one event and is keyed by its latest: `limit` items hold the newest.
              Limit: limit,
              ...this.#returnCapacity,
            }),
          );
          this.#report('recentEvents', 'Query', consumed, Items.length, Items.length);
          return Items.flatMap((item) => {
            const events = decodeRecentEvents(item);
            if (events === undefined) throw new ProfileStoreError('a recent-events item is malformed');
            return events;
          });
        } catch (error) {
          throw new ProfileStoreError(`cannot read recent events from ${this.#table}`, { cause: error });
        }
      }),
    );
    const unique = new Map(perProfile.flat().map((summary) => [summary.messageId, summary]));
    return [...unique.values()]
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp) || a.messageId.localeCompare(b.messageId))
      .slice(0, limit);
  }

  /**
   * Every profile item, live or redirect (the identity map snapshot reads the whole graph): a consistent,
   * paginated parallel Scan in `segments` segments, holding at most one page (1 MB) per segment at a time.
   */
  async *scanProfiles(segments = 4): AsyncIterable<StoredProfile> {
    type Page = { segment: number; output: ScanCommandOutput };
    const read = (segment: number, startKey?: Record<string, unknown>): Promise<Page> =>
      this.#scanPage(segment, segments, startKey).then((output) => ({ segment, output }));
    const pending = new Map<number, Promise<Page>>();
    for (let segment = 0; segment < segments; segment += 1) pending.set(segment, read(segment));
    try {
      while (pending.size > 0) {
        const { segment, output } = await Promise.race(pending.values());
        pending.delete(segment);
        if (output.LastEvaluatedKey) pending.set(segment, read(segment, output.LastEvaluatedKey));
        for (const item of output.Items ?? []) if (!isTombstone(item)) yield profileFromItem(item);
      }
    } finally {
      // Pages still in flight when the reader stops or one segment fails: nobody awaits them any more.
      for (const page of pending.values()) page.catch(() => undefined);
    }
  }

  async #scanPage(
    segment: number,
    totalSegments: number,
    startKey: Record<string, unknown> | undefined,
  ): Promise<ScanCommandOutput> {
    try {
      return await this.#documents.send(
        new ScanCommand({
          TableName: this.#table,
          Segment: segment,
          TotalSegments: totalSegments,
          ConsistentRead: true,
          FilterExpression: '#sk = :profile',
          ExpressionAttributeNames: { '#sk': 'sk' },
          ExpressionAttributeValues: { ':profile': 'profile' },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
    } catch (error) {
      throw new ProfileStoreError(`cannot scan ${this.#table}`, { cause: error });
    }
  }

  /** Erasure (shared/privacy/erase.ts): removes the identity items that exist; resolves with how many. */
  async removeIdentities(identities: readonly Identity[]): Promise<number> {
    if (identities.length === 0) return 0;
    const linked = await this.linkedProfiles(identities);
    const keys = identities
      .filter((identity) => linked.has(identityKey(identity)))
      .map((identity) => profileKeys.identity(identity));
    await this.#batchDelete(keys);
    return keys.length;
  }

  /** Erasure: removes every item of a profile's partition (all but the profile item if `keepProfileItem`). */
  async removeProfileItems(
    profileId: string,
    options: { readonly keepProfileItem: boolean },
  ): Promise<number> {
    const keys: { pk: string; sk: string }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      try {
        const output = await this.#documents.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `p#${profileId}` },
            ProjectionExpression: 'pk, sk',
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of output.Items ?? []) {
          if (options.keepProfileItem && item.sk === 'profile') continue;
          keys.push({ pk: String(item.pk), sk: String(item.sk) });
        }
        startKey = output.LastEvaluatedKey;
      } catch (error) {
        throw new ProfileStoreError(`cannot read ${this.#table}`, { cause: error });
      }
    } while (startKey !== undefined);
    await this.#batchDelete(keys);
    return keys.length;
  }

  /**
   * Erasure: removes the profile item if still at `expectedVersion`; `false` if it changed or is gone. Version 0
   * is a virtual profile (no item): a tombstone is put where its item would be, if none is there yet, so that a
   * resolution that read its identity before the erasure cannot create it afterwards (its create finds the
   * tombstone, re-plans, and its events are screened out); it expires after `tombstoneDays`.
   */
  async removeProfile(profileId: string, expectedVersion: number): Promise<boolean> {
    if (expectedVersion === 0) return this.#putTombstone(profileId);
    try {
      await this.#documents.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: profileKeys.profile(profileId),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new ProfileStoreError(`cannot remove a profile from ${this.#table}`, { cause: error });
    }
  }

  async #putTombstone(profileId: string): Promise<boolean> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...profileKeys.profile(profileId),
            kind: 'tombstone',
            expiresAt: Math.floor(this.#now() / 1000) + this.#tombstoneSeconds,
          },
          // An erasure run again finds its own tombstone: that is no profile either.
          ConditionExpression: 'attribute_not_exists(pk) OR kind = :tombstone',
          ExpressionAttributeValues: { ':tombstone': 'tombstone' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new ProfileStoreError(`cannot mark an erased profile in ${this.#table}`, { cause: error });
    }
  }

  async #batchDelete(keys: readonly Record<string, string>[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 25) {
      let pending = keys.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= batchAttempts) throw new ProfileStoreError(`${this.#table}: deletes left unprocessed`);
        if (attempt > 0) await pause(attempt);
        try {
          const output = await this.#documents.send(
            new BatchWriteCommand({ RequestItems: { [this.#table]: pending } }),
          );
          pending = (output.UnprocessedItems?.[this.#table] ?? []) as typeof pending;
        } catch (error) {
          throw new ProfileStoreError(`cannot delete from ${this.#table}`, { cause: error });
        }
      }
    }
  }

  /**
   * Reads `keys`, 100 per request, again for the keys DynamoDB leaves unprocessed; with `waitOutThrottling`, a
   * throttled request too, up to `throttledScoreAttempts` times.
   */
  async #batchGet(
    operation: ConsumedCapacityUsage['operation'],
    keys: readonly Record<string, string>[],
    projection?: string,
    {
      consistent = true,
      waitOutThrottling = false,
    }: { consistent?: boolean; waitOutThrottling?: boolean } = {},
  ): Promise<Record<string, unknown>[]> {
    const attempts = waitOutThrottling ? throttledScoreAttempts : batchAttempts;
    const found: Record<string, unknown>[] = [];
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Record<string, unknown>[] = keys.slice(start, start + 100);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= attempts) throw new ProfileStoreError(`${this.#table}: reads left unprocessed`);
        if (attempt > 0) await pause(attempt);
        let output: BatchGetCommandOutput;
        try {
          output = await this.#documents.send(
            new BatchGetCommand({
              RequestItems: {
                [this.#table]: {
                  Keys: pending,
                  ConsistentRead: consistent,
                  ...(projection ? { ProjectionExpression: projection } : {}),
                },
              },
              ...this.#returnCapacity,
            }),
          );
        } catch (error) {
          if (waitOutThrottling && throttled(error) && attempt + 1 < attempts) continue;
          throw new ProfileStoreError(`cannot read ${this.#table}`, { cause: error });
        }
        const returned = output.Responses?.[this.#table] ?? [];
        found.push(...returned);
        const unprocessed = output.UnprocessedKeys?.[this.#table]?.Keys ?? [];
        this.#report(
          operation,
          'BatchGetItem',
          output.ConsumedCapacity,
          pending.length - unprocessed.length,
          returned.length,
        );
        pending = unprocessed;
      }
    }
    return found;
  }

  async #batchPut(
    operation: ConsumedCapacityUsage['operation'],
    items: readonly Record<string, unknown>[],
  ): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      let pending = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= batchAttempts) throw new ProfileStoreError(`${this.#table}: writes left unprocessed`);
        if (attempt > 0) await pause(attempt);
        try {
          const output = await this.#documents.send(
            new BatchWriteCommand({ RequestItems: { [this.#table]: pending }, ...this.#returnCapacity }),
          );
          const unprocessed = (output.UnprocessedItems?.[this.#table] ?? []) as typeof pending;
          this.#report(
            operation,
            'BatchWriteItem',
            output.ConsumedCapacity,
            pending.length - unprocessed.length,
          );
          pending = unprocessed;
        } catch (error) {
          throw new ProfileStoreError(`cannot write to ${this.#table}`, { cause: error });
        }
      }
    }
  }

  #report(
    operation: ConsumedCapacityUsage['operation'],
    request: ConsumedCapacityUsage['request'],
    consumed: ConsumedCapacity | readonly ConsumedCapacity[] | undefined,
    items: number,
    returned?: number,
  ): void {
    if (!this.#onCapacity) return;
    const capacityUnits = [consumed ?? []]
      .flat()
      .reduce((total, { CapacityUnits = 0 }) => total + CapacityUnits, 0);
    this.#onCapacity({
      operation,
      request,
      capacityUnits,
      items,
      ...(returned === undefined ? {} : { returned }),
    });
  }
}

/** An erased virtual profile's marker: no profile to anyone who reads it (see `removeProfile`). */
function isTombstone(item: Record<string, unknown>): boolean {
  return item.kind === 'tombstone';
}

/** DynamoDB refused a request for capacity (on-demand scaling up, or a hot partition). */
function throttled(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'].includes(
    name,
  );
}

/** Another writer changed an item first: a condition failed or a transaction got in the way. */
function lostTheRace(error: unknown): boolean {
  if (error instanceof ConditionalCheckFailedException || error instanceof TransactionConflictException)
    return true;
  if (error instanceof TransactionCanceledException) {
    const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
    return codes.every((code) => ['None', 'ConditionalCheckFailed', 'TransactionConflict'].includes(code));
  }
  return false;
}

function updateProfile(profile: LiveProfile, expectedVersion: number) {
  const item = profileItem(profile);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':expected': expectedVersion };
  const sets: string[] = [];
  for (const name of ownedAttributes) {
    names[`#${name}`] = name;
    values[`:${name}`] = item[name];
    sets.push(`#${name} = :${name}`);
  }
  return {
    Key: profileKeys.profile(profile.profileId),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The profile's attributes in the table: compact lists for the small tuples, packed digests. */
export function profileItem(profile: LiveProfile): Record<(typeof ownedAttributes)[number], unknown> {
  return {
    kind: 'live',
    profileId: profile.profileId,
    version: profile.version,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
    identities: profile.identities,
    traits: Object.fromEntries(
      Object.entries(profile.traits).map(([key, trait]) => [
        key,
        { v: JSON.stringify(trait.value), t: trait.at, s: trait.source },
      ]),
    ),
    channels: Object.fromEntries(
      Object.entries(profile.channels).flatMap(([channel, activity]) =>
        activity ? [[channel, [activity.first, activity.last, activity.count]]] : [],
      ),
    ),
    eventCounts: profile.eventCounts,
    typeCounts: profile.typeCounts,
    orders: profile.orders,
    consent: Object.fromEntries(
      Object.entries(profile.consent).map(([purpose, consent]) => [purpose, [consent.granted, consent.at]]),
    ),
    seq: profile.seq,
    recent: Buffer.concat(profile.recent.map((digest) => Buffer.from(digest, 'base64url'))),
    merged: profile.merged,
  };
}

const count = z.number();
const liveItem = z.object({
  kind: z.literal('live'),
  profileId: z.string(),
  version: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  identities: z.record(z.string(), z.array(z.string())),
  traits: z.record(z.string(), z.object({ v: z.string(), t: z.number(), s: z.string() })),
  channels: z.partialRecord(z.enum(channels), z.tuple([z.number(), z.number(), z.number()])),
  eventCounts: z.record(z.string(), count),
  typeCounts: z.record(z.string(), count),
  orders: z.object({ count, revenue: z.number(), first: z.number().optional(), last: z.number().optional() }),
  consent: z.record(z.string(), z.tuple([z.boolean(), z.number()])),
  seq: z.record(z.string(), z.string()),
  recent: z.instanceof(Uint8Array).optional(),
  merged: z.array(z.string()),
});
const redirectItem = z.object({
  kind: z.literal('redirect'),
  profileId: z.string(),
  version: z.number(),
  mergedInto: z.string(),
  updatedAt: z.number(),
});
const storedItem = z.discriminatedUnion('kind', [liveItem, redirectItem]);

export function profileFromItem(item: Record<string, unknown>): StoredProfile {
  const parsed = storedItem.safeParse(item);
  if (!parsed.success) {
    throw new ProfileStoreError(
      `profile item ${String(item.pk)} is malformed: ${z.prettifyError(parsed.error)}`,
    );
  }
  const data = parsed.data;
  if (data.kind === 'redirect') return data;
  const recent = Buffer.from(data.recent ?? new Uint8Array());
  const digests: string[] = [];
  for (let offset = 0; offset + 6 <= recent.length; offset += 6) {
    digests.push(recent.subarray(offset, offset + 6).toString('base64url'));
  }
  return {
    kind: 'live',
    profileId: data.profileId,
    version: data.version,
    createdAt: data.createdAt,
    updatedAt: data.updatedAt,
    identities: data.identities,
    traits: Object.fromEntries(
      Object.entries(data.traits).map(([key, trait]) => [
        key,
        { value: JSON.parse(trait.v) as Json, at: trait.t, source: trait.s },
      ]),
    ),
    channels: Object.fromEntries(
      Object.entries(data.channels).flatMap(([channel, tuple]) =>
        tuple ? [[channel, { first: tuple[0], last: tuple[1], count: tuple[2] }]] : [],
      ),
    ),
    eventCounts: data.eventCounts,
    typeCounts: data.typeCounts,
    orders: {
      count: data.orders.count,
      revenue: data.orders.revenue,
      ...(data.orders.first === undefined ? {} : { first: data.orders.first }),
      ...(data.orders.last === undefined ? {} : { last: data.orders.last }),
    },
    consent: Object.fromEntries(
      Object.entries(data.consent).map(([purpose, [granted, at]]) => [purpose, { granted, at }]),
    ),
    seq: data.seq,
    recent: digests,
    merged: data.merged,
  };
}

/** Epoch ms as 13 digits, so that sort keys order by time (until the year 2286). */
function sortableTime(epochMs: number): string {
  return String(Number.isFinite(epochMs) ? Math.max(0, epochMs) : 0).padStart(13, '0');
}

function pause(attempt: number): Promise<void> {
  const base = 20 * 2 ** Math.min(attempt, 6);
  return new Promise((resolve) => setTimeout(resolve, base + Math.random() * base));
}
