/**
 * A topology stream trigger as a Kinesis event source mapping, with exactly the declared bounds, and the
 * settings every stream consumer of ours shares: partial batch responses, and failed batches recorded in S3.
 */
import { Duration } from 'aws-cdk-lib';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, S3OnFailureDestination } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { StreamTrigger } from '../topology.ts';
import type { PlatformStores } from './data-stores.ts';

export function streamEventSource(trigger: StreamTrigger, stores: PlatformStores): KinesisEventSource {
  return new KinesisEventSource(stores.streams[trigger.stream], {
    // A consumer deployed after the stream took records starts from the oldest one, so none is skipped.
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: trigger.batchSize,
    maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
    retryAttempts: trigger.retryAttempts,
    maxRecordAge: Duration.seconds(trigger.maxRecordAgeSeconds),
    bisectBatchOnError: trigger.bisectBatchOnError,
    parallelizationFactor: trigger.parallelizationFactor,
    // Handlers return the records they could not process; only those are retried.
    reportBatchItemFailures: true,
    onFailure: new S3OnFailureDestination(stores.buckets[trigger.onFailure.bucket]),
  });
}
