import { describe, expect, it } from 'vitest';
import {
  type EventSource,
  eventEnvelopeBytes,
  eventRecordBytes,
  kinesisStreamEvent,
  type ShardRecord,
} from '../../../infra/local/kinesis-event.ts';

const source: EventSource = {
  shardId: 'shardId-000000000000',
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
  region: 'us-east-1',
  invokeIdentityArn: 'arn:aws:iam::000000000000:role/land',
};

const record: ShardRecord = {
  sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
  partitionKey: 'user-1',
  data: new TextEncoder().encode('hello'),
  approximateArrival: new Date('2023-11-14T22:13:20.123Z'),
};

describe('kinesisStreamEvent', () => {
  it('builds the event Lambda passes to a Kinesis consumer', () => {
    // Act
    const event = kinesisStreamEvent([record], source);

    // Assess
    expect(event).toEqual({
      Records: [
        {
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: 'user-1',
            sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
            data: 'aGVsbG8=',
            approximateArrivalTimestamp: 1700000000.123,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: 'shardId-000000000000:49590338271490256608559692538361571095921575989136588898',
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/land',
          awsRegion: 'us-east-1',
          eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
        },
      ],
    });
  });

  it('keeps the records in the order they were read', () => {
    // Prepare
    const second = { ...record, sequenceNumber: '49590338271490256608559692538361571095921575989136588899' };

    // Act
    const event = kinesisStreamEvent([record, second], source);

    // Assess
    expect(event.Records.map((entry) => entry.kinesis.sequenceNumber)).toEqual([
      '49590338271490256608559692538361571095921575989136588898',
      '49590338271490256608559692538361571095921575989136588899',
    ]);
  });
});

describe('eventRecordBytes', () => {
  it('adds up, with the envelope, to at most one byte over the serialised event', () => {
    // Prepare
    const records = [record, { ...record, partitionKey: 'ünïcödé', data: new Uint8Array(1000) }];

    // Act
    const counted =
      eventEnvelopeBytes + records.reduce((sum, entry) => sum + eventRecordBytes(entry, source), 0);

    // Assess
    expect(counted - Buffer.byteLength(JSON.stringify(kinesisStreamEvent(records, source)))).toBe(1);
  });
});
