/** Kinesis `events` → Parquet files in the lake, one per (table, date) the batch touches. */
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbSuppressionList } from '../../shared/adapters/dynamodb-suppression-list.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { requiredEnv, runtimeSettingsFromEnv } from '../../shared/config/env.ts';
import { landBatch } from '../../shared/lake/land.ts';
import { lakePrivacy } from '../../shared/lake/personal-data.ts';
import { createLogger } from '../../shared/logger.ts';
import { CachedSuppressionSnapshot } from '../../shared/privacy/suppression-cache.ts';
import { suppressionCacheMs } from '../../shared/privacy/timing.ts';
import { batchItemFailures, shardBatchFromKinesis } from '../commons/kinesis-batch.ts';

const logger = createLogger('land');
const store = new S3ObjectStore({ bucket: requiredEnv(resourceEnv.bucket.lake) });
const privacy = lakePrivacy(runtimeSettingsFromEnv());
/** Erased people's identities, read again every minute (docs/identity.md#erasure). */
const suppressions = new CachedSuppressionSnapshot(
  new DynamoDbSuppressionList({ tableName: requiredEnv(resourceEnv.table.suppressions) }),
  suppressionCacheMs(),
);

/** Undecodable records come back as item failures; a failed write throws, so the whole batch is retried. */
export async function handler(
  event: KinesisStreamEvent,
  context?: Context,
): Promise<KinesisStreamBatchResponse> {
  if (context) logger.addContext(context);
  const batch = shardBatchFromKinesis(event);
  const result = await landBatch(store, batch, { privacy, suppressedKeys: await suppressions.allKeys() });
  for (const failure of result.failures) {
    logger.warn('record is not a lake envelope', {
      sequenceNumber: failure.sequenceNumber,
      reason: failure.reason,
    });
  }
  logger.info('batch landed', {
    shardId: batch.shardId,
    records: batch.records.length,
    failed: result.failures.length,
    duplicatesDropped: result.duplicatesDropped,
    suppressed: result.suppressed,
    files: result.files,
  });
  return batchItemFailures(result.failures);
}
