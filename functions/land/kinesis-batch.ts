/** Lambda's Kinesis event → the lake's `LandBatch`, and the lake's failures → Lambda's partial batch response. */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { LandBatch, LandResult } from '../../shared/lake/land.ts';

/** An event source mapping batch comes from one shard; its id prefixes each record's `eventID`. */
export function landBatchFromKinesis(event: KinesisStreamEvent): LandBatch {
  const firstId = event.Records[0]?.eventID ?? '';
  const separator = firstId.lastIndexOf(':');
  return {
    shardId: separator > 0 ? firstId.slice(0, separator) : 'shard',
    records: event.Records.map((record) => ({
      sequenceNumber: record.kinesis.sequenceNumber,
      data: Buffer.from(record.kinesis.data, 'base64'),
    })),
  };
}

export function batchResponse(result: LandResult): KinesisStreamBatchResponse {
  return {
    batchItemFailures: result.failures.map(({ sequenceNumber }) => ({ itemIdentifier: sequenceNumber })),
  };
}
