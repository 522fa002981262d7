/**
 * Erasure jobs on the DynamoDB `erasures` table (partition key `erasureId`), one item per job holding the
 * job as it is (shared/privacy/model.ts); every write is conditional on the job's `version`. Jobs are few (one
 * per erasure request), so the upkeep finds the unfinished ones with a filtered Scan.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { CdpError } from '../errors.ts';
import { type ErasureJob, erasureStatuses } from '../privacy/model.ts';
import type { ErasureStore } from '../privacy/ports.ts';
import { dynamoDbDocuments } from './aws-clients.ts';

/** DynamoDB refused a call, or the table holds an item the platform cannot read. */
export class ErasureStoreError extends CdpError {}

export interface DynamoDbErasureStoreOptions {
  /** @default dynamoDbClient() — the shared client of aws-clients.ts */
  readonly client?: DynamoDBClient;
  readonly tableName: string;
}

const count = z.number().int().nonnegative();
const removal = z.object({
  filesRewritten: count,
  filesDeleted: count,
  rowsRemoved: count,
  oldVersionsDeleted: count,
});
const jobItem = z.object({
  erasureId: z.string(),
  status: z.enum(erasureStatuses),
  version: count,
  requestedAt: z.number(),
  updatedAt: z.number(),
  suppressedAt: z.number().optional(),
  profileErasedAt: z.number().optional(),
  completedAt: z.number().optional(),
  reason: z.string().optional(),
  lakeFailures: count.default(0),
  profileIds: z.array(z.string()),
  identities: z.array(z.object({ type: z.string(), value: z.string() })),
  identityCounts: z.record(z.string(), count),
  suppressionKeys: z.array(z.string()),
  results: z.object({
    identitiesSuppressed: count,
    dynamoItemsRemoved: count,
    lake: z.record(z.string(), removal),
  }),
  lakeCursor: z.object({ area: z.string(), after: z.string() }).optional(),
});

export class DynamoDbErasureStore implements ErasureStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbErasureStoreOptions) {
    // The document client writes its translation options into the shared client's configuration, so every
    // adapter on the shared client must ask for the same ones (those of dynamodb-profile-store.ts).
    this.#documents = dynamoDbDocuments(options.client);
    this.#table = options.tableName;
  }

  async create(job: ErasureJob): Promise<void> {
    await this.#put(job, 'attribute_not_exists(erasureId)', {});
  }

  async get(erasureId: string): Promise<ErasureJob | undefined> {
    // An id that cannot be a key has no job (DynamoDB rejects empty keys and keys over 2 KB outright).
    if (erasureId === '' || erasureId.length > 1024) return undefined;
    try {
      const { Item } = await this.#documents.send(
        new GetCommand({ TableName: this.#table, Key: { erasureId }, ConsistentRead: true }),
      );
      return Item === undefined ? undefined : jobFromItem(Item);
    } catch (error) {
      if (error instanceof ErasureStoreError) throw error;
      throw new ErasureStoreError(`cannot read ${this.#table}`, { cause: error });
    }
  }

  async save(job: ErasureJob, expectedVersion: number): Promise<boolean> {
    try {
      await this.#put(job, '#version = :expected', { ':expected': expectedVersion });
      return true;
    } catch (error) {
      if (error instanceof ErasureStoreError && error.cause instanceof ConditionalCheckFailedException)
        return false;
      throw error;
    }
  }

  async unfinished(): Promise<ErasureJob[]> {
    const jobs: ErasureJob[] = [];
    try {
      const pages = paginateScan(
        { client: this.#documents },
        {
          TableName: this.#table,
          ConsistentRead: true,
          FilterExpression: '#status IN (:accepted, :erased)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':accepted': 'accepted', ':erased': 'profile_erased' },
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) jobs.push(jobFromItem(item));
    } catch (error) {
      if (error instanceof ErasureStoreError) throw error;
      throw new ErasureStoreError(`cannot read ${this.#table}`, { cause: error });
    }
    return jobs.sort((a, b) => a.requestedAt - b.requestedAt || (a.erasureId < b.erasureId ? -1 : 1));
  }

  async #put(job: ErasureJob, condition: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...job },
          ConditionExpression: condition,
          ...(condition.includes('#version') ? { ExpressionAttributeNames: { '#version': 'version' } } : {}),
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      throw new ErasureStoreError(`cannot write erasure ${job.erasureId} to ${this.#table}`, {
        cause: error,
      });
    }
  }
}

function jobFromItem(item: Record<string, unknown>): ErasureJob {
  const parsed = jobItem.safeParse(item);
  if (!parsed.success) {
    throw new ErasureStoreError(
      `erasure item ${String(item.erasureId)} is malformed: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}
