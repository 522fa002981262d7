/** Scheduled: merges the small files of recently landed lake partitions, dropping duplicate messageIds. */
import type { Context } from 'aws-lambda';
import { resourceEnv } from '../../infra/topology.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import { type CompactionSummary, compactLake } from '../../shared/lake/compact.ts';
import { CompactionFailedError } from '../../shared/lake/errors.ts';
import { createLogger } from '../../shared/logger.ts';

const logger = createLogger('compact');
const store = new S3ObjectStore({ bucket: requiredEnv(resourceEnv.bucket.lake) });

/** Time kept back from the Lambda timeout: one merge step of a large partition must still fit. */
const RESERVE_MS = 180_000;

/**
 * Takes what EventBridge Scheduler and the local scheduler pass (`time` is only logged). Partitions left
 * when time runs short stay pending for the next run; a failed partition fails the invocation, so it shows
 * in the function's error metric, after the others were compacted.
 */
export async function handler(event: { time?: string } = {}, context?: Context): Promise<CompactionSummary> {
  if (context) logger.addContext(context);
  const shouldStop = () => (context ? context.getRemainingTimeInMillis() < RESERVE_MS : false);
  const summary = await compactLake(store, { shouldStop });
  logger.info('compaction finished', {
    scheduledTime: event.time,
    partitions: summary.partitions.length,
    rowsIn: summary.rowsIn,
    rowsOut: summary.rowsOut,
    duplicatesDropped: summary.duplicatesDropped,
    deferred: summary.deferred,
    failures: summary.failures,
  });
  if (summary.failures.length > 0) throw new CompactionFailedError(summary);
  return summary;
}
