/**
 * What the scoring job's write-back costs in DynamoDB (docs/scoring.md, "Write-back to profiles").
 *
 * A million profiles are too many for DynamoDB Local on this machine (a few hundred requests per second), so
 * the benchmark runs the job against `MeteredScoreWriter`, which holds a typical buyer's profile for every id
 * the job asks for and bills each read and write by DynamoDB's rules (identity-capacity.ts): a strongly
 * consistent BatchGetItem key one read unit per started 4 KB of the item (one for a key that is not there:
 * the job reads each person's profile item and scores item), and a `PutItem` of the scores item one write unit
 * per started KB. A sample of the same writes then runs against DynamoDB Local through the real adapter, whose
 * reported units check the rule-based figure.
 */
import { createHash } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EMULATOR_CREDENTIALS, startEmulators } from '../../infra/local/emulators.ts';
import { localPaths } from '../../infra/local/paths.ts';
import { tables } from '../../infra/topology.ts';
import {
  DynamoDbProfileStore,
  profileItem,
  profileKeys,
} from '../../shared/adapters/dynamodb-profile-store.ts';
import type { JsonObject } from '../../shared/events/model.ts';
import type { LiveProfile } from '../../shared/profiles/model.ts';
import {
  type ProfileScores,
  type ScoreTarget,
  type ScoreWriter,
  writeBackScores,
} from '../../shared/scoring/job-writeback.ts';
import { billedFromReport, itemBytes, readUnits, writeUnits } from './identity-capacity.ts';

/**
 * A buyer's profile as resolution leaves it after a few months: a user id, two anonymous ids and an email
 * digest; six traits; web and server channels; eight event names; the order totals; one consent purpose; a
 * shard mark and the last 32 message digests. Its `scores` is empty, as `commit` creates it.
 */
export function typicalBuyerProfile(profileId: string): LiveProfile {
  const at = Date.UTC(2026, 9, 1, 12);
  const digest = (text: string) => createHash('sha256').update(text).digest('hex');
  return {
    kind: 'live',
    profileId,
    version: 17,
    createdAt: at - 200 * 86_400_000,
    updatedAt: at,
    identities: {
      user_id: [`user-${profileId.slice(-6)}`],
      anonymous_id: [
        `anon-${digest(`a${profileId}`).slice(0, 20)}`,
        `anon-${digest(`b${profileId}`).slice(0, 20)}`,
      ],
      email_sha256: [digest(`${profileId}@example.com`)],
    },
    traits: Object.fromEntries(
      (
        [
          ['email', `${profileId.slice(-8).toLowerCase()}@example.com`],
          ['firstName', 'Alex'],
          ['lastName', 'Example'],
          ['city', 'Berlin'],
          ['country', 'DE'],
          ['plan', 'member'],
        ] as const
      ).map(([key, value]) => [key, { value, at, source: 'website' }]),
    ),
    channels: {
      web: { first: at - 200 * 86_400_000, last: at, count: 41 },
      server: { first: at - 190 * 86_400_000, last: at - 86_400_000, count: 3 },
    },
    eventCounts: {
      'Order Completed': 3,
      'Product Viewed': 18,
      'Product Added': 5,
      'Checkout Started': 4,
      'Email Opened': 6,
      'Email Link Clicked': 2,
      'Signed In': 4,
      'Products Searched': 2,
    },
    typeCounts: { track: 44, page: 37, identify: 4 },
    orders: { count: 3, revenue: 104.85, first: at - 190 * 86_400_000, last: at - 86_400_000 },
    consent: { marketing: { granted: true, at } },
    seq: { 'shardId-000000000000': '49657210482934798304927592734827394872934872934879234' },
    recent: Array.from({ length: 32 }, (_, i) => digest(`${profileId}-${i}`).slice(0, 22)),
    merged: [],
  };
}

/** The profile's item as the table holds it: keys, the attributes resolution writes, and `scores: {}`. */
export function profileItemOf(profile: LiveProfile): Record<string, unknown> {
  return { ...profileKeys.profile(profile.profileId), ...profileItem(profile), scores: {} };
}

/** The scores item beside the profile, as the store puts it. */
export function scoresItemOf(profileId: string, scores: JsonObject): Record<string, unknown> {
  return { ...profileKeys.scores(profileId), scores };
}

export interface WriteBackUnits {
  readonly reads: number;
  readonly readUnits: number;
  readonly writes: number;
  readonly writeUnits: number;
  /** Sizes of the scores items written: smallest, largest and the mean. */
  readonly itemBytes: { readonly min: number; readonly max: number; readonly mean: number };
}

/**
 * Every id is a typical buyer's live profile without scores (the first run: every score is a change), read and
 * written by DynamoDB's billing rules; nothing is kept but the sizes and a sample of the writes.
 */
export class MeteredScoreWriter implements ScoreWriter {
  readonly #sampleSize: number;
  readonly #profileBytes: number;
  /** The first writes, to replay against DynamoDB Local. */
  readonly sample: ProfileScores[] = [];
  #reads = 0;
  #readUnits = 0;
  #writes = 0;
  #writeUnits = 0;
  #minBytes = Number.POSITIVE_INFINITY;
  #maxBytes = 0;
  #sumBytes = 0;
  /** Called at each batch: the benchmark samples the memory there. */
  readonly #onBatch: () => void;

  constructor(sampleSize: number, onBatch: () => void = () => {}) {
    this.#sampleSize = sampleSize;
    this.#onBatch = onBatch;
    // The same profile shape for every id (ids have the same length), so one size serves all.
    this.#profileBytes = itemBytes(profileItemOf(typicalBuyerProfile('01JDZ8Q4MP0000000000000000')));
  }

  async scoreTargets(profileIds: readonly string[]): Promise<ReadonlyMap<string, ScoreTarget>> {
    this.#onBatch();
    const found = new Map<string, ScoreTarget>();
    for (const profileId of profileIds) {
      // Two keys: the profile item, and the scores item, not there yet (one unit all the same).
      this.#reads += 2;
      this.#readUnits += readUnits(this.#profileBytes) + readUnits(0);
      found.set(profileId, { kind: 'live' });
    }
    return found;
  }

  async writeScores(profileId: string, scores: JsonObject): Promise<void> {
    const bytes = itemBytes(scoresItemOf(profileId, scores));
    this.#writes += 1;
    this.#writeUnits += writeUnits(bytes);
    this.#minBytes = Math.min(this.#minBytes, bytes);
    this.#maxBytes = Math.max(this.#maxBytes, bytes);
    this.#sumBytes += bytes;
    if (this.sample.length < this.#sampleSize) this.sample.push({ profileId, scores });
  }

  units(): WriteBackUnits {
    return {
      reads: this.#reads,
      readUnits: this.#readUnits,
      writes: this.#writes,
      writeUnits: this.#writeUnits,
      itemBytes: {
        min: this.#writes === 0 ? 0 : this.#minBytes,
        max: this.#maxBytes,
        mean: this.#writes === 0 ? 0 : this.#sumBytes / this.#writes,
      },
    };
  }
}

export interface LocalWriteBackSample {
  readonly profiles: number;
  readonly written: number;
  /** Units DynamoDB Local reported (reads with a unit added per key not found, as AWS bills): reads
   * (BatchGetItem) and writes (PutItem). */
  readonly reportedReadUnits: number;
  readonly reportedWriteUnits: number;
  /** The same requests by DynamoDB's rules, from the items' sizes. */
  readonly ruleReadUnits: number;
  readonly ruleWriteUnits: number;
  readonly seconds: number;
}

/**
 * Replays `sample` (the job's first writes) through the DynamoDB adapter against DynamoDB Local: creates each
 * profile as resolution would (a typical buyer, `scores` empty), then runs the job's write-back on them and
 * sums what DynamoDB Local reports, beside the rule-based units of the same items.
 */
export async function writeBackOnDynamoDbLocal(
  sample: readonly ProfileScores[],
  dataDir: string,
  onCleanup: (release: () => Promise<void>) => () => Promise<void>,
): Promise<LocalWriteBackSample> {
  const emulators = await startEmulators(localPaths({ CDP_DATA_DIR: dataDir }));
  const release = onCleanup(() => emulators.stop());
  try {
    const client = new DynamoDBClient({
      endpoint: emulators.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: EMULATOR_CREDENTIALS,
    });
    const tableName = 'profiles';
    const table = tables.profiles;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: table.partitionKey, AttributeType: 'S' },
          { AttributeName: table.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
    let reportedReadUnits = 0;
    let reportedWriteUnits = 0;
    const store = new DynamoDbProfileStore({
      client,
      tableName,
      onConsumedCapacity: (usage) => {
        if (usage.operation === 'scoreTargets') reportedReadUnits += billedFromReport(usage);
        if (usage.operation === 'writeScores') reportedWriteUnits += usage.capacityUnits;
      },
    });
    const profiles = sample.map((person) => typicalBuyerProfile(person.profileId));
    for (let start = 0; start < profiles.length; start += 25) {
      await store.commit({
        creates: profiles.slice(start, start + 25),
        updates: [],
        redirects: [],
        links: [],
      });
    }
    reportedReadUnits = 0;
    reportedWriteUnits = 0;

    const started = performance.now();
    const result = await writeBackScores(store, sample);
    const seconds = (performance.now() - started) / 1000;

    let ruleReadUnits = 0;
    let ruleWriteUnits = 0;
    sample.forEach((person, i) => {
      ruleReadUnits += readUnits(itemBytes(profileItemOf(profiles[i] as LiveProfile))) + readUnits(0);
      ruleWriteUnits += writeUnits(itemBytes(scoresItemOf(person.profileId, person.scores)));
    });
    client.destroy();
    return {
      profiles: sample.length,
      written: result.written,
      reportedReadUnits,
      reportedWriteUnits,
      ruleReadUnits,
      ruleWriteUnits,
      seconds,
    };
  } finally {
    await release();
  }
}
