import { describe, expect, it } from 'vitest';
import {
  apiGatewayRequestUnits,
  assumedEventsPerSecond,
  type CollectionUsage,
  collectionCost,
  conservativeCollectMs,
  type LoadAssumptions,
  lakeCost,
  lambdaBilledMs,
  lambdaUsage,
  onDemandMeteredBytes,
  putPayloadUnits,
  resolveCost,
  serviceUsd,
  streamUsage,
} from '../../bench/cost-model.ts';

const KB = 1024;

/** 1,000 requests of 10 events: 10,000 events, so every count is multiplied by 100 for a million events. */
const collection: CollectionUsage = {
  events: 10_000,
  // Each request body is 5,000 bytes, under 512 KB: one metered request each.
  apiRequests: 1_000,
  // Each invocation took 19.2 ms at 512 MB, billed as 20 ms.
  collect: lambdaUsage(
    Array.from({ length: 1_000 }, () => 19.2),
    512,
  ),
  // One record of 1,000 bytes (data and partition key) per event.
  stream: streamUsage(Array.from({ length: 10_000 }, () => 1_000)),
};

const load: LoadAssumptions = {
  shards: 1,
  shardUtilisation: 0.5,
  streamConsumers: 1,
  warmCollectors: 2,
  writeKeys: 2,
  sourceCacheTtlSeconds: 60,
};

describe('metering of single requests, records and invocations', () => {
  it('counts a request as one API Gateway request per started 512 KB', () => {
    expect(apiGatewayRequestUnits(5_000)).toBe(1);
    expect(apiGatewayRequestUnits(512 * KB)).toBe(1);
    expect(apiGatewayRequestUnits(512 * KB + 1)).toBe(2);
  });

  it('counts a record as one PUT payload unit per started 25 KB', () => {
    expect(putPayloadUnits(1_000)).toBe(1);
    expect(putPayloadUnits(25 * KB)).toBe(1);
    expect(putPayloadUnits(25 * KB + 1)).toBe(2);
  });

  it('rounds a record up to a whole KB for on-demand data in and out', () => {
    expect(onDemandMeteredBytes(1_000)).toBe(1_024);
    // AWS's own example: a 4.5 KB record counts as 5 KB.
    expect(onDemandMeteredBytes(4.5 * KB)).toBe(5 * KB);
  });

  it('bills each invocation rounded up to a whole millisecond', () => {
    // Prepare: 0.2 ms → 1, 1 ms → 1, 1.01 ms → 2: 4 ms in all.
    const durations = [0.2, 1, 1.01];

    // Act
    const usage = lambdaUsage(durations, 512);

    // Assess
    expect(lambdaBilledMs(19.2)).toBe(20);
    expect(usage).toEqual({ invocations: 3, billedMs: 4, memoryMb: 512 });
  });

  it('stretches CPU time to the vCPU share of the memory and adds the round trip', () => {
    // 1 ms × 1769 / 512 + 15 = 3.455078125 + 15; from 1,769 MB on a function has a whole vCPU.
    expect(conservativeCollectMs(1, 512, 15)).toBeCloseTo(18.455078125, 12);
    expect(conservativeCollectMs(2, 2048, 15)).toBe(17);
  });
});

describe('collection path cost per million events', () => {
  it('adds up API Gateway, the collect function, source lookups and a provisioned stream', () => {
    // Act
    const cost = collectionCost(collection, load);

    // Assess, by hand:
    //   records of 1,000 B: 1 MB/s ÷ 1,000 B = 1,048.6 records/s, so the 1,000 records/s limit binds;
    //   50 % of one shard = 500 records/s = 500 events/s; a million events take 1e6 / (500 × 3,600) = 5/9 h.
    //   API Gateway:      1,000 × 100 = 100,000 requests × $1.00/M                  = $0.10
    //   Lambda requests:  100,000 × $0.20/M                                         = $0.02
    //   Lambda duration:  1,000 × 20 ms = 20 s × 512/1024 GB = 10 GB-s; × 100 = 1,000 GB-s
    //                     × $0.0000133334                                            = $0.0133334
    //   DynamoDB:         2 collectors × 2 keys × 60 reads/h = 240 reads/h × 5/9 h = 133.3 reads
    //                     × 0.5 RRU = 66.67 RRU × $0.125/M                           = $0.0000083333
    //   PUT payload units: 10,000 × 100 = 1,000,000 × $0.014/M                      = $0.014
    //   shard-hours:      1 × 5/9 h × $0.015                                         = $0.0083333
    //   total                                                                        = $0.1556750667
    expect(cost.eventsPerSecond).toBe(500);
    expect(cost.provisioned.lineItems.map((item) => [item.quantity, item.usd])).toEqual([
      [100_000, expect.closeTo(0.1, 12)],
      [100_000, expect.closeTo(0.02, 12)],
      [expect.closeTo(1_000, 9), expect.closeTo(0.0133334, 12)],
      [expect.closeTo(66.666667, 5), expect.closeTo(0.0000083333, 10)],
      [1_000_000, expect.closeTo(0.014, 12)],
      [expect.closeTo(5 / 9, 12), expect.closeTo(0.0083333333, 10)],
    ]);
    expect(cost.provisioned.usd).toBeCloseTo(0.1556750667, 9);
    // The time-based part: shard-hours and source lookups.
    expect(cost.provisioned.fixedUsd).toBeCloseTo(0.0083416667, 9);
    expect(serviceUsd(cost.provisioned, 'API Gateway')).toBeCloseTo(0.1, 12);
  });

  it('prices the same traffic on an on-demand stream', () => {
    // Act
    const cost = collectionCost(collection, load);

    // Assess, by hand: each 1,000 B record is metered as 1 KB = 1,024 B; a million events are
    //   1,000,000 × 1,024 B = 1,024,000,000 B = 0.95367431640625 GB.
    //   data in:        0.95367431640625 GB × $0.08        = $0.0762939453
    //   data retrieval: × 1 consumer × $0.04               = $0.0381469727
    //   stream-hours:   5/9 h × $0.04                      = $0.0222222222
    //   with API Gateway, Lambda and DynamoDB as above: 0.10 + 0.02 + 0.0133334 + 0.0000083333 + the three
    //                                                    = $0.2700048735
    const kinesis = cost.onDemand.lineItems.filter((item) => item.service === 'Kinesis');
    expect(kinesis.map((item) => item.usd)).toEqual([
      expect.closeTo(0.0222222222, 10),
      expect.closeTo(0.0762939453, 10),
      expect.closeTo(0.0381469727, 10),
    ]);
    expect(cost.onDemand.usd).toBeCloseTo(0.2700048735, 9);
  });

  it('lets the 1 MB/s limit bind for records over 1,048 bytes', () => {
    // Prepare: records of 2,048 B, so a shard takes 1,048,576 / 2,048 = 512 records/s; half of it is 256.
    const usage = { ...collection, stream: streamUsage(Array.from({ length: 10_000 }, () => 2_048)) };

    // Act
    const eventsPerSecond = assumedEventsPerSecond(usage, load);

    // Assess
    expect(eventsPerSecond).toBe(256);
  });
});

describe('lake path cost per million events', () => {
  it('adds up the land function, its S3 PUTs and a month of storage', () => {
    // Prepare: 10,000 events landed by 20 invocations of 149.5 ms (billed 150) at 1,024 MB, which wrote 40
    // objects holding 1 MB of Parquet.
    const usage = {
      events: 10_000,
      land: lambdaUsage(
        Array.from({ length: 20 }, () => 149.5),
        1024,
      ),
      s3Puts: 40,
      storedBytes: 2 ** 20,
    };

    // Act
    const cost = lakeCost(usage);

    // Assess, by hand (× 100 for a million events):
    //   Lambda requests: 2,000 × $0.20/M                                   = $0.0004
    //   Lambda duration: 20 × 150 ms = 3 s × 1 GB = 3 GB-s; 300 GB-s × $0.0000133334 = $0.00400002
    //   S3 PUTs:         4,000 × $0.005/1,000                              = $0.02
    //   storage:         100 MB = 0.09765625 GB × $0.023                   = $0.00224609375
    //   total                                                              = $0.02664611375
    expect(cost.lineItems.map((item) => item.usd)).toEqual([
      expect.closeTo(0.0004, 12),
      expect.closeTo(0.00400002, 12),
      expect.closeTo(0.02, 12),
      expect.closeTo(0.00224609375, 12),
    ]);
    expect(cost.usd).toBeCloseTo(0.02664611375, 12);
    expect(cost.fixedUsd).toBe(0);
  });
});

describe('identity resolution cost per million events', () => {
  it('adds up the resolve and activity functions and the profiles table’s on-demand request units', () => {
    // Prepare: 10,000 events resolved by 10 invocations of 499.5 ms (billed 500) at 1,024 MB and counted by 2
    // activity invocations of 1,000 ms at 1,024 MB, which took 17,000 write and 15,000 read request units
    // (1.7 and 1.5 per event).
    const usage = {
      events: 10_000,
      resolve: lambdaUsage(
        Array.from({ length: 10 }, () => 499.5),
        1024,
      ),
      activity: lambdaUsage([1_000, 1_000], 1024),
      writeRequestUnits: 17_000,
      readRequestUnits: 15_000,
    };

    // Act
    const cost = resolveCost(usage);

    // Assess, by hand (× 100 for a million events):
    //   resolve requests: 1,000 × $0.20/M                                        = $0.0002
    //   resolve duration: 10 × 500 ms = 5 s × 1 GB = 5 GB-s; 500 GB-s × $0.0000133334 = $0.0066667
    //   activity requests: 200 × $0.20/M                                         = $0.00004
    //   activity duration: 2 × 1 s × 1 GB = 2 GB-s; 200 GB-s × $0.0000133334     = $0.00266668
    //   writes:          1,700,000 WRU × $0.625/M                                = $1.0625
    //   reads:           1,500,000 RRU × $0.125/M                                = $0.1875
    //   total                                                                    = $1.25957338
    expect(cost.lineItems.map((item) => [item.quantity, item.usd])).toEqual([
      [1_000, expect.closeTo(0.0002, 12)],
      [expect.closeTo(500, 9), expect.closeTo(0.0066667, 12)],
      [200, expect.closeTo(0.00004, 12)],
      [expect.closeTo(200, 9), expect.closeTo(0.00266668, 12)],
      [1_700_000, expect.closeTo(1.0625, 12)],
      [1_500_000, expect.closeTo(0.1875, 12)],
    ]);
    expect(cost.usd).toBeCloseTo(1.25957338, 12);
    expect(serviceUsd(cost, 'DynamoDB')).toBeCloseTo(1.25, 12);
    expect(cost.fixedUsd).toBe(0);
  });
});
