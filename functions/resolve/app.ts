/**
 * The resolve function's stream adapter with its dependencies injected: Kinesis batch → `resolveBatch` →
 * partial batch response. `handler.ts` builds it once per cold start; tests build it from fakes.
 */
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { IdentityGraphStore } from '../../shared/identity/ports.ts';
import { type ResolveOptions, resolveBatch } from '../../shared/identity/resolve.ts';
import type { Logger } from '../../shared/logger.ts';
import { batchItemFailures, shardBatchFromKinesis } from '../commons/kinesis-batch.ts';

export interface ResolveHandlerDependencies extends ResolveOptions {
  readonly store: IdentityGraphStore;
  readonly logger: Logger;
}

export type ResolveHandler = (
  event: KinesisStreamEvent,
  context?: Context,
) => Promise<KinesisStreamBatchResponse>;

export function createResolveHandler(deps: ResolveHandlerDependencies): ResolveHandler {
  const { store, logger, ...options } = deps;
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
    });
    return batchItemFailures(result.failures);
  };
}
