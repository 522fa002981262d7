/**
 * The benchmark's cost model: what a run counted (requests and their sizes, invocations and their durations,
 * stream records and their sizes, S3 PUTs, bytes stored) → US dollars per million events, per line item, at
 * the list prices of shared/pricing.ts. Pure: no clock, no I/O, so its arithmetic is unit-tested by hand.
 *
 * Usage charges scale with the counts. Time-based charges (shard-hours, stream-hours, the collector's cache
 * refreshes of the sources table) do not: they are spread over the events of an assumed steady load, stated
 * in `LoadAssumptions` and reported with the result.
 */
import { awsListPrices } from '../../shared/pricing.ts';

const prices = awsListPrices;
const MILLION = 1_000_000;
const GB = 2 ** 30;
const SECONDS_PER_HOUR = 3600;

/** Requests API Gateway meters for one request body: one per started 512 KB. */
export function apiGatewayRequestUnits(requestBytes: number): number {
  return Math.max(1, Math.ceil(requestBytes / prices.apiGateway.requestMeteringBytes));
}

/** PUT payload units of one record (data and partition key): one per started 25 KB. */
export function putPayloadUnits(recordBytes: number): number {
  return Math.max(1, Math.ceil(recordBytes / prices.kinesis.provisioned.putPayloadUnitBytes));
}

/** Bytes on-demand Kinesis meters for one record, in and out alike: its size rounded up to a whole KB. */
export function onDemandMeteredBytes(recordBytes: number): number {
  const unit = prices.kinesis.onDemand.recordMeteringBytes;
  return Math.max(1, Math.ceil(recordBytes / unit)) * unit;
}

/** Milliseconds Lambda bills for one invocation: its duration rounded up to the billing increment. */
export function lambdaBilledMs(durationMs: number): number {
  const increment = prices.lambda.billingIncrementMs;
  return Math.max(1, Math.ceil(durationMs / increment)) * increment;
}

/**
 * A conservative duration for a collector invocation in Lambda: its CPU time measured on a full core, slowed
 * down to the CPU share its memory buys (512 MB ≈ 0.29 vCPU), plus the PutRecords round trip it waits for.
 * @example conservativeCollectMs(1, 512, 15) // 1 × 1769 / 512 + 15 ≈ 18.46
 */
export function conservativeCollectMs(
  cpuMsPerRequest: number,
  memoryMb: number,
  roundTripMs: number,
): number {
  const vcpus = Math.min(1, memoryMb / prices.lambda.mbPerVcpu);
  return cpuMsPerRequest / vcpus + roundTripMs;
}

export interface LambdaUsage {
  readonly invocations: number;
  /** Sum of the invocations' billed durations. */
  readonly billedMs: number;
  readonly memoryMb: number;
}

export function lambdaUsage(durationsMs: Iterable<number>, memoryMb: number): LambdaUsage {
  let invocations = 0;
  let billedMs = 0;
  for (const duration of durationsMs) {
    invocations += 1;
    billedMs += lambdaBilledMs(duration);
  }
  return { invocations, billedMs, memoryMb };
}

export interface StreamUsage {
  readonly records: number;
  /** Data and partition keys. */
  readonly bytes: number;
  readonly putPayloadUnits: number;
  readonly onDemandMeteredBytes: number;
}

/** The usage of a stream that took records of these sizes (data and partition key). */
export function streamUsage(recordBytes: Iterable<number>): StreamUsage {
  const usage = { records: 0, bytes: 0, putPayloadUnits: 0, onDemandMeteredBytes: 0 };
  for (const bytes of recordBytes) {
    usage.records += 1;
    usage.bytes += bytes;
    usage.putPayloadUnits += putPayloadUnits(bytes);
    usage.onDemandMeteredBytes += onDemandMeteredBytes(bytes);
  }
  return usage;
}

/** What the collection path (API Gateway → collect → Kinesis) used for `events` events. */
export interface CollectionUsage {
  readonly events: number;
  /** Requests as API Gateway meters them (`apiGatewayRequestUnits` of each). */
  readonly apiRequests: number;
  readonly collect: LambdaUsage;
  readonly stream: StreamUsage;
}

/** What the lake path (Kinesis → land → S3) used for `events` events. */
export interface LakeUsage {
  readonly events: number;
  readonly land: LambdaUsage;
  readonly s3Puts: number;
  /** Parquet bytes the events occupy in the lake. */
  readonly storedBytes: number;
}

/** What identity resolution (Kinesis → resolve and activity → DynamoDB `profiles`) used for `events` events. */
export interface ResolveUsage {
  readonly events: number;
  readonly resolve: LambdaUsage;
  readonly activity: LambdaUsage;
  /** On-demand write request units as AWS bills them (a transactional write counts twice). */
  readonly writeRequestUnits: number;
  /** On-demand read request units as AWS bills them (a key not found counts too). */
  readonly readRequestUnits: number;
}

/** The steady load the time-based charges are spread over. */
export interface LoadAssumptions {
  /** Provisioned shards of the events stream (`streams.events.shards` in infra/topology.ts). */
  readonly shards: number;
  /** The fraction of the shards' write limit the stream runs at, e.g. 0.5. */
  readonly shardUtilisation: number;
  /** Standard consumers reading every record; on-demand retrieval is billed once per consumer. */
  readonly streamConsumers: number;
  /** Collector instances kept warm by that load; each reads each write key once per cache TTL. */
  readonly warmCollectors: number;
  readonly writeKeys: number;
  readonly sourceCacheTtlSeconds: number;
}

export type Service = 'API Gateway' | 'Lambda' | 'DynamoDB' | 'Kinesis' | 'S3';

export interface LineItem {
  readonly service: Service;
  readonly name: string;
  /** How much of `unit` a million events take. */
  readonly quantity: number;
  readonly unit: string;
  /** USD per million events. */
  readonly usd: number;
  /** Time-based: spread over the events of the assumed load rather than counted per event. */
  readonly fixed: boolean;
}

export interface PathCost {
  readonly lineItems: readonly LineItem[];
  /** USD per million events. */
  readonly usd: number;
  /** The time-based part of `usd`. */
  readonly fixedUsd: number;
}

export interface CollectionCost {
  /** Events per second of the assumed load. */
  readonly eventsPerSecond: number;
  /** With the provisioned stream the topology deploys. */
  readonly provisioned: PathCost;
  /** The same traffic on an on-demand stream. */
  readonly onDemand: PathCost;
}

/**
 * Events per second the stream carries at the assumed load: `shardUtilisation` of what the shards take, each
 * limited by 1,000 records/s or 1 MB/s, whichever the records' mean size reaches first.
 */
export function assumedEventsPerSecond(usage: CollectionUsage, load: LoadAssumptions): number {
  const { shardWriteRecordsPerSecond, shardWriteBytesPerSecond } = prices.kinesis.provisioned;
  const meanRecordBytes = usage.stream.bytes / usage.stream.records;
  const recordsPerShardSecond = Math.min(
    shardWriteRecordsPerSecond,
    shardWriteBytesPerSecond / meanRecordBytes,
  );
  const recordsPerEvent = usage.stream.records / usage.events;
  return (load.shards * load.shardUtilisation * recordsPerShardSecond) / recordsPerEvent;
}

export function collectionCost(usage: CollectionUsage, load: LoadAssumptions): CollectionCost {
  const perMillion = MILLION / usage.events;
  const eventsPerSecond = assumedEventsPerSecond(usage, load);
  const hoursPerMillion = MILLION / (eventsPerSecond * SECONDS_PER_HOUR);
  const { provisioned, onDemand } = prices.kinesis;
  const sourceReads = (load.warmCollectors * load.writeKeys * SECONDS_PER_HOUR) / load.sourceCacheTtlSeconds;
  const readUnits = sourceReads * hoursPerMillion * prices.dynamodb.readUnitsPerEventuallyConsistentRead;
  const common: LineItem[] = [
    usageItem(
      'API Gateway',
      'API Gateway HTTP API requests',
      usage.apiRequests * perMillion,
      'requests',
      prices.apiGateway.usdPerMillionRequests / MILLION,
    ),
    ...lambdaItems('collect', usage.collect, perMillion),
    fixedItem(
      'DynamoDB',
      `DynamoDB source lookups (${load.warmCollectors} warm collector(s) × ${load.writeKeys} write keys, once per ${load.sourceCacheTtlSeconds} s)`,
      readUnits,
      'read request units',
      prices.dynamodb.usdPerMillionReadRequestUnits / MILLION,
    ),
  ];
  const meteredGb = (usage.stream.onDemandMeteredBytes * perMillion) / GB;
  return {
    eventsPerSecond,
    provisioned: pathCost([
      ...common,
      usageItem(
        'Kinesis',
        'Kinesis PUT payload units',
        usage.stream.putPayloadUnits * perMillion,
        'payload units',
        provisioned.usdPerMillionPutPayloadUnits / MILLION,
      ),
      fixedItem(
        'Kinesis',
        `Kinesis shard-hours (${load.shards} shard(s) at ${percent(load.shardUtilisation)} of the write limit)`,
        load.shards * hoursPerMillion,
        'shard-hours',
        provisioned.usdPerShardHour,
      ),
    ]),
    onDemand: pathCost([
      ...common,
      fixedItem(
        'Kinesis',
        'Kinesis on-demand stream-hours',
        hoursPerMillion,
        'stream-hours',
        onDemand.usdPerStreamHour,
      ),
      usageItem('Kinesis', 'Kinesis on-demand data in', meteredGb, 'GB', onDemand.usdPerGbIngested),
      usageItem(
        'Kinesis',
        `Kinesis on-demand data retrieval (${load.streamConsumers} standard consumer(s))`,
        meteredGb * load.streamConsumers,
        'GB',
        onDemand.usdPerGbRetrieved,
      ),
    ]),
  };
}

/** The lake path: landing invocations, the objects they PUT, and a month of storing what they wrote. */
export function lakeCost(usage: LakeUsage): PathCost {
  const perMillion = MILLION / usage.events;
  return pathCost([
    ...lambdaItems('land', usage.land, perMillion),
    usageItem(
      'S3',
      'S3 PUT requests',
      usage.s3Puts * perMillion,
      'requests',
      prices.s3.usdPerThousandPuts / 1000,
    ),
    usageItem(
      'S3',
      'S3 Standard storage, one month',
      (usage.storedBytes * perMillion) / GB,
      'GB-months',
      prices.s3.usdPerGbMonth,
    ),
  ]);
}

/** The resolution path: resolve and activity invocations and the on-demand request units of the profiles table. */
export function resolveCost(usage: ResolveUsage): PathCost {
  const perMillion = MILLION / usage.events;
  const { usdPerMillionWriteRequestUnits, usdPerMillionReadRequestUnits } = prices.dynamodb;
  return pathCost([
    ...lambdaItems('resolve', usage.resolve, perMillion),
    ...lambdaItems('activity', usage.activity, perMillion),
    usageItem(
      'DynamoDB',
      'DynamoDB on-demand writes (profiles table)',
      usage.writeRequestUnits * perMillion,
      'write request units',
      usdPerMillionWriteRequestUnits / MILLION,
    ),
    usageItem(
      'DynamoDB',
      'DynamoDB on-demand reads (profiles table)',
      usage.readRequestUnits * perMillion,
      'read request units',
      usdPerMillionReadRequestUnits / MILLION,
    ),
  ]);
}

/** USD per million events of one service's line items. */
export function serviceUsd(path: PathCost, service: Service): number {
  return path.lineItems
    .filter((item) => item.service === service)
    .reduce((total, item) => total + item.usd, 0);
}

/** The sum of paths' costs, e.g. collection and lake. */
export function totalUsd(...paths: readonly PathCost[]): number {
  return paths.reduce((total, path) => total + path.usd, 0);
}

function lambdaItems(functionName: string, usage: LambdaUsage, perMillion: number): LineItem[] {
  const gbSeconds = (usage.billedMs / 1000) * (usage.memoryMb / 1024);
  return [
    usageItem(
      'Lambda',
      `${functionName} Lambda requests`,
      usage.invocations * perMillion,
      'requests',
      prices.lambda.usdPerMillionRequests / MILLION,
    ),
    usageItem(
      'Lambda',
      `${functionName} Lambda duration (${usage.memoryMb} MB, arm64)`,
      gbSeconds * perMillion,
      'GB-seconds',
      prices.lambda.usdPerGbSecond,
    ),
  ];
}

function usageItem(
  service: Service,
  name: string,
  quantity: number,
  unit: string,
  usdPerUnit: number,
): LineItem {
  return { service, name, quantity, unit, usd: quantity * usdPerUnit, fixed: false };
}

function fixedItem(
  service: Service,
  name: string,
  quantity: number,
  unit: string,
  usdPerUnit: number,
): LineItem {
  return { service, name, quantity, unit, usd: quantity * usdPerUnit, fixed: true };
}

function pathCost(lineItems: LineItem[]): PathCost {
  const sum = (items: readonly LineItem[]) => items.reduce((total, item) => total + item.usd, 0);
  return { lineItems, usd: sum(lineItems), fixedUsd: sum(lineItems.filter((item) => item.fixed)) };
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}
