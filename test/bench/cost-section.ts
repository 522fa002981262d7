/**
 * Cost per million events at AWS list prices, from what the two earlier sections counted: the end-to-end run
 * (requests, stream records read back, invocations, S3 objects, Parquet bytes) and the in-process collector
 * run (CPU per request at each batch size).
 *
 * The collector's Lambda duration is given twice. "Measured locally" bills the durations the local runtime
 * timed, on a full core shared with the emulators. "Conservative" assumes Lambda's CPU share: 512 MB buys
 * about 0.29 vCPU, so the CPU time per request is stretched by 1769 / 512 and the PutRecords round trip is
 * added. The target is checked against the conservative figure.
 */
import { resolve } from 'node:path';
import { functions, streams } from '../../infra/topology.ts';
import { loadSettingsFile } from '../../shared/config/settings.ts';
import { awsListPrices } from '../../shared/pricing.ts';
import { collectorThroughput } from './collector-throughput.ts';
import {
  assumedEventsPerSecond,
  type CollectionUsage,
  collectionCost,
  conservativeCollectMs,
  type LakeUsage,
  type LoadAssumptions,
  lakeCost,
  lambdaBilledMs,
  type PathCost,
  resolveCost,
  serviceUsd,
  totalUsd,
} from './cost-model.ts';
import { endToEnd } from './end-to-end.ts';
import { count, ms, usd } from './format.ts';
import { identityResolution, liveCapacity } from './identity-resolution.ts';
import type { BenchContext, BenchSection } from './report.ts';

/** What a PutRecords call from Lambda to Kinesis in the same region is assumed to take, end to end. */
const kinesisRoundTripMs = 15;
/** The fraction of the shards' write limit the stream is assumed to run at on average. */
const shardUtilisation = 0.5;
/** CachedSourceRegistry's default TTL (shared/collect/source-cache.ts). */
const sourceCacheTtlSeconds = 60;
const targetUsdPerMillion = 0.3;

export interface BatchSizeCost {
  readonly eventsPerRequest: number;
  readonly collectMsPerInvocation: number;
  readonly provisionedUsd: number;
  readonly onDemandUsd: number;
  readonly byService: Readonly<Record<'apiGateway' | 'lambda' | 'dynamodb' | 'kinesis', number>>;
  readonly apiGatewayShare: number;
}

export interface CostResult {
  readonly prices: typeof awsListPrices;
  readonly assumptions: Readonly<Record<string, number | string>>;
  readonly collection: {
    readonly eventsPerRequest: number;
    readonly conservative: {
      readonly collectMsPerInvocation: number;
      readonly provisioned: PathCost;
      readonly onDemand: PathCost;
    };
    readonly measuredLocally: {
      readonly collectBilledMsPerInvocation: number;
      readonly provisioned: PathCost;
      readonly onDemand: PathCost;
    };
  };
  readonly lake: {
    readonly countedLocally: PathCost & { readonly batchingWindowSeconds: number };
    readonly atAwsWindow: PathCost & {
      readonly batchingWindowSeconds: number;
      readonly landMsPerInvocation: number;
    };
  };
  /**
   * Identity resolution (resolve Lambda, DynamoDB on demand) from the identityResolution section's live
   * scenario; absent when that section did not run.
   */
  readonly resolution?: PathCost & {
    readonly scenario: string;
    readonly eventsPerInvocation: number;
    readonly writeRequestUnitsPerEvent: number;
    readonly readRequestUnitsPerEvent: number;
  };
  readonly totals: {
    /** Conservative collection (provisioned) and the lake at the AWS window: the headline figure. */
    readonly conservative: number;
    /** Locally measured collection (provisioned) and the lake as counted locally. */
    readonly measuredLocally: number;
    /** `conservative` and identity resolution, when it was measured. */
    readonly conservativeWithResolution?: number;
  };
  readonly batchSizeScaling: readonly BatchSizeCost[];
  readonly notes: readonly string[];
}

export const costPerMillionEvents: BenchSection<CostResult> = {
  name: 'costPerMillionEvents',
  title: `Cost per million events (${awsListPrices.region} list prices of ${awsListPrices.asOf})`,
  async run(context) {
    const throughput = context.resultOf(collectorThroughput);
    const run = context.resultOf(endToEnd);
    const writeKeys = loadSettingsFile(resolve(context.repoRoot, 'cdp.config.json')).sources.length;
    const collectMemoryMb = functions.collect.memoryMb;
    const landMemoryMb = functions.land.memoryMb;
    const loadFor = (usage: CollectionUsage) => loadAssumptions(usage, writeKeys);

    const atRunBatchSize = throughput.batches.find(
      (batch) => batch.eventsPerRequest === run.setup.eventsPerRequest,
    );
    if (atRunBatchSize === undefined)
      throw new Error('the collector throughput has no run at the end-to-end batch size');
    const conservativeMs = conservativeCollectMs(
      atRunBatchSize.cpuMsPerRequest,
      collectMemoryMb,
      kinesisRoundTripMs,
    );
    const measured: CollectionUsage = {
      events: run.setup.events,
      apiRequests: run.requests.metered,
      collect: {
        invocations: run.collect.invocations,
        billedMs: run.collect.billedMs,
        memoryMb: collectMemoryMb,
      },
      stream: run.kinesis,
    };
    const conservative: CollectionUsage = {
      ...measured,
      collect: {
        invocations: run.collect.invocations,
        billedMs: run.collect.invocations * lambdaBilledMs(conservativeMs),
        memoryMb: collectMemoryMb,
      },
    };
    const conservativeCost = collectionCost(conservative, loadFor(conservative));
    const measuredCost = collectionCost(measured, loadFor(measured));

    const lakeCounted = lakeCost({
      events: run.setup.events,
      land: { invocations: run.land.invocations, billedMs: run.land.billedMs, memoryMb: landMemoryMb },
      s3Puts: run.s3.puts,
      storedBytes: run.s3.parquetBytes,
    });
    // Landing work grows with the records of a batch; the local core is stretched to Lambda's CPU share.
    const landMsPerRecord = (run.land.durationMs.mean * run.land.invocations) / run.kinesis.records;
    const landVcpus = Math.min(1, landMemoryMb / awsListPrices.lambda.mbPerVcpu);
    const landMsAtAws = (landMsPerRecord * run.landAtAwsWindow.meanRecordsPerInvocation) / landVcpus;
    const lakeAtAws: LakeUsage = {
      events: run.setup.events,
      land: {
        invocations: run.landAtAwsWindow.invocations,
        billedMs: run.landAtAwsWindow.invocations * lambdaBilledMs(landMsAtAws),
        memoryMb: landMemoryMb,
      },
      s3Puts: run.landAtAwsWindow.s3Puts,
      storedBytes: run.s3.parquetBytes,
    };
    const lakeAws = lakeCost(lakeAtAws);
    const resolution = resolutionCost(context);

    const batchSizeScaling = throughput.batches.map((batch): BatchSizeCost => {
      const collectMs = conservativeCollectMs(batch.cpuMsPerRequest, collectMemoryMb, kinesisRoundTripMs);
      const usage: CollectionUsage = {
        events: batch.events,
        apiRequests: batch.apiRequests,
        collect: {
          invocations: batch.requests,
          billedMs: batch.requests * lambdaBilledMs(collectMs),
          memoryMb: collectMemoryMb,
        },
        stream: batch.stream,
      };
      const cost = collectionCost(usage, loadFor(usage));
      const apiGateway = serviceUsd(cost.provisioned, 'API Gateway');
      return {
        eventsPerRequest: batch.eventsPerRequest,
        collectMsPerInvocation: collectMs,
        provisionedUsd: cost.provisioned.usd,
        onDemandUsd: cost.onDemand.usd,
        byService: {
          apiGateway,
          lambda: serviceUsd(cost.provisioned, 'Lambda'),
          dynamodb: serviceUsd(cost.provisioned, 'DynamoDB'),
          kinesis: serviceUsd(cost.provisioned, 'Kinesis'),
        },
        apiGatewayShare: apiGateway / cost.provisioned.usd,
      };
    });

    const load = loadFor(conservative);
    const result: CostResult = {
      prices: awsListPrices,
      assumptions: {
        collectMemoryMb,
        collectVcpus: Math.min(1, collectMemoryMb / awsListPrices.lambda.mbPerVcpu),
        kinesisRoundTripMs,
        conservativeCollectMsPerInvocation: conservativeMs,
        shards: load.shards,
        shardUtilisation: load.shardUtilisation,
        assumedEventsPerSecond: conservativeCost.eventsPerSecond,
        streamConsumers: load.streamConsumers,
        warmCollectors: load.warmCollectors,
        writeKeys: load.writeKeys,
        sourceCacheTtlSeconds: load.sourceCacheTtlSeconds,
        landMemoryMb,
        landVcpus,
      },
      collection: {
        eventsPerRequest: run.setup.eventsPerRequest,
        conservative: {
          collectMsPerInvocation: conservativeMs,
          provisioned: conservativeCost.provisioned,
          onDemand: conservativeCost.onDemand,
        },
        measuredLocally: {
          collectBilledMsPerInvocation: run.collect.billedMs / run.collect.invocations,
          provisioned: measuredCost.provisioned,
          onDemand: measuredCost.onDemand,
        },
      },
      lake: {
        countedLocally: { ...lakeCounted, batchingWindowSeconds: run.setup.localBatchingWindowSeconds },
        atAwsWindow: {
          ...lakeAws,
          batchingWindowSeconds: run.landAtAwsWindow.windowSeconds,
          landMsPerInvocation: landMsAtAws,
        },
      },
      ...(resolution === undefined ? {} : { resolution }),
      totals: {
        conservative: totalUsd(conservativeCost.provisioned, lakeAws),
        measuredLocally: totalUsd(measuredCost.provisioned, lakeCounted),
        ...(resolution === undefined
          ? {}
          : { conservativeWithResolution: totalUsd(conservativeCost.provisioned, lakeAws, resolution) }),
      },
      batchSizeScaling,
      notes: [
        `Lambda gives ${collectMemoryMb} MB about ${(collectMemoryMb / awsListPrices.lambda.mbPerVcpu).toFixed(2)} vCPU; the conservative collect duration is the CPU time per request measured in-process on a full core × ${awsListPrices.lambda.mbPerVcpu} / ${collectMemoryMb}, plus ${kinesisRoundTripMs} ms for the PutRecords round trip.`,
        'The locally measured collect durations were timed on a full core shared with the emulators and 16 concurrent requests; they include kinesalite answering in-process instead of a network round trip.',
        `Shard-hours and stream-hours are time-based: they are spread over an assumed steady ${Math.round(shardUtilisation * 100)} % of ${load.shards} shard(s)' write limit (1,000 records or 1 MB per second per shard, whichever the mean record size reaches first).`,
        `The lake as counted locally reflects the ${run.setup.localBatchingWindowSeconds} s local batching window; the AWS-window estimate replays the same records through the topology's ${run.landAtAwsWindow.windowSeconds} s window and batch size of ${run.landAtAwsWindow.batchSize}, and stretches land's local time per record to its ${landMemoryMb} MB CPU share.`,
        'Storage is one month of the landed Parquet files, before hourly compaction merges them; compaction, Athena queries, free tiers and data transfer are not included.',
        'API Gateway bills per request whatever its size up to 512 KB, and so does Lambda, so the collection cost falls with the events per request: at one event per request API Gateway alone is $1.00 per million events.',
        resolution === undefined
          ? 'Identity resolution is not priced: the identityResolution section did not run.'
          : `Identity resolution is priced from the identityResolution section's ${resolution.scenario} scenario: its DynamoDB request units as AWS bills them, and its resolveBatch calls as resolve invocations billed for their local duration (against DynamoDB Local, slower to answer than DynamoDB). Profile storage is not included.`,
      ],
    };
    return {
      result,
      summary: summary(result),
      targets: [
        {
          name: `collection path (API Gateway + collect + provisioned Kinesis), USD per million events at ${run.setup.eventsPerRequest} events/request, conservative Lambda duration`,
          target: `<= ${targetUsdPerMillion.toFixed(2)}`,
          actual: conservativeCost.provisioned.usd,
          met: conservativeCost.provisioned.usd <= targetUsdPerMillion,
        },
      ],
    };
  },
};

/** Resolution priced from the identity section's live scenario, when that section ran. */
function resolutionCost(context: BenchContext): CostResult['resolution'] {
  let run: ReturnType<typeof liveCapacity>;
  try {
    run = liveCapacity(context.resultOf(identityResolution));
  } catch {
    // The collection and lake costs stand on their own; the notes say resolution is missing.
    return undefined;
  }
  const lambdaOf = (lane: 'resolve' | 'activity') => {
    const usage = run.lanes.find((candidate) => candidate.lane === lane)?.lambda;
    if (usage === undefined) throw new Error(`the ${lane} lane did not run`);
    return usage;
  };
  const cost = resolveCost({
    events: run.events,
    resolve: lambdaOf('resolve'),
    activity: lambdaOf('activity'),
    writeRequestUnits: run.writeUnitsPerEvent * run.events,
    readRequestUnits: run.readUnitsPerEvent * run.events,
  });
  return {
    ...cost,
    scenario: run.scenario,
    eventsPerInvocation: run.lanes.find((lane) => lane.lane === 'resolve')?.meanEventsPerBatch ?? Number.NaN,
    writeRequestUnitsPerEvent: run.writeUnitsPerEvent,
    readRequestUnitsPerEvent: run.readUnitsPerEvent,
  };
}

/**
 * The topology's stream and consumers at the assumed utilisation, with the collector instances that load keeps
 * warm by Little's law (requests per second × seconds per request, at least one).
 */
function loadAssumptions(usage: CollectionUsage, writeKeys: number): LoadAssumptions {
  const streamConsumers = Object.values(functions).filter((spec) =>
    spec.triggers.some((trigger) => trigger.kind === 'stream' && trigger.stream === 'events'),
  ).length;
  const base: LoadAssumptions = {
    shards: streams.events.shards,
    shardUtilisation,
    streamConsumers,
    warmCollectors: 1,
    writeKeys,
    sourceCacheTtlSeconds,
  };
  const requestsPerSecond = (assumedEventsPerSecond(usage, base) * usage.collect.invocations) / usage.events;
  const secondsPerRequest = usage.collect.billedMs / usage.collect.invocations / 1000;
  return { ...base, warmCollectors: Math.max(1, Math.ceil(requestsPerSecond * secondsPerRequest)) };
}

function summary(result: CostResult): string[] {
  const { collection, lake, totals, assumptions } = result;
  const conservative = collection.conservative.provisioned;
  const services = (path: PathCost) =>
    (['API Gateway', 'Lambda', 'DynamoDB', 'Kinesis'] as const)
      .map((service) => `${service} ${usd(serviceUsd(path, service))}`)
      .join(', ');
  return [
    `collection at ${collection.eventsPerRequest} events/request, provisioned Kinesis, conservative ` +
      `(${ms(collection.conservative.collectMsPerInvocation)} per collect invocation): ${usd(conservative.usd)} ` +
      `per million events — ${services(conservative)}; fixed ${usd(conservative.fixedUsd)} at an assumed ` +
      `${count(Number(assumptions.assumedEventsPerSecond))} events/s`,
    `collection with the locally measured durations (${ms(collection.measuredLocally.collectBilledMsPerInvocation)} ` +
      `billed per invocation): ${usd(collection.measuredLocally.provisioned.usd)}; on on-demand Kinesis ` +
      `(conservative): ${usd(collection.conservative.onDemand.usd)}`,
    `lake (land + S3 PUTs + a month of storage): ${usd(lake.countedLocally.usd)} as counted with the ` +
      `${lake.countedLocally.batchingWindowSeconds} s local window, ${usd(lake.atAwsWindow.usd)} at the AWS ` +
      `${lake.atAwsWindow.batchingWindowSeconds} s window`,
    `total per million events: ${usd(totals.conservative)} conservative, ${usd(totals.measuredLocally)} as measured locally`,
    ...(result.resolution === undefined || totals.conservativeWithResolution === undefined
      ? []
      : [
          `identity resolution (${result.resolution.scenario} scenario, ` +
            `${result.resolution.writeRequestUnitsPerEvent.toFixed(2)} WRU and ` +
            `${result.resolution.readRequestUnitsPerEvent.toFixed(2)} RRU per event): ` +
            `${usd(result.resolution.usd)} per million events — DynamoDB ` +
            `${usd(serviceUsd(result.resolution, 'DynamoDB'))}, Lambda ${usd(serviceUsd(result.resolution, 'Lambda'))}; ` +
            `total with resolution ${usd(totals.conservativeWithResolution)}`,
        ]),
    `collection by events per request (conservative, provisioned): ${result.batchSizeScaling
      .map(
        (row) =>
          `${row.eventsPerRequest} → ${usd(row.provisionedUsd)} (API Gateway ${Math.round(row.apiGatewayShare * 100)} %)`,
      )
      .join(', ')}`,
  ];
}
