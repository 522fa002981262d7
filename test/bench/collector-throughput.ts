/**
 * The collector's handler on one core with no network: `createCollectHandler` driven in-process, one request at
 * a time, with a static source registry and a stream that only counts. What remains is the work the collector
 * itself does per request (parse, authenticate, validate, enrich, encode), measured as CPU time, which the cost
 * section turns into Lambda duration.
 */
import { Buffer } from 'node:buffer';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type CollectHandler, createCollectHandler } from '../../functions/collect/app.ts';
import { loadSettingsFile } from '../../shared/config/settings.ts';
import type { Source } from '../../shared/ports.ts';
import { apiGatewayRequestUnits, type StreamUsage } from './cost-model.ts';
import { count, mib, ms } from './format.ts';
import { CountingEventStream, StaticSourceRegistry } from './in-memory-ports.ts';
import { type BenchRequest, pageOrigin, SegmentTraffic } from './payloads.ts';
import type { BenchSection } from './report.ts';

export const batchSizes = [1, 10, 100] as const;
const warmupSecondsPerSize = 0.5;
const secondsPerSize = 3;
/** Distinct requests cycled through per batch size, so generating traffic is not part of the measurement. */
const eventsPerPool = 20_000;

export interface BatchThroughput {
  readonly eventsPerRequest: number;
  readonly requests: number;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly requestsPerSecond: number;
  /** User and system CPU time of the process per request (V8's GC threads included). */
  readonly cpuMsPerRequest: number;
  readonly cpuMsPerEvent: number;
  readonly meanRequestBytes: number;
  /** Requests as API Gateway meters them. */
  readonly apiRequests: number;
  readonly stream: StreamUsage & { readonly meanRecordBytes: number };
  /** V8 heap in use after a full GC at the end of the run: what stays live, the request pool included. */
  readonly heapUsedBytes: number;
  /** The most V8 heap in use during the run, sampled, garbage awaiting collection included. */
  readonly heapUsedPeakBytes: number;
  /** The request bodies cycled through, held for the whole run. */
  readonly requestPoolBytes: number;
  readonly rssBytes: number;
}

export interface CollectorThroughputResult {
  readonly setup: string;
  readonly warmupSecondsPerSize: number;
  readonly secondsPerSize: number;
  readonly batches: readonly BatchThroughput[];
}

const webSource: Source = {
  name: 'website',
  channel: 'web',
  writeKey: 'wk_bench_web',
  allowedOrigins: [pageOrigin],
};
const serverSource: Source = {
  name: 'backend',
  channel: 'server',
  writeKey: 'wk_bench_server',
  allowedOrigins: [],
};

export const collectorThroughput: BenchSection<CollectorThroughputResult> = {
  name: 'collectorThroughput',
  title: 'Collector handler throughput (in-process, one core, no network)',
  async run(context) {
    const collectGarbage = garbageCollector();
    const stream = new CountingEventStream();
    const handler = createCollectHandler({
      sources: new StaticSourceRegistry([webSource, serverSource]),
      stream,
      privacy: loadSettingsFile(resolve(context.repoRoot, 'cdp.config.json')).privacy,
      logger: new Logger({ serviceName: 'collect-bench', logLevel: 'SILENT' }),
    });
    for (const size of batchSizes)
      await drive(handler, requestPool(size, 2_000), warmupSecondsPerSize, stream);

    const batches: BatchThroughput[] = [];
    for (const size of batchSizes) {
      const pool = requestPool(size, eventsPerPool);
      collectGarbage();
      const run = await drive(handler, pool, secondsPerSize, stream);
      collectGarbage();
      const usage = stream.usage();
      const seconds = run.wallMs / 1000;
      batches.push({
        eventsPerRequest: size,
        requests: run.requests,
        events: run.requests * size,
        seconds,
        eventsPerSecond: (run.requests * size) / seconds,
        requestsPerSecond: run.requests / seconds,
        cpuMsPerRequest: run.cpuMs / run.requests,
        cpuMsPerEvent: run.cpuMs / (run.requests * size),
        meanRequestBytes: run.requestBytes / run.requests,
        apiRequests: run.apiRequests,
        stream: { ...usage, meanRecordBytes: usage.bytes / usage.records },
        heapUsedBytes: process.memoryUsage().heapUsed,
        heapUsedPeakBytes: run.heapUsedPeakBytes,
        requestPoolBytes: pool.reduce((total, request) => total + request.bytes, 0),
        rssBytes: process.memoryUsage().rss,
      });
    }
    return {
      result: {
        setup:
          'createCollectHandler awaited one request at a time on the main thread; static source registry; a stream that counts records; half the requests analytics-node /v1/batch, half analytics.js /v1/b',
        warmupSecondsPerSize,
        secondsPerSize,
        batches,
      },
      summary: batches.map(
        (batch) =>
          `${String(batch.eventsPerRequest).padStart(3)} events/request: ${count(batch.eventsPerSecond)} events/s, ` +
          `${count(batch.requestsPerSecond)} requests/s, ${ms(batch.cpuMsPerRequest)} CPU/request, ` +
          `${count(batch.meanRequestBytes)} B/request, ${count(batch.stream.meanRecordBytes)} B/record, ` +
          `heap ${mib(batch.heapUsedBytes)} live after GC (${mib(batch.requestPoolBytes)} of it the request pool), ` +
          `${mib(batch.heapUsedPeakBytes)} peak`,
      ),
    };
  },
};

interface PooledRequest {
  readonly event: APIGatewayProxyEventV2;
  readonly bytes: number;
}

function requestPool(eventsPerRequest: number, events: number): PooledRequest[] {
  const traffic = new SegmentTraffic(
    { server: serverSource.writeKey, web: webSource.writeKey },
    eventsPerRequest,
  );
  return Array.from({ length: Math.max(50, Math.ceil(events / eventsPerRequest)) }, (_, index) => {
    const request = traffic.next(eventsPerRequest);
    return { event: apiGatewayEvent(request, index), bytes: Buffer.byteLength(request.body, 'utf8') };
  });
}

interface DriveResult {
  readonly requests: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly requestBytes: number;
  readonly apiRequests: number;
  readonly heapUsedPeakBytes: number;
}

/** Sends pooled requests one after the other for `seconds`; every one must be accepted whole. */
async function drive(
  handler: CollectHandler,
  pool: readonly PooledRequest[],
  seconds: number,
  stream: CountingEventStream,
): Promise<DriveResult> {
  stream.reset();
  let requests = 0;
  let requestBytes = 0;
  let apiRequests = 0;
  let heapUsedPeakBytes = process.memoryUsage().heapUsed;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  do {
    const request = pool[requests % pool.length];
    if (request === undefined) throw new Error('empty request pool');
    const answer = await handler(request.event);
    if (answer.statusCode !== 200 || answer.body !== '{"success":true}') {
      throw new Error(
        `the collector did not accept a benchmark request: ${answer.statusCode} ${answer.body}`,
      );
    }
    requests += 1;
    requestBytes += request.bytes;
    apiRequests += apiGatewayRequestUnits(request.bytes);
    if (requests % 256 === 0) heapUsedPeakBytes = Math.max(heapUsedPeakBytes, process.memoryUsage().heapUsed);
  } while (performance.now() < deadline);
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return {
    requests,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    requestBytes,
    apiRequests,
    heapUsedPeakBytes,
  };
}

/**
 * A full garbage collection on demand, so the heap figure is what the collector keeps live rather than garbage
 * V8 has not collected yet. `npm run bench` cannot pass `--expose-gc`, so the flag is set at run time.
 */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The payload-2.0 event API Gateway would hand the function for this request. */
function apiGatewayEvent(request: BenchRequest, index: number): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `POST ${request.path}`,
    rawPath: request.path,
    rawQueryString: '',
    headers: {
      host: 'collect.example.com',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '203.0.113.7',
      'content-length': String(Buffer.byteLength(request.body, 'utf8')),
      ...request.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'collect.example.com',
      domainPrefix: 'collect',
      http: {
        method: 'POST',
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: `bench-${index}`,
      routeKey: `POST ${request.path}`,
      stage: '$default',
      time: '22/Nov/2026:12:00:00 +0000',
      timeEpoch: 1_795_348_800_000,
    },
    isBase64Encoded: false,
    body: request.body,
  };
}
