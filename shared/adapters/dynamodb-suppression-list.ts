/**
 * The suppression list on the DynamoDB `suppressions` table (partition key `hash`): one item per erased
 * identity, keyed by its `suppressionKey` (a digest — the list never holds an identifier in plain text):
 *
 * `hash`, `erasureId`, `suppressedAt` (epoch ms), and the late events counted on it: `dropped`, `seq` (shard
 * id → sequence number of the last one counted), `recent` (their last messageId digests), `version` (the
 * count is written conditionally on it).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { mapConcurrently } from '../concurrency.ts';
import { CdpError } from '../errors.ts';
import type {
  LateEventTally,
  Suppression,
  SuppressionList,
  SuppressionSnapshot,
  SuppressionWriter,
} from '../privacy/ports.ts';
import { dynamoDbDocuments } from './aws-clients.ts';

/** DynamoDB refused a call, or the table holds an item the platform cannot read. */
export class SuppressionListError extends CdpError {}

export interface DynamoDbSuppressionListOptions {
  /** @default dynamoDbClient() — the shared client of aws-clients.ts */
  readonly client?: DynamoDBClient;
  readonly tableName: string;
}

/** Keys per BatchGetItem request (DynamoDB's limit). */
const GET_BATCH = 100;
const BATCH_ATTEMPTS = 6;

const suppressionItem = z.object({
  hash: z.string(),
  erasureId: z.string(),
  suppressedAt: z.number(),
  version: z.number().default(0),
  dropped: z.number().default(0),
  seq: z.record(z.string(), z.string()).default({}),
  recent: z.array(z.string()).default([]),
});

export class DynamoDbSuppressionList implements SuppressionList, SuppressionWriter, SuppressionSnapshot {
  readonly #documents: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbSuppressionListOptions) {
    // The document client writes its translation options into the shared client's configuration, so every
    // adapter on the shared client must ask for the same ones (those of dynamodb-profile-store.ts).
    this.#documents = dynamoDbDocuments(options.client);
    this.#table = options.tableName;
  }

  async suppressed(keys: readonly string[]): Promise<ReadonlyMap<string, Suppression>> {
    const found = new Map<string, Suppression>();
    const unique = [...new Set(keys)];
    for (let start = 0; start < unique.length; start += GET_BATCH) {
      let pending: Record<string, unknown>[] = unique
        .slice(start, start + GET_BATCH)
        .map((hash) => ({ hash }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= BATCH_ATTEMPTS)
          throw new SuppressionListError(`${this.#table}: reads left unprocessed`);
        if (attempt > 0) await pause(attempt);
        let output: BatchGetCommandOutput;
        try {
          output = await this.#documents.send(
            new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: pending, ConsistentRead: true } } }),
          );
        } catch (error) {
          throw new SuppressionListError(`cannot read ${this.#table}`, { cause: error });
        }
        for (const item of output.Responses?.[this.#table] ?? []) {
          const suppression = suppressionFromItem(item);
          found.set(suppression.key, suppression);
        }
        pending = output.UnprocessedKeys?.[this.#table]?.Keys ?? [];
      }
    }
    return found;
  }

  async recordLateEvents(key: string, tally: LateEventTally, expectedVersion: number): Promise<boolean> {
    try {
      await this.#documents.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { hash: key },
          UpdateExpression: 'SET #version = :next, dropped = :dropped, seq = :seq, recent = :recent',
          // Entries written before the count existed have no version: they read as version 0.
          ConditionExpression:
            'attribute_exists(#hash) AND (#version = :expected OR (attribute_not_exists(#version) AND :expected = :zero))',
          ExpressionAttributeNames: { '#hash': 'hash', '#version': 'version' },
          ExpressionAttributeValues: {
            ':next': expectedVersion + 1,
            ':expected': expectedVersion,
            ':zero': 0,
            ':dropped': tally.dropped,
            ':seq': tally.seq,
            ':recent': [...tally.recent],
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new SuppressionListError(`cannot count late events in ${this.#table}`, { cause: error });
    }
  }

  async suppress(keys: readonly string[], erasureId: string, at: number): Promise<number> {
    const written = await mapConcurrently([...new Set(keys)], 8, async (hash) => {
      try {
        await this.#documents.send(
          new PutCommand({
            TableName: this.#table,
            Item: { hash, erasureId, suppressedAt: at, version: 0, dropped: 0, seq: {}, recent: [] },
            // An entry is never replaced: its erasure and its count stay.
            ConditionExpression: 'attribute_not_exists(#hash)',
            ExpressionAttributeNames: { '#hash': 'hash' },
          }),
        );
        return 1;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return 0;
        throw new SuppressionListError(`cannot write to ${this.#table}`, { cause: error });
      }
    });
    return written.reduce((sum: number, one) => sum + one, 0);
  }

  async allKeys(): Promise<ReadonlySet<string>> {
    const keys = new Set<string>();
    try {
      const pages = paginateScan(
        { client: this.#documents },
        {
          TableName: this.#table,
          ProjectionExpression: '#hash',
          ExpressionAttributeNames: { '#hash': 'hash' },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) if (typeof item.hash === 'string') keys.add(item.hash);
      }
    } catch (error) {
      throw new SuppressionListError(`cannot read ${this.#table}`, { cause: error });
    }
    return keys;
  }
}

function suppressionFromItem(item: Record<string, unknown>): Suppression {
  const parsed = suppressionItem.safeParse(item);
  if (!parsed.success) {
    throw new SuppressionListError(`suppression item is malformed: ${z.prettifyError(parsed.error)}`);
  }
  const { hash, erasureId, suppressedAt, version, dropped, seq, recent } = parsed.data;
  return { key: hash, erasureId, suppressedAt, late: { version, dropped, seq, recent } };
}

function pause(attempt: number): Promise<void> {
  const base = 20 * 2 ** Math.min(attempt, 6);
  return new Promise((resolve) => setTimeout(resolve, base + Math.random() * base));
}
