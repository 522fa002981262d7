/**
 * The AWS list prices the platform reports costs with, kept in one table so a price change is one edit. They
 * are on-demand USD prices for one region as published in the month given; other regions, free tiers, volume
 * tiers beyond the first and discounts differ, so treat every cost computed from them as an estimate.
 *
 * AWS bills data in binary units (1 KB = 2^10 bytes, 1 MB = 2^20, 1 GB = 2^30, 1 TB = 2^40 bytes); Lambda's
 * GB-second is memory in MB / 1024 times seconds.
 *
 * The few service limits that decide a price (how much one provisioned shard takes, how much CPU a Lambda
 * memory size brings) sit next to the prices they scale, so every number a cost estimate uses is here.
 */

const KB = 2 ** 10;
const MB = 2 ** 20;
const TB = 2 ** 40;

export const awsListPrices = {
  asOf: '2026-11',
  region: 'us-east-1',
  /** "Amazon Athena pricing", SQL queries. */
  athena: {
    /** SQL queries (DML), per TB scanned. DDL statements and failed queries are free. */
    usdPerTbScanned: 5,
    /** Each query's scanned bytes are rounded up to a whole MB… */
    billingIncrementBytes: MB,
    /** …with a minimum of 10 MB per query. */
    minimumBytesPerQuery: 10 * MB,
  },
  /** "Amazon API Gateway pricing", HTTP APIs. */
  apiGateway: {
    /** First 300 million requests a month; the collector's API is an HTTP API. */
    usdPerMillionRequests: 1.0,
    /** Each 512 KB of one request is metered as one request. */
    requestMeteringBytes: 512 * KB,
  },
  /** "AWS Lambda pricing", Arm (the functions run on arm64). */
  lambda: {
    usdPerGbSecond: 0.0000133334,
    usdPerMillionRequests: 0.2,
    /** Duration is billed per invocation, rounded up to a whole millisecond. */
    billingIncrementMs: 1,
    /** Not a price: Lambda gives a function CPU in proportion to its memory, one full vCPU at 1,769 MB. */
    mbPerVcpu: 1769,
  },
  /** "Amazon Kinesis Data Streams pricing". */
  kinesis: {
    /** Provisioned capacity mode: what infra/topology.ts deploys (`streams.events.shards`). */
    provisioned: {
      usdPerShardHour: 0.015,
      usdPerMillionPutPayloadUnits: 0.014,
      /** Each record counts as one PUT payload unit per started 25 KB. */
      putPayloadUnitBytes: 25 * KB,
      /** Not a price: one shard takes up to 1,000 records or 1 MB per second, whichever is reached first. */
      shardWriteRecordsPerSecond: 1000,
      shardWriteBytesPerSecond: MB,
    },
    /** On-demand capacity mode: the alternative for unknown or spiky traffic. */
    onDemand: {
      usdPerStreamHour: 0.04,
      usdPerGbIngested: 0.08,
      /** Per GB read by each standard (shared-throughput) consumer. */
      usdPerGbRetrieved: 0.04,
      /** Data in and out is counted per record, each rounded up to a whole KB. */
      recordMeteringBytes: KB,
    },
  },
  /** "Amazon S3 pricing", S3 Standard. */
  s3: {
    /** PUT, COPY, POST and LIST requests. */
    usdPerThousandPuts: 0.005,
    /** GET, SELECT and all other requests. */
    usdPerThousandGets: 0.0004,
    /** First 50 TB a month. */
    usdPerGbMonth: 0.023,
  },
  /** "Amazon DynamoDB pricing", on-demand capacity (Standard table class). */
  dynamodb: {
    usdPerMillionReadRequestUnits: 0.125,
    usdPerMillionWriteRequestUnits: 0.625,
    /** An eventually consistent read of an item up to 4 KB takes half a read request unit. */
    readUnitsPerEventuallyConsistentRead: 0.5,
    /** Not prices: a write takes one write request unit per started KB of the item… */
    writeRequestUnitBytes: KB,
    /** …a strongly consistent read one read request unit per started 4 KB… */
    readRequestUnitBytes: 4 * KB,
    /** …and a transactional write or read twice as many. */
    transactionalRequestFactor: 2,
  },
} as const;

/**
 * What one Athena query that scanned `bytesScanned` costs at list price, e.g.
 * `athenaQueryCostUsd(2 ** 40) === 5` and, for any small query, `athenaQueryCostUsd(1) === athenaQueryCostUsd(10 * 2 ** 20)`.
 */
export function athenaQueryCostUsd(bytesScanned: number): number {
  const { usdPerTbScanned, billingIncrementBytes, minimumBytesPerQuery } = awsListPrices.athena;
  const billed = Math.max(
    Math.ceil(bytesScanned / billingIncrementBytes) * billingIncrementBytes,
    minimumBytesPerQuery,
  );
  return (billed / TB) * usdPerTbScanned;
}
