import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { batchItemFailures, shardBatchFromKinesis } from '../../functions/commons/kinesis-batch.ts';

function kinesisRecord(sequenceNumber: string, text: string): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'user-1',
      sequenceNumber,
      data: Buffer.from(text).toString('base64'),
      approximateArrivalTimestamp: 1_795_341_600,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000003:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/land',
    awsRegion: 'eu-west-1',
    eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/events',
  };
}

describe('the stream consumers’ trigger mapping', () => {
  it('takes the shard from the event ids and decodes each record’s base64 data', () => {
    // Prepare
    const event: KinesisStreamEvent = {
      Records: [kinesisRecord('495', '{"a":1}'), kinesisRecord('496', 'héllo')],
    };

    // Act
    const batch = shardBatchFromKinesis(event);

    // Assess
    expect(batch.shardId).toBe('shardId-000000000003');
    expect(
      batch.records.map((record) => [record.sequenceNumber, new TextDecoder().decode(record.data)]),
    ).toEqual([
      ['495', '{"a":1}'],
      ['496', 'héllo'],
    ]);
  });

  it('reports each failed record by its sequence number', () => {
    // Act
    const response = batchItemFailures([{ sequenceNumber: '7' }, { sequenceNumber: '9' }]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }, { itemIdentifier: '9' }] });
  });
});
