/**
 * One shard of a local event source mapping: reads the shard from the checkpoint on, gathers batches the way
 * Lambda does (up to the batch size, the batching window or the 6 MB payload limit, whichever comes first) and
 * hands each batch to `processBatch`, one at a time, so records reach the function in shard order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type _Record,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  InvalidArgumentException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { type BatchEffects, processBatch, type RetryPolicy } from './batch-retry.ts';
import type { CheckpointStore } from './checkpoints.ts';
import {
  type EventSource,
  eventEnvelopeBytes,
  eventRecordBytes,
  maxPayloadBytes,
  type ShardRecord,
} from './kinesis-event.ts';
import { StreamPollerError } from './stream-poller-errors.ts';

/** The part of a structured logger (Powertools' `Logger` fits) the poller uses: static messages, data in fields. */
export interface PollerLogger {
  debug(message: string, fields: Record<string, unknown>): void;
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

export interface ShardPollerOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly source: EventSource;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  /** How long to wait before asking an idle shard again. */
  readonly pollIntervalMs: number;
  readonly policy: RetryPolicy;
  readonly checkpoints: CheckpointStore;
  readonly invoke: BatchEffects['invoke'];
  readonly discard: BatchEffects['discard'];
  /** Called whenever the shard's progress may have changed, for `idle()` waiters. */
  readonly onProgress: () => void;
  readonly logger: PollerLogger;
}

/** GetRecords returns at most this many records per call. */
const maxGetRecordsLimit = 10_000;
const maxBackoffMs = 5_000;

interface Buffered {
  readonly record: ShardRecord;
  readonly bytes: number;
}

export class ShardPoller {
  private iterator: string | undefined;
  private buffer: Buffered[] = [];
  private bufferBytes = 0;
  private closed = false;
  private inFlight = false;
  private reads = 0;
  /** The number of the last read that found nothing while nothing was buffered or in flight. */
  private caughtUpAtRead: number | undefined;

  constructor(private readonly options: ShardPollerOptions) {}

  get shardId(): string {
    return this.options.source.shardId;
  }

  /** A mark to pass to `caughtUpSince` later. */
  progressMark(): number {
    return this.reads;
  }

  /** Whether a read started after `mark` found the shard drained, or the shard has ended and is drained. */
  caughtUpSince(mark: number): boolean {
    if (this.closed && this.buffer.length === 0 && !this.inFlight) return true;
    return this.caughtUpAtRead !== undefined && this.caughtUpAtRead > mark;
  }

  /** Polls until the signal aborts; an invocation under way when it does is finished first. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    // Whatever an earlier run read but did not finish is read again from the checkpoint.
    this.forgetPosition();
    let failures = 0;
    while (!signal.aborted && !(this.closed && this.buffer.length === 0)) {
      try {
        if (this.iterator === undefined && !this.closed) await this.seekToCheckpoint(signal);
        const batch = await this.gather(signal);
        if (batch.length > 0) await this.process(batch, signal);
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        this.forgetPosition();
        failures += 1;
        if (error instanceof ExpiredIteratorException && failures === 1) {
          // A batch that took longer than an iterator lives (5 minutes): read again from the checkpoint at once.
          logger.info('shard iterator expired', { shardId: this.shardId });
          continue;
        }
        const backoffMs = Math.min(maxBackoffMs, this.options.pollIntervalMs * 2 ** (failures - 1));
        logger.warn('shard poll failed', {
          shardId: this.shardId,
          failures,
          backoffMs,
          error: errorSummary(error),
        });
        await pause(backoffMs, signal);
      }
    }
    this.options.onProgress();
  }

  private async process(batch: readonly ShardRecord[], signal: AbortSignal): Promise<void> {
    this.inFlight = true;
    try {
      await processBatch(batch, this.options.policy, this.effects(), signal);
    } finally {
      this.inFlight = false;
      this.options.onProgress();
    }
  }

  private effects(): BatchEffects {
    return {
      invoke: this.options.invoke,
      discard: this.options.discard,
      checkpoint: (record) => this.options.checkpoints.write(this.shardId, record.sequenceNumber),
      now: Date.now,
    };
  }

  private async seekToCheckpoint(signal: AbortSignal): Promise<void> {
    const { streamName, checkpoints, logger } = this.options;
    const after = await checkpoints.read(this.shardId);
    const base = { StreamName: streamName, ShardId: this.shardId };
    let iterator: string | undefined;
    if (after === undefined) {
      iterator = await this.iteratorFor({ ...base, ShardIteratorType: 'TRIM_HORIZON' }, signal);
    } else {
      try {
        iterator = await this.iteratorFor(
          { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after },
          signal,
        );
      } catch (error) {
        if (!(error instanceof InvalidArgumentException)) throw error;
        // The emulator's data was wiped but the checkpoints were kept: the old position means nothing now.
        logger.warn('checkpoint is not from this stream, reading from the oldest record', {
          shardId: this.shardId,
          checkpoint: after,
        });
        iterator = await this.iteratorFor({ ...base, ShardIteratorType: 'TRIM_HORIZON' }, signal);
      }
    }
    if (iterator === undefined) throw new StreamPollerError(`no shard iterator for ${this.shardId}`);
    this.iterator = iterator;
    logger.debug('reading shard', { shardId: this.shardId, after: after ?? 'TRIM_HORIZON' });
  }

  private async iteratorFor(
    input: GetShardIteratorCommandInput,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const output = await this.options.client.send(new GetShardIteratorCommand(input), {
      abortSignal: signal,
    });
    return output.ShardIterator;
  }

  /** The next batch; empty when there is nothing to do yet or the signal aborted. */
  private async gather(signal: AbortSignal): Promise<ShardRecord[]> {
    const { batchingWindowMs, pollIntervalMs } = this.options;
    // The window opens with the first record of the batch, so an idle shard does not run it down.
    let deadline = this.buffer.length > 0 ? Date.now() + batchingWindowMs : undefined;
    while (!signal.aborted && !this.closed && !this.isFull()) {
      if (deadline !== undefined && Date.now() >= deadline) break;
      const { count, behind } = await this.read(signal);
      if (count > 0) {
        deadline ??= Date.now() + batchingWindowMs;
        continue;
      }
      if (behind) continue;
      if (deadline === undefined) {
        await pause(pollIntervalMs, signal);
        return [];
      }
      await pause(Math.min(pollIntervalMs, deadline - Date.now()), signal);
    }
    return signal.aborted ? [] : this.take();
  }

  private async read(signal: AbortSignal): Promise<{ count: number; behind: boolean }> {
    const { client, source, batchSize } = this.options;
    const read = ++this.reads;
    const limit = Math.min(maxGetRecordsLimit, batchSize - this.buffer.length);
    const output = await client.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: limit }), {
      abortSignal: signal,
    });
    const records = output.Records ?? [];
    for (const raw of records) {
      const record = shardRecord(raw);
      const bytes = eventRecordBytes(record, source);
      this.buffer.push({ record, bytes });
      this.bufferBytes += bytes;
    }
    this.iterator = output.NextShardIterator;
    // A shard that was split or merged ends: no next iterator once its last record was read.
    if (this.iterator === undefined) this.closed = true;
    const behind = (output.MillisBehindLatest ?? 0) > 0;
    this.caughtUpAtRead = records.length === 0 && !behind && this.buffer.length === 0 ? read : undefined;
    this.options.onProgress();
    return { count: records.length, behind };
  }

  private isFull(): boolean {
    return (
      this.buffer.length >= this.options.batchSize || eventEnvelopeBytes + this.bufferBytes >= maxPayloadBytes
    );
  }

  /** Takes the longest prefix of the buffer that fits in a batch; a single record always does. */
  private take(): ShardRecord[] {
    let bytes = eventEnvelopeBytes;
    let count = 0;
    for (const { bytes: recordBytes } of this.buffer) {
      if (count === this.options.batchSize || (count > 0 && bytes + recordBytes > maxPayloadBytes)) break;
      bytes += recordBytes;
      count += 1;
    }
    const taken = this.buffer.splice(0, count);
    this.bufferBytes -= bytes - eventEnvelopeBytes;
    return taken.map(({ record }) => record);
  }

  private forgetPosition(): void {
    this.iterator = undefined;
    this.closed = false;
    this.buffer = [];
    this.bufferBytes = 0;
    this.caughtUpAtRead = undefined;
  }
}

function shardRecord(raw: _Record): ShardRecord {
  if (raw.SequenceNumber === undefined || raw.PartitionKey === undefined || raw.Data === undefined) {
    throw new StreamPollerError(
      'GetRecords returned a record without sequence number, partition key or data',
    );
  }
  return {
    sequenceNumber: raw.SequenceNumber,
    partitionKey: raw.PartitionKey,
    data: raw.Data,
    approximateArrival: raw.ApproximateArrivalTimestamp ?? new Date(),
  };
}

/** Waits, returning early (without an error) when the signal aborts. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(Math.max(0, ms), undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
