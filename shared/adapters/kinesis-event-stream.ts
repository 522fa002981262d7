/**
 * `EventStream` on Kinesis Data Streams. PutRecords is not atomic: a call can succeed while some of its records
 * fail (throttling, internal errors), reported per record with `FailedRecordCount`. Only those records are sent
 * again, with jittered exponential backoff and a bounded number of attempts; what still fails is returned so the
 * caller does not acknowledge it.
 */
import { Buffer } from 'node:buffer';
import { type KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { CdpError } from '../errors.ts';
import type { EventStream, StreamRecord } from '../ports.ts';
import { kinesisClient } from './aws-clients.ts';

/** A stream call that retrying cannot fix: a missing stream, missing permissions, a record too large. */
export class KinesisEventStreamError extends CdpError {}

/** The one call the adapter makes; a `KinesisClient` is one, and so is a test fake. */
export interface PutRecordsClient {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

export interface KinesisEventStreamOptions {
  /** @default kinesisClient() — the shared client of aws-clients.ts */
  readonly client?: KinesisClient | PutRecordsClient;
  readonly streamName: string;
  /** Calls per chunk, the first included. @default 4 */
  readonly maxAttempts?: number;
  /**
   * No retry starts later than this after `put` began, so a collector answers (503) well within its Lambda
   * timeout and the client's request timeout even when Kinesis hangs. @default 4000
   */
  readonly retryBudgetMs?: number;
  /** Injectable for tests, so backoff takes no real time. @default setTimeout */
  readonly sleep?: (milliseconds: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** PutRecords limits: 500 records, 5 MiB including partition keys, 1 MiB per record. */
const maxRecordsPerCall = 500;
const maxBytesPerCall = 5 * 1024 * 1024;
const maxBytesPerRecord = 1024 * 1024;

const baseDelayMs = 50;
const maxDelayMs = 1_000;

// Errors that say "later" rather than "never" (the SDK already retried them a few times itself).
const throttlingErrors = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'ThrottlingException',
]);

export class KinesisEventStream implements EventStream {
  readonly #client: PutRecordsClient;
  readonly #streamName: string;
  readonly #maxAttempts: number;
  readonly #retryBudgetMs: number;
  readonly #sleep: (milliseconds: number) => Promise<void>;
  readonly #now: () => number;

  constructor(options: KinesisEventStreamOptions) {
    this.#client = options.client ?? kinesisClient();
    this.#streamName = options.streamName;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.#retryBudgetMs = options.retryBudgetMs ?? 4_000;
    this.#sleep =
      options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
    this.#now = options.now ?? Date.now;
  }

  async put(records: readonly StreamRecord[]): Promise<{ readonly failed: readonly StreamRecord[] }> {
    const chunks = chunksOf(records);
    const retryDeadline = this.#now() + this.#retryBudgetMs;
    for (const [position, chunk] of chunks.entries()) {
      const failed = await this.#putChunk(chunk, retryDeadline);
      // Under back-pressure the later chunks would fail too; the caller retries the request as a whole anyway.
      if (failed.length > 0) return { failed: [...failed, ...chunks.slice(position + 1).flat()] };
    }
    return { failed: [] };
  }

  async #putChunk(chunk: readonly StreamRecord[], retryDeadline: number): Promise<readonly StreamRecord[]> {
    let pending = chunk;
    for (let attempt = 1; ; attempt++) {
      pending = await this.#attempt(pending);
      if (pending.length === 0 || attempt >= this.#maxAttempts) return pending;
      // Full jitter: spreads the retries of concurrent collectors that were throttled together.
      const delay = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      if (this.#now() + delay > retryDeadline) return pending;
      await this.#sleep(delay);
    }
  }

  /** One PutRecords call; resolves with the records it did not store. */
  async #attempt(records: readonly StreamRecord[]): Promise<readonly StreamRecord[]> {
    let output: PutRecordsCommandOutput;
    try {
      output = await this.#client.send(
        new PutRecordsCommand({
          StreamName: this.#streamName,
          Records: records.map((record) => ({ Data: record.data, PartitionKey: record.partitionKey })),
        }),
      );
    } catch (error) {
      if (isTransient(error)) return records;
      throw new KinesisEventStreamError(`PutRecords to ${this.#streamName} failed`, { cause: error });
    }
    if (!output.FailedRecordCount) return [];
    const results = output.Records ?? [];
    // A result list that does not line up with the request cannot say which records failed: all are retried.
    if (results.length !== records.length) return records;
    return records.filter((_record, index) => results[index]?.ErrorCode !== undefined);
  }
}

function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $fault } = error as { name?: unknown; $fault?: unknown };
  // Server faults, throttling and network errors (which carry no $fault) are worth another try.
  return $fault !== 'client' || (typeof name === 'string' && throttlingErrors.has(name));
}

function recordBytes(record: StreamRecord): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
}

/** Splits records into PutRecords-sized chunks, keeping their order. */
function chunksOf(records: readonly StreamRecord[]): StreamRecord[][] {
  const chunks: StreamRecord[][] = [];
  let current: StreamRecord[] = [];
  let currentBytes = 0;
  for (const record of records) {
    const bytes = recordBytes(record);
    if (bytes > maxBytesPerRecord) {
      throw new KinesisEventStreamError(
        `a record of ${bytes} bytes exceeds the Kinesis limit of ${maxBytesPerRecord}`,
      );
    }
    if (current.length === maxRecordsPerCall || currentBytes + bytes > maxBytesPerCall) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(record);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
