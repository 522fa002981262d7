import { describe, expect, it } from 'vitest';
import type { DiscardedRecords } from '../../../infra/local/batch-retry.ts';
import { failureRecord, failureRecordKey } from '../../../infra/local/failure-record.ts';
import { kinesisStreamEvent } from '../../../infra/local/kinesis-event.ts';
import { shardRecord } from './shard-records.ts';

const source = {
  shardId: 'shardId-000000000001',
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
  region: 'us-east-1',
  invokeIdentityArn: 'arn:aws:iam::000000000000:role/land',
};

function recordFor(discarded: DiscardedRecords) {
  return failureRecord({
    discarded,
    payload: kinesisStreamEvent(discarded.records, source),
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:land',
    streamArn: source.streamArn,
    shardId: source.shardId,
    requestId: 'c9b8fa9f-5a7f-4a4c-af9c-0c604cde93a5',
    at: new Date('2026-03-01T12:00:06.021Z'),
  });
}

describe('failureRecord', () => {
  it('describes records that exhausted their retries, with the invocation event as payload', () => {
    // Prepare
    const records = [
      shardRecord(4, Date.parse('2026-03-01T12:00:04.835Z')),
      shardRecord(5, Date.parse('2026-03-01T12:00:05.580Z')),
    ];
    const discarded: DiscardedRecords = {
      records,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 4,
      lastOutcome: { kind: 'error', error: new Error('boom') },
    };

    // Act
    const document = recordFor(discarded);

    // Assess
    expect(document).toEqual({
      requestContext: {
        requestId: 'c9b8fa9f-5a7f-4a4c-af9c-0c604cde93a5',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:land',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 4,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-03-01T12:00:06.021Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000001',
        startSequenceNumber: '49000000000000000000000000000000000000000000000000000004',
        endSequenceNumber: '49000000000000000000000000000000000000000000000000000005',
        approximateArrivalOfFirstRecord: '2026-03-01T12:00:04.835Z',
        approximateArrivalOfLastRecord: '2026-03-01T12:00:05.580Z',
        batchSize: 2,
        streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
      },
      payload: kinesisStreamEvent(records, source),
    });
  });

  it('reports no function error when the last invocation returned a partial batch response', () => {
    // Prepare
    const discarded: DiscardedRecords = {
      records: [shardRecord(1)],
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 2,
      lastOutcome: { kind: 'partial', failedFrom: 0 },
    };

    // Act
    const document = recordFor(discarded);

    // Assess
    expect(document.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
  });

  it('leaves the response context empty for records too old to be sent at all', () => {
    // Prepare
    const discarded: DiscardedRecords = {
      records: [shardRecord(1)],
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 0,
    };

    // Act
    const document = recordFor(discarded);

    // Assess
    expect(document.requestContext.condition).toBe('RecordAgeExceeded');
    expect(document.responseContext).toEqual({});
  });
});

describe('failureRecordKey', () => {
  it('lays the key out as Lambda does under an S3 destination, in UTC', () => {
    // Act
    const key = failureRecordKey(
      '2b733gdc-8ac3-cdf5-af3a-1827b3b11284',
      'shardId-000000000001',
      new Date('2026-03-01T23:59:58.999-02:00'),
      '0b9e5b1c-8c3f-4a8e-9a57-6f1d2c3b4a59',
    );

    // Assess
    expect(key).toBe(
      'aws/lambda/2b733gdc-8ac3-cdf5-af3a-1827b3b11284/shardId-000000000001/2026/03/02/2026-03-02T01.59.58-0b9e5b1c-8c3f-4a8e-9a57-6f1d2c3b4a59',
    );
  });
});
