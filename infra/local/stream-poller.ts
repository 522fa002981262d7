/**
 * The local stand-in for Lambda's Kinesis event source mapping, driven by the same `StreamTrigger` the CDK app
 * deploys: one poller per shard, shards in parallel, one batch in flight per shard; batching window, batch size
 * and the 6 MB payload limit; partial batch responses; bisect, bounded retries and maximum record age; failure
 * records written to the on-failure bucket; checkpoints kept on disk so a restart resumes where it stopped.
 *
 * @example
 * const poller = new StreamPoller({ functionName: 'land', trigger, timeoutSeconds: 120, client: kinesisClient(),
 *   streamName: 'events', streamArn, region, handler, failureDestination: lake, checkpointDir: paths.checkpoints,
 *   batchingWindowSeconds: 1 });
 * await poller.start();
 * await poller.idle(); // every record put so far has been handled
 * await poller.stop();
 */
import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { type KinesisClient, ListShardsCommand, type ListShardsCommandInput } from '@aws-sdk/client-kinesis';
import { ConfigurationError } from '../../shared/errors.ts';
import type { ObjectStore } from '../../shared/ports.ts';
import type { StreamTrigger } from '../topology.ts';
import { outcomeOfResponse } from './batch-response.ts';
import type { DiscardedRecords, InvocationOutcome } from './batch-retry.ts';
import { CheckpointStore } from './checkpoints.ts';
import { failureRecord, failureRecordKey } from './failure-record.ts';
import { type EventSource, kinesisStreamEvent, type ShardRecord } from './kinesis-event.ts';
import {
  type FunctionIdentity,
  functionIdentity,
  invokeWithTimeout,
  LOCAL_ACCOUNT,
  lambdaContext,
  type StreamHandler,
} from './lambda-invoke.ts';
import { errorSummary, type PollerLogger, ShardPoller } from './shard-poller.ts';
import { IdleTimeoutError, StreamPollerError } from './stream-poller-errors.ts';

export type { StreamHandler } from './lambda-invoke.ts';
export type { PollerLogger } from './shard-poller.ts';

export interface StreamPollerOptions {
  readonly functionName: string;
  readonly trigger: StreamTrigger;
  readonly timeoutSeconds: number;
  /** Reported to the handler as `context.memoryLimitInMB`. @default 128 */
  readonly memoryMb?: number;
  /** Created by the caller, e.g. with `kinesisClient()`, which speaks HTTP/1.1 as kinesalite needs. */
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly region: string;
  readonly handler: StreamHandler;
  /** The bucket named by `trigger.onFailure.bucket`. */
  readonly failureDestination: ObjectStore;
  /** The runtime's checkpoint directory (`localPaths().checkpoints`), shared by every mapping. */
  readonly checkpointDir: string;
  /** Replaces the trigger's batching window, which is too long for an interactive local run or a test. */
  readonly batchingWindowSeconds?: number;
  /** How long an idle shard waits before asking Kinesis again. @default 200 */
  readonly pollIntervalMs?: number;
  /** @default a Powertools logger */
  readonly logger?: PollerLogger;
}

interface Running {
  readonly controller: AbortController;
  readonly pollers: readonly ShardPoller[];
  readonly done: Promise<unknown>;
  /** `idle()` callers, told of progress (`false`) or of the poller stopping (`true`). */
  readonly waiters: Set<(stopped: boolean) => void>;
}

const defaultIdleTimeoutMs = 60_000;

export class StreamPoller {
  /** Stable for a function and stream, as the UUID of an event source mapping is; names failure records. */
  readonly mappingId: string;
  private readonly fn: FunctionIdentity;
  private readonly account: string;
  private readonly checkpoints: CheckpointStore;
  private readonly logger: PollerLogger;
  private running: Running | undefined;
  private lifecycle: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: StreamPollerOptions) {
    validate(options);
    this.account = options.streamArn.split(':')[4] || LOCAL_ACCOUNT;
    this.mappingId = mappingIdFor(options.functionName, options.streamArn);
    this.fn = functionIdentity(
      options.functionName,
      options.memoryMb ?? 128,
      options.timeoutSeconds,
      options.region,
      this.account,
    );
    this.checkpoints = new CheckpointStore(options.checkpointDir, options.functionName, options.streamName);
    this.logger = withFields(options.logger ?? new Logger({ serviceName: 'cdp-local' }), {
      functionName: options.functionName,
      streamName: options.streamName,
    });
  }

  /** Lists the shards and starts polling each from its checkpoint (or the oldest record, the first time). */
  start(): Promise<void> {
    return this.serialized(() => this.begin());
  }

  /** Lets each shard finish the invocation under way and its checkpoint, then stops polling. */
  stop(): Promise<void> {
    return this.serialized(() => this.halt());
  }

  /** Forgets every shard's checkpoint, so the stream is read again from its oldest record. */
  resetCheckpoints(): Promise<void> {
    return this.serialized(async () => {
      const wasRunning = this.running !== undefined;
      if (wasRunning) await this.halt();
      await this.checkpoints.reset();
      if (wasRunning) await this.begin();
    });
  }

  /**
   * Resolves once every shard has been read after this call and found drained, with nothing in flight: every
   * record put before the call has been handled (or sent to the failure destination).
   */
  idle(timeoutMs: number = defaultIdleTimeoutMs): Promise<void> {
    const running = this.running;
    if (running === undefined) {
      return Promise.reject(
        new StreamPollerError(`the stream poller of ${this.fn.functionName} is not running`),
      );
    }
    const marks = running.pollers.map((poller) => ({ poller, mark: poller.progressMark() }));
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: Error) => {
        clearTimeout(timer);
        running.waiters.delete(waiter);
        if (error) reject(error);
        else resolve();
      };
      const waiter = (stopped: boolean) => {
        if (stopped) finish(new StreamPollerError('the stream poller stopped before the stream was drained'));
        else if (marks.every(({ poller, mark }) => poller.caughtUpSince(mark))) finish();
      };
      timer = setTimeout(() => finish(new IdleTimeoutError(this.fn.functionName, timeoutMs)), timeoutMs);
      running.waiters.add(waiter);
      waiter(false);
    });
  }

  private serialized(operation: () => Promise<void>): Promise<void> {
    const result = this.lifecycle.then(operation);
    this.lifecycle = result.catch(() => undefined);
    return result;
  }

  private async begin(): Promise<void> {
    if (this.running !== undefined) {
      throw new StreamPollerError(`the stream poller of ${this.fn.functionName} is already running`);
    }
    const { trigger, batchingWindowSeconds } = this.options;
    if (batchingWindowSeconds !== undefined && batchingWindowSeconds !== trigger.maxBatchingWindowSeconds) {
      this.logger.info('batching window overridden', {
        configuredSeconds: trigger.maxBatchingWindowSeconds,
        localSeconds: batchingWindowSeconds,
      });
    }
    if (trigger.parallelizationFactor > 1) {
      this.logger.warn('parallelization factor not emulated, one batch per shard at a time', {
        parallelizationFactor: trigger.parallelizationFactor,
      });
    }
    const shardIds = await this.listShards();
    const controller = new AbortController();
    const waiters = new Set<(stopped: boolean) => void>();
    const onProgress = () => {
      for (const waiter of waiters) waiter(false);
    };
    const pollers = shardIds.map((shardId) => this.shardPoller(shardId, onProgress));
    const done = Promise.all(
      pollers.map((poller) =>
        poller.run(controller.signal).catch((error: unknown) => {
          this.logger.error('shard poller crashed', { shardId: poller.shardId, error: errorSummary(error) });
        }),
      ),
    );
    this.running = { controller, pollers, done, waiters };
    this.logger.info('stream poller started', { shards: shardIds.length, mappingId: this.mappingId });
  }

  private async halt(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    running.controller.abort();
    await running.done;
    this.running = undefined;
    for (const waiter of running.waiters) waiter(true);
    this.logger.info('stream poller stopped', {});
  }

  private async listShards(): Promise<string[]> {
    const shardIds: string[] = [];
    let nextToken: string | undefined;
    do {
      // ListShards takes either the stream or the token of the previous page, never both.
      const input: ListShardsCommandInput = nextToken
        ? { NextToken: nextToken }
        : { StreamName: this.options.streamName };
      const output = await this.options.client.send(new ListShardsCommand(input));
      for (const shard of output.Shards ?? []) if (shard.ShardId) shardIds.push(shard.ShardId);
      nextToken = output.NextToken;
    } while (nextToken);
    return shardIds;
  }

  private shardPoller(shardId: string, onProgress: () => void): ShardPoller {
    const { trigger, client, streamName, streamArn, region } = this.options;
    const source: EventSource = {
      shardId,
      streamArn,
      region,
      invokeIdentityArn: `arn:aws:iam::${this.account}:role/${this.fn.functionName}`,
    };
    return new ShardPoller({
      client,
      streamName,
      source,
      batchSize: trigger.batchSize,
      batchingWindowMs: (this.options.batchingWindowSeconds ?? trigger.maxBatchingWindowSeconds) * 1000,
      pollIntervalMs: this.options.pollIntervalMs ?? 200,
      policy: trigger,
      checkpoints: this.checkpoints,
      invoke: (records) => this.invoke(source, records),
      discard: (discarded) => this.discard(source, discarded),
      onProgress,
      logger: this.logger,
    });
  }

  private async invoke(source: EventSource, records: readonly ShardRecord[]): Promise<InvocationOutcome> {
    const requestId = randomUUID();
    const event = kinesisStreamEvent(records, source);
    const context = lambdaContext(this.fn, Date.now() + this.fn.timeoutSeconds * 1000, requestId);
    const fields = { shardId: source.shardId, requestId, batchSize: records.length };
    try {
      const response = await invokeWithTimeout(this.options.handler, event, context, this.fn);
      const outcome = outcomeOfResponse(
        response,
        records.map((record) => record.sequenceNumber),
      );
      if (outcome.kind === 'partial') {
        this.logger.info('partial batch failure', {
          ...fields,
          failedFrom: records[outcome.failedFrom]?.sequenceNumber,
        });
      }
      return outcome;
    } catch (error) {
      this.logger.warn('function error', { ...fields, error: errorSummary(error) });
      return { kind: 'error', error };
    }
  }

  private async discard(source: EventSource, discarded: DiscardedRecords): Promise<void> {
    const at = new Date();
    const document = failureRecord({
      discarded,
      payload: kinesisStreamEvent(discarded.records, source),
      functionArn: this.fn.functionArn,
      streamArn: source.streamArn,
      shardId: source.shardId,
      requestId: randomUUID(),
      at,
    });
    const key = failureRecordKey(this.mappingId, source.shardId, at, randomUUID());
    await this.options.failureDestination.put(key, Buffer.from(JSON.stringify(document)), 'application/json');
    this.logger.warn('records sent to the on-failure destination', {
      shardId: source.shardId,
      key,
      condition: discarded.condition,
      batchSize: document.KinesisBatchInfo.batchSize,
      startSequenceNumber: document.KinesisBatchInfo.startSequenceNumber,
      endSequenceNumber: document.KinesisBatchInfo.endSequenceNumber,
    });
  }
}

/** A UUID-shaped name derived from the function and the stream, so it stays the same across restarts. */
export function mappingIdFor(functionName: string, streamArn: string): string {
  const hex = createHash('sha256').update(`${functionName}\n${streamArn}`).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function validate(options: StreamPollerOptions): void {
  const { trigger, timeoutSeconds, batchingWindowSeconds } = options;
  if (!Number.isInteger(trigger.batchSize) || trigger.batchSize < 1 || trigger.batchSize > 10_000) {
    throw new ConfigurationError(`${options.functionName}: batchSize must be an integer from 1 to 10000`);
  }
  if (!(timeoutSeconds > 0))
    throw new ConfigurationError(`${options.functionName}: timeoutSeconds must be positive`);
  const window = batchingWindowSeconds ?? trigger.maxBatchingWindowSeconds;
  if (!(window >= 0))
    throw new ConfigurationError(`${options.functionName}: the batching window must not be negative`);
}

function withFields(logger: PollerLogger, fields: Record<string, unknown>): PollerLogger {
  return {
    debug: (message, extra) => logger.debug(message, { ...fields, ...extra }),
    info: (message, extra) => logger.info(message, { ...fields, ...extra }),
    warn: (message, extra) => logger.warn(message, { ...fields, ...extra }),
    error: (message, extra) => logger.error(message, { ...fields, ...extra }),
  };
}
