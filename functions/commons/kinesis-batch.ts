/**
 * What every stream consumer's handler does with its trigger: Lambda's Kinesis event → one shard's records,
 * and the records the domain could not process → Lambda's partial batch response.
 */
import { Buffer } from 'node:buffer';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

export interface ShardBatch {
  readonly shardId: string;
  readonly records: readonly { readonly sequenceNumber: string; readonly data: Uint8Array }[];
}

/** An event source mapping batch comes from one shard; its id prefixes each record's `eventID`. */
export function shardBatchFromKinesis(event: KinesisStreamEvent): ShardBatch {
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

/** Lambda resumes from the lowest failed sequence number, so each failure names its record by that number. */
export function batchItemFailures(
  failures: readonly { readonly sequenceNumber: string }[],
): KinesisStreamBatchResponse {
  return { batchItemFailures: failures.map(({ sequenceNumber }) => ({ itemIdentifier: sequenceNumber })) };
}
