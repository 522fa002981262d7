/**
 * The document Lambda writes to an S3 on-failure destination for records it discards from a Kinesis stream:
 * the invocation record (request and response context, the batch's shard and sequence range) and, as S3
 * destinations get it, the invocation event itself under `payload`.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import type { DiscardCondition, DiscardedRecords } from './batch-retry.ts';

export interface KinesisFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: DiscardCondition;
    readonly approximateInvokeCount: number;
  };
  /** Empty when the records were discarded before they ever reached the function. */
  readonly responseContext:
    | { readonly statusCode: number; readonly executedVersion: string; readonly functionError?: 'Unhandled' }
    | Record<string, never>;
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
  readonly payload: KinesisStreamEvent;
}

export interface FailureRecordInput {
  readonly discarded: DiscardedRecords;
  /** The invocation event of exactly the discarded records. */
  readonly payload: KinesisStreamEvent;
  readonly functionArn: string;
  readonly streamArn: string;
  readonly shardId: string;
  readonly requestId: string;
  readonly at: Date;
}

export function failureRecord(input: FailureRecordInput): KinesisFailureRecord {
  const { discarded } = input;
  const first = discarded.records[0];
  const last = discarded.records.at(-1);
  if (first === undefined || last === undefined) throw new RangeError('nothing was discarded');
  return {
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: discarded.condition,
      approximateInvokeCount: discarded.approximateInvokeCount,
    },
    responseContext: responseContext(discarded),
    version: '1.0',
    timestamp: input.at.toISOString(),
    KinesisBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: first.approximateArrival.toISOString(),
      approximateArrivalOfLastRecord: last.approximateArrival.toISOString(),
      batchSize: discarded.records.length,
      streamArn: input.streamArn,
    },
    payload: input.payload,
  };
}

function responseContext(discarded: DiscardedRecords): KinesisFailureRecord['responseContext'] {
  const outcome = discarded.lastOutcome;
  if (outcome === undefined) return {};
  // A partial batch response is a successful invocation; only a throw or a timeout is a function error.
  return outcome.kind === 'error'
    ? { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' }
    : { statusCode: 200, executedVersion: '$LATEST' };
}

/**
 * Where the document goes: `aws/lambda/<mapping id>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`,
 * the layout Lambda uses under an S3 destination, in UTC.
 */
export function failureRecordKey(mappingId: string, shardId: string, at: Date, id: string): string {
  const iso = at.toISOString();
  const [year, month, day] = iso.slice(0, 10).split('-');
  const time = iso.slice(0, 19).replaceAll(':', '.');
  return `aws/lambda/${mappingId}/${shardId}/${year}/${month}/${day}/${time}-${id}`;
}
