/**
 * The whole collection path on the local platform: HTTP → local API Gateway → collect → kinesalite → land →
 * Parquet in s3rver, in a temporary data directory. Measures accept latency and events/s from the first send
 * until every event has landed, checks the lake holds exactly what was sent, and counts what the cost model
 * needs: requests and their sizes, invocations and their durations, the stream's records read back, the
 * lake's objects.
 */
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  eventEnvelopeBytes,
  eventRecordBytes,
  maxPayloadBytes,
  type ShardRecord,
} from '../../infra/local/kinesis-event.ts';
import { localBucketDir } from '../../infra/local/paths.ts';
import { type Invocation, startLocalPlatform } from '../../infra/local/runtime.ts';
import { functions, resourceEnv } from '../../infra/topology.ts';
import { kinesisClient } from '../../shared/adapters/aws-clients.ts';
import { DuckDbSqlEngine } from '../../shared/adapters/duckdb-sql-engine.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { decodeEnvelope } from '../../shared/lake/envelope.ts';
import { lakeRecord } from '../../shared/lake/rows.ts';
import {
  apiGatewayRequestUnits,
  type LambdaUsage,
  lambdaUsage,
  type StreamUsage,
  streamUsage,
} from './cost-model.ts';
import { count, mib, ms } from './format.ts';
import { countLakeObjects, type LakeObjectCounts } from './lake-objects.ts';
import { type ArrivedRecord, landingPuts, type SimulatedBatch, simulateBatches } from './land-batching.ts';
import { type BenchRequest, SegmentTraffic } from './payloads.ts';
import type { BenchSection } from './report.ts';
import { type Distribution, distribution } from './stats.ts';
import { readWholeStream } from './stream-readback.ts';

const totalEvents = 20_000;
const eventsPerRequest = 10;
const concurrency = 16;
/** `npm start`'s default: AWS would wait up to the topology's 30 s, far too long for an interactive run. */
const localBatchingWindowSeconds = 1;
const drainTimeoutMs = 120_000;

export interface FunctionCounts extends LambdaUsage {
  readonly durationMs: Distribution;
  readonly failed: number;
}

export interface EndToEndResult {
  readonly setup: {
    readonly events: number;
    readonly eventsPerRequest: number;
    readonly concurrency: number;
    readonly localBatchingWindowSeconds: number;
  };
  readonly requests: {
    readonly sent: number;
    readonly byStatus: Readonly<Record<string, number>>;
    /** As API Gateway meters them. */
    readonly metered: number;
    readonly meanBytes: number;
  };
  /** From the first request sent until the last was answered / until the last event had landed. */
  readonly timing: {
    readonly acceptSeconds: number;
    readonly landedSeconds: number;
    readonly acceptedEventsPerSecond: number;
    readonly landedEventsPerSecond: number;
  };
  readonly acceptLatencyMs: Distribution;
  readonly lake: {
    readonly events: number;
    readonly distinctMessageIds: number;
    readonly quarantined: number;
    readonly holdsEverySentEvent: boolean;
  };
  readonly collect: FunctionCounts;
  readonly land: FunctionCounts & { readonly meanRecordsPerInvocation: number };
  readonly kinesis: StreamUsage & { readonly shards: number; readonly meanRecordBytes: number };
  readonly s3: LakeObjectCounts;
  /** How the topology's batching window would have cut the same records into `land` invocations. */
  readonly landAtAwsWindow: {
    readonly assumption: string;
    readonly batchSize: number;
    readonly windowSeconds: number;
    /** Rate at which the records reached the stream in this run. */
    readonly arrivalEventsPerSecond: number;
    readonly invocations: number;
    readonly meanRecordsPerInvocation: number;
    readonly s3Puts: number;
    readonly closedBy: Readonly<Record<SimulatedBatch['closedBy'], number>>;
  };
}

export const endToEnd: BenchSection<EndToEndResult> = {
  name: 'endToEnd',
  title: 'Local end to end: HTTP → collect → Kinesis → land → Parquet (emulators, one machine)',
  async run(context) {
    // The handlers log each landed batch at INFO; the summary on stdout should stay readable.
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    const dataDir = mkdtempSync(join(tmpdir(), 'cdp-bench-'));
    const removeDataDir = context.onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
    const invocations: Invocation[] = [];
    const platformLog: string[] = [];
    const platform = await startLocalPlatform({
      dataDir,
      port: 0,
      configFile: resolve(context.repoRoot, 'cdp.config.json'),
      batchingWindowSeconds: localBatchingWindowSeconds,
      schedules: false,
      log: (message, fields) => platformLog.push(JSON.stringify({ message, ...fields })),
      onInvocation: (invocation) => invocations.push(invocation),
    });
    const stopPlatform = context.onCleanup(() => platform.stop());
    try {
      const traffic = new SegmentTraffic(
        { server: platform.secrets.writeKeys.backend ?? '', web: platform.secrets.writeKeys.website ?? '' },
        42,
      );
      const requests = Array.from({ length: totalEvents / eventsPerRequest }, () =>
        traffic.next(eventsPerRequest),
      );

      const started = performance.now();
      const answers = await sendAll(platform.url, requests);
      const acceptedAt = performance.now();
      await platform.drain(drainTimeoutMs);
      const landedAt = performance.now();

      const failedRequests = answers.filter((answer) => answer.status !== 200).length;
      const lake = await countLakeRows(localBucketDir(platform.paths, 'lake'));
      if (failedRequests > 0 || lake.events !== totalEvents || lake.distinctMessageIds !== totalEvents) {
        throw new Error(
          `the run lost or duplicated events: ${failedRequests} request(s) not accepted, ${lake.events} rows and ` +
            `${lake.distinctMessageIds} messageIds in the lake for ${totalEvents} sent; platform log: ${platformLog.slice(-5).join(' | ')}`,
        );
      }

      const shards = await readWholeStream(
        kinesisClient(),
        process.env[resourceEnv.stream.events] ?? 'events',
      );
      const records = [...shards.values()].flat();
      const kinesis = streamUsage(
        records.map((record) => record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8')),
      );
      const s3 = await countLakeObjects(
        new S3ObjectStore({ bucket: process.env[resourceEnv.bucket.lake] ?? 'lake' }),
      );
      const collect = functionCounts(invocations, 'collect');
      const land = functionCounts(invocations, 'land');
      const acceptSeconds = (acceptedAt - started) / 1000;
      const landedSeconds = (landedAt - started) / 1000;
      const result: EndToEndResult = {
        setup: { events: totalEvents, eventsPerRequest, concurrency, localBatchingWindowSeconds },
        requests: {
          sent: requests.length,
          byStatus: tally(answers.map((answer) => String(answer.status))),
          metered: requests.reduce((total, request) => total + apiGatewayRequestUnits(bodyBytes(request)), 0),
          meanBytes: requests.reduce((total, request) => total + bodyBytes(request), 0) / requests.length,
        },
        timing: {
          acceptSeconds,
          landedSeconds,
          acceptedEventsPerSecond: totalEvents / acceptSeconds,
          landedEventsPerSecond: totalEvents / landedSeconds,
        },
        acceptLatencyMs: distribution(answers.map((answer) => answer.latencyMs)),
        lake: { ...lake, holdsEverySentEvent: true },
        collect,
        land: { ...land, meanRecordsPerInvocation: records.length / land.invocations },
        kinesis: { ...kinesis, shards: shards.size, meanRecordBytes: kinesis.bytes / kinesis.records },
        s3,
        landAtAwsWindow: landAtAwsWindow(shards),
      };
      return {
        result,
        summary: summary(result),
        targets: [
          {
            name: 'the lake holds every event sent over HTTP, once',
            target: `= ${totalEvents}`,
            actual: lake.distinctMessageIds,
            met: true,
          },
        ],
      };
    } finally {
      await stopPlatform();
      await removeDataDir();
    }
  },
};

interface Answer {
  /** 0 when no answer came (the connection failed). */
  readonly status: number;
  readonly latencyMs: number;
}

/**
 * Posts every request with at most `concurrency` in flight; latency runs from sending to the full answer. A
 * failed connection is an answer too, so nothing is still in flight when the platform is stopped afterwards.
 */
async function sendAll(baseUrl: string, requests: readonly BenchRequest[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      const request = requests[index] as BenchRequest;
      const sent = performance.now();
      const status = await fetch(`${baseUrl}${request.path}`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      answers.push({ status, latencyMs: performance.now() - sent });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

async function countLakeRows(lakeDir: string): Promise<Omit<EndToEndResult['lake'], 'holdsEverySentEvent'>> {
  const engine = await DuckDbSqlEngine.open({ lakeDir });
  try {
    const events = await engine.query(
      'select count(*) as events, count(distinct message_id) as ids from events',
    );
    const quarantine = await engine.query('select count(*) as rows from quarantine');
    return {
      events: Number(events.rows[0]?.events),
      distinctMessageIds: Number(events.rows[0]?.ids),
      quarantined: Number(quarantine.rows[0]?.rows),
    };
  } finally {
    await engine.close();
  }
}

function functionCounts(
  invocations: readonly Invocation[],
  name: Invocation['functionName'],
): FunctionCounts {
  const own = invocations.filter((invocation) => invocation.functionName === name);
  const durations = own.map((invocation) => invocation.durationMs);
  return {
    ...lambdaUsage(durations, functions[name].memoryMb),
    durationMs: distribution(durations),
    failed: own.filter((invocation) => invocation.failed).length,
  };
}

/**
 * Replays the stream's records through the topology's batching settings at the rate they arrived in this run.
 * Each record's payload size is computed as Lambda would serialise it, with an AWS-shaped stream ARN.
 */
function landAtAwsWindow(
  shards: ReadonlyMap<string, readonly ShardRecord[]>,
): EndToEndResult['landAtAwsWindow'] {
  const [trigger] = functions.land.triggers;
  const batches: SimulatedBatch[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let records = 0;
  for (const [shardId, shardRecords] of shards) {
    const source = {
      shardId,
      streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/CdpData-EventsStream-0123456789AB',
      region: 'us-east-1',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/CdpFunctions-LandServiceRole-0123456789AB',
    };
    const arrived: ArrivedRecord[] = shardRecords.map((record) => {
      const { table, dt } = lakeRecord(decodeEnvelope(record.data));
      return {
        arrivalMs: record.approximateArrival.getTime(),
        eventBytes: eventRecordBytes(record, source),
        partition: `${table.name}/${dt}`,
      };
    });
    for (const record of arrived) {
      first = Math.min(first, record.arrivalMs);
      last = Math.max(last, record.arrivalMs);
    }
    records += arrived.length;
    batches.push(
      ...simulateBatches(arrived, {
        batchSize: trigger.batchSize,
        windowSeconds: trigger.maxBatchingWindowSeconds,
        maxPayloadBytes,
        envelopeBytes: eventEnvelopeBytes,
      }),
    );
  }
  return {
    assumption:
      'records arrive as they did in this run; Lambda closes a batch at the batch size, the 6 MB payload limit or the window, whichever comes first; each batch lands one file and one marker per partition it touches',
    batchSize: trigger.batchSize,
    windowSeconds: trigger.maxBatchingWindowSeconds,
    arrivalEventsPerSecond: records / Math.max(0.001, (last - first) / 1000),
    invocations: batches.length,
    meanRecordsPerInvocation: records / batches.length,
    s3Puts: landingPuts(batches),
    closedBy: {
      batchSize: batches.filter((batch) => batch.closedBy === 'batchSize').length,
      payload: batches.filter((batch) => batch.closedBy === 'payload').length,
      window: batches.filter((batch) => batch.closedBy === 'window').length,
    },
  };
}

function bodyBytes(request: BenchRequest): number {
  return Buffer.byteLength(request.body, 'utf8');
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function summary(result: EndToEndResult): string[] {
  const {
    setup,
    timing,
    acceptLatencyMs: latency,
    kinesis,
    s3,
    land,
    collect,
    landAtAwsWindow: aws,
  } = result;
  return [
    `${count(setup.events)} events as ${count(result.requests.sent)} requests of ${setup.eventsPerRequest}, ` +
      `${setup.concurrency} in flight: accepted in ${timing.acceptSeconds.toFixed(1)} s ` +
      `(${count(timing.acceptedEventsPerSecond)} events/s), all landed in ${timing.landedSeconds.toFixed(1)} s ` +
      `(${count(timing.landedEventsPerSecond)} events/s)`,
    `accept latency p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)}`,
    `lake: ${count(result.lake.events)} rows, ${count(result.lake.distinctMessageIds)} distinct messageIds ` +
      `(= sent), ${count(result.lake.quarantined)} quarantined`,
    `collect: ${count(collect.invocations)} invocations, p50 ${ms(collect.durationMs.p50)}, ` +
      `p99 ${ms(collect.durationMs.p99)}; land: ${count(land.invocations)} invocations ` +
      `(${setup.localBatchingWindowSeconds} s local window), ${count(land.meanRecordsPerInvocation)} records each, ` +
      `p50 ${ms(land.durationMs.p50)}`,
    `kinesis: ${count(kinesis.records)} records, ${mib(kinesis.bytes)}, ${count(kinesis.putPayloadUnits)} PUT payload units; ` +
      `S3: ${count(s3.puts)} PUTs, ${count(s3.parquetFiles)} Parquet files, ${mib(s3.parquetBytes)}`,
    `land at the AWS ${aws.windowSeconds} s window (records arriving at ${count(aws.arrivalEventsPerSecond)}/s): ` +
      `${count(aws.invocations)} invocations of ${count(aws.meanRecordsPerInvocation)} records, ${count(aws.s3Puts)} PUTs`,
  ];
}
