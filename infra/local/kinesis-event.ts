/**
 * The event Lambda passes to a function subscribed to a Kinesis stream, built from the records the poller read,
 * byte for byte in the shape AWS documents, so the handlers cannot tell the local runtime from the cloud.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** One record read from a shard, in the form the poller keeps it. */
export interface ShardRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly approximateArrival: Date;
}

/** Where the records come from and who reads them: the same for every record of a shard. */
export interface EventSource {
  readonly shardId: string;
  readonly streamArn: string;
  readonly region: string;
  readonly invokeIdentityArn: string;
}

/** Lambda's limit on a synchronous invocation's payload, which also caps a stream batch. */
export const maxPayloadBytes = 6 * 1024 * 1024;

/** The bytes of `{"Records":[]}` around the records. */
export const eventEnvelopeBytes = '{"Records":[]}'.length;

export function kinesisEventRecord(record: ShardRecord, source: EventSource): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      data: Buffer.from(record.data).toString('base64'),
      approximateArrivalTimestamp: record.approximateArrival.getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${source.shardId}:${record.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.invokeIdentityArn,
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}

export function kinesisStreamEvent(records: readonly ShardRecord[], source: EventSource): KinesisStreamEvent {
  return { Records: records.map((record) => kinesisEventRecord(record, source)) };
}

/** What one record adds to the serialised event (its JSON and the comma before it), as Lambda counts it. */
export function eventRecordBytes(record: ShardRecord, source: EventSource): number {
  return Buffer.byteLength(JSON.stringify(kinesisEventRecord(record, source))) + 1;
}
