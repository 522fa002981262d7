/**
 * The resolve function's stream adapter with its dependencies injected: Kinesis batch → `resolveBatch` →
 * the batch's identity map rows to the lake → partial batch response. `handler.ts` builds it once per cold
 * start; tests build it from fakes.
 */
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { IdentityGraphStore } from '../../shared/identity/ports.ts';
import { type IdentityMapOptions, publishIdentityMap } from '../../shared/identity/publish.ts';
import { type ResolveOptions, resolveBatch } from '../../shared/identity/resolve.ts';
import type { LandedFile } from '../../shared/lake/land.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ObjectStore } from '../../shared/ports.ts';
import { batchItemFailures, shardBatchFromKinesis } from '../commons/kinesis-batch.ts';

export interface ResolveHandlerDependencies extends ResolveOptions {
  readonly store: IdentityGraphStore;
  /** The lake bucket, where the identity map is published (`identity_links`, `identity_merges`). */
  readonly lake: ObjectStore;
  /** How emails and phone numbers are published: `privacy.plaintextIdentifiersInLake`. */
  readonly identityMap: IdentityMapOptions;
  readonly logger: Logger;
}

export type ResolveHandler = (
  event: KinesisStreamEvent,
  context?: Context,
) => Promise<KinesisStreamBatchResponse>;

/**
 * A failed lake write throws, so Lambda delivers the whole batch again: resolution skips what it applied and
 * publishes the same rows.
 */
export function createResolveHandler(deps: ResolveHandlerDependencies): ResolveHandler {
  const { store, lake, identityMap, logger, ...options } = deps;
  return async (event, context) => {
    if (context) logger.addContext(context);
    const batch = shardBatchFromKinesis(event);
    const result = await resolveBatch(store, batch, options);
    for (const error of result.errors) logger.error('events not resolved', { error });
    for (const error of result.sideWriteErrors) logger.warn('recent events or audit not recorded', { error });
    if (result.failures.length > 0) {
      logger.warn('records reported as failed', {
        failed: result.failures.length,
        first: result.failures[0]?.reason,
      });
    }
    const first = batch.records[0];
    const last = batch.records.at(-1);
    let files: readonly LandedFile[] = [];
    if (first !== undefined && last !== undefined) {
      const place = {
        consumer: options.identityOnly ? 'resolve' : 'activity',
        shardId: batch.shardId,
        firstSequenceNumber: first.sequenceNumber,
        lastSequenceNumber: last.sequenceNumber,
      };
      try {
        files = await publishIdentityMap(lake, place, result, identityMap);
      } catch (error) {
        logger.error('identity map not published: the batch is retried', { error });
        throw error;
      }
    }
    logger.info('batch resolved', {
      shardId: batch.shardId,
      records: batch.records.length,
      applied: result.applied,
      skipped: result.skipped,
      unresolved: result.unresolved,
      refused: result.refused,
      merged: result.merged,
      commits: result.commits,
      conflicts: result.conflicts,
      suppressed: result.suppressed,
      identityMapFiles: files.length,
    });
    return batchItemFailures(result.failures);
  };
}
