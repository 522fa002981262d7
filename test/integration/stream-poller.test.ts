import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import kinesalite from 'kinesalite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KinesisFailureRecord } from '../../infra/local/failure-record.ts';
import {
  type PollerLogger,
  StreamPoller,
  type StreamPollerOptions,
} from '../../infra/local/stream-poller.ts';
import type { StreamTrigger } from '../../infra/topology.ts';
import { MemoryObjectStore } from '../unit/lake/memory-object-store.ts';

const region = 'us-east-1';
let server: Server;
let client: KinesisClient;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // Every test creates its own stream; kinesalite allows only 10 shards in all by default.
  server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // HTTP/1.1 and fixed credentials: kinesalite speaks no HTTP/2 and checks no signatures.
  client = new KinesisClient({
    endpoint: `http://127.0.0.1:${port}`,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 }),
  });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

const silent: PollerLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let streams = 0;

/** A fresh stream, so each test reads only its own records; resolves with its ARN once it is active. */
async function createStream(shards = 1): Promise<{ streamName: string; streamArn: string }> {
  streams += 1;
  const streamName = `poller-test-${streams}`;
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN)
      return { streamName, streamArn: summary.StreamARN };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`stream ${streamName} did not become active`);
}

/** Puts records in one PutRecords call; each is `[partitionKey, data]`. */
async function put(streamName: string, records: readonly (readonly [string, string])[]): Promise<void> {
  const output = await client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: records.map(([key, data]) => ({ PartitionKey: key, Data: new TextEncoder().encode(data) })),
    }),
  );
  expect(output.FailedRecordCount ?? 0).toBe(0);
}

function trigger(settings: Partial<StreamTrigger> = {}): StreamTrigger {
  return {
    kind: 'stream',
    stream: 'events',
    batchSize: 10,
    maxBatchingWindowSeconds: 30,
    retryAttempts: 2,
    maxRecordAgeSeconds: 3600,
    bisectBatchOnError: false,
    parallelizationFactor: 1,
    onFailure: { bucket: 'lake' },
    ...settings,
  };
}

type Handler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | undefined>;

interface PollerUnderTest {
  readonly poller: StreamPoller;
  readonly destination: MemoryObjectStore;
  readonly checkpointDir: string;
}

async function pollerFor(
  stream: { streamName: string; streamArn: string },
  handler: Handler,
  options: Partial<StreamPollerOptions> & { checkpointDir?: string } = {},
): Promise<PollerUnderTest> {
  const checkpointDir = options.checkpointDir ?? (await mkdtemp(join(tmpdir(), 'cdp-poller-')));
  const destination = new MemoryObjectStore();
  const poller = new StreamPoller({
    functionName: 'consumer',
    trigger: trigger(),
    timeoutSeconds: 10,
    client,
    region,
    handler,
    failureDestination: destination,
    batchingWindowSeconds: 0.2,
    pollIntervalMs: 50,
    logger: silent,
    ...stream,
    ...options,
    checkpointDir,
  });
  cleanups.push(async () => {
    await poller.stop();
    await rm(checkpointDir, { recursive: true, force: true });
  });
  return { poller, destination, checkpointDir };
}

const dataOf = (event: KinesisStreamEvent) =>
  event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString());

/** A handler that remembers the data of every batch it is given and answers with `respond`. */
function recordingHandler(
  respond: (event: KinesisStreamEvent, call: number) => KinesisStreamBatchResponse | undefined = () =>
    undefined,
) {
  const batches: string[][] = [];
  const handler: Handler = async (event) => {
    batches.push(dataOf(event));
    return respond(event, batches.length);
  };
  return { handler, batches };
}

const failWhenBatchHas =
  (data: string) =>
  (event: KinesisStreamEvent): undefined => {
    if (dataOf(event).includes(data)) throw new Error(`cannot process ${data}`);
    return undefined;
  };

async function failureRecords(
  destination: MemoryObjectStore,
): Promise<{ key: string; record: KinesisFailureRecord }[]> {
  return Promise.all(
    destination.keys().map(async (key) => {
      const body = await destination.get(key);
      return {
        key,
        record: JSON.parse(Buffer.from(body ?? new Uint8Array()).toString()) as KinesisFailureRecord,
      };
    }),
  );
}

describe('StreamPoller', () => {
  it('delivers every partition key in order across batches, one batch in flight per shard', async () => {
    // Prepare
    const stream = await createStream(2);
    const seen = new Map<string, number[]>();
    const inFlight = new Map<string, number>();
    let mostInFlightOnOneShard = 0;
    const batchSizes: number[] = [];
    const { poller } = await pollerFor(
      stream,
      async (event) => {
        const shardId = event.Records[0]?.eventID.split(':')[0] ?? '';
        inFlight.set(shardId, (inFlight.get(shardId) ?? 0) + 1);
        mostInFlightOnOneShard = Math.max(mostInFlightOnOneShard, inFlight.get(shardId) ?? 0);
        batchSizes.push(event.Records.length);
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const record of event.Records) {
          const [key, value] = Buffer.from(record.kinesis.data, 'base64').toString().split('=');
          seen.set(key ?? '', [...(seen.get(key ?? '') ?? []), Number(value)]);
        }
        inFlight.set(shardId, (inFlight.get(shardId) ?? 0) - 1);
        return undefined;
      },
      { trigger: trigger({ batchSize: 4 }) },
    );
    await poller.start();

    // Act
    for (let round = 0; round < 3; round += 1) {
      const records: [string, string][] = [];
      for (let index = 0; index < 5; index += 1) {
        for (const key of ['alice', 'bob', 'carol', 'dave'])
          records.push([key, `${key}=${round * 5 + index}`]);
      }
      await put(stream.streamName, records);
    }
    await poller.idle();

    // Assess
    const inOrder = Array.from({ length: 15 }, (_, index) => index);
    expect(Object.fromEntries(seen)).toEqual({ alice: inOrder, bob: inOrder, carol: inOrder, dave: inOrder });
    expect(mostInFlightOnOneShard).toBe(1);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(4);
  });

  it('caps a batch at the 6 MB Lambda takes in one invocation, below the batch size', async () => {
    // Prepare: seven records of 1,000,000 bytes each take about 1.33 MB of the event once in base64.
    const stream = await createStream();
    const big = (name: string) => [name, name.padEnd(1_000_000, '.')] as const;
    for (const pair of [['a', 'b'], ['c', 'd'], ['e', 'f'], ['g']])
      await put(stream.streamName, pair.map(big));
    const eventBytes: number[] = [];
    const consumer = recordingHandler((event) => {
      eventBytes.push(Buffer.byteLength(JSON.stringify(event)));
      return undefined;
    });
    const { poller } = await pollerFor(stream, consumer.handler, { trigger: trigger({ batchSize: 10 }) });

    // Act
    await poller.start();
    await poller.idle();

    // Assess
    expect(consumer.batches.map((batch) => batch.map((data) => data.charAt(0)))).toEqual([
      ['a', 'b', 'c', 'd'],
      ['e', 'f', 'g'],
    ]);
    expect(Math.max(...eventBytes)).toBeLessThanOrEqual(6 * 1024 * 1024);
  });

  it('resumes a partial batch failure at the lowest failed sequence number', async () => {
    // Prepare
    const stream = await createStream();
    await put(stream.streamName, [
      ['k', 'r0'],
      ['k', 'r1'],
      ['k', 'r2'],
      ['k', 'r3'],
      ['k', 'r4'],
      ['k', 'r5'],
    ]);
    const consumer = recordingHandler((event, call) => {
      if (call > 1) return undefined;
      const [, , r2, , r4] = event.Records.map((record) => record.kinesis.sequenceNumber);
      return { batchItemFailures: [{ itemIdentifier: r4 ?? '' }, { itemIdentifier: r2 ?? '' }] };
    });
    const { poller, destination } = await pollerFor(stream, consumer.handler);

    // Act
    await poller.start();
    await poller.idle();

    // Assess
    expect(consumer.batches).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'],
      ['r2', 'r3', 'r4', 'r5'],
    ]);
    expect(destination.keys()).toEqual([]);
  });

  it('isolates a poison record by bisecting and sends only it to the failure destination, with the payload', async () => {
    // Prepare
    const stream = await createStream();
    const data = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
    await put(
      stream.streamName,
      data.map((value) => ['k', value] as const),
    );
    const consumer = recordingHandler(failWhenBatchHas('r5'));
    const { poller, destination } = await pollerFor(stream, consumer.handler, {
      trigger: trigger({ batchSize: 8, bisectBatchOnError: true, retryAttempts: 2 }),
    });

    // Act
    await poller.start();
    await poller.idle();

    // Assess: the split batches first, then the poison record once and twice again (the two retries).
    expect(consumer.batches).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      ['r0', 'r1', 'r2', 'r3'],
      ['r4', 'r5', 'r6', 'r7'],
      ['r4', 'r5'],
      ['r4'],
      ['r5'],
      ['r5'],
      ['r5'],
      ['r6', 'r7'],
    ]);
    const [failure, ...others] = await failureRecords(destination);
    expect(others).toEqual([]);
    expect(failure?.key).toMatch(
      new RegExp(
        `^aws/lambda/${poller.mappingId}/shardId-000000000000/\\d{4}/\\d{2}/\\d{2}/` +
          '\\d{4}-\\d{2}-\\d{2}T\\d{2}\\.\\d{2}\\.\\d{2}-[0-9a-f-]{36}$',
      ),
    );
    const poison = failure?.record.payload.Records[0];
    expect(failure?.record).toMatchObject({
      requestContext: {
        functionArn: expect.stringMatching(/^arn:aws:lambda:us-east-1:\d+:function:consumer$/),
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 6,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: poison?.kinesis.sequenceNumber,
        endSequenceNumber: poison?.kinesis.sequenceNumber,
        batchSize: 1,
        streamArn: stream.streamArn,
      },
    });
    expect(failure?.record.payload.Records).toHaveLength(1);
    expect(poison).toMatchObject({
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'k', data: Buffer.from('r5').toString('base64') },
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      eventSourceARN: stream.streamArn,
      awsRegion: region,
    });
  });

  it('retries a failing batch a bounded number of times, then moves past it', async () => {
    // Prepare
    const stream = await createStream();
    await put(stream.streamName, [
      ['k', 'a'],
      ['k', 'bad'],
      ['k', 'c'],
    ]);
    const consumer = recordingHandler(failWhenBatchHas('bad'));
    const { poller, destination } = await pollerFor(stream, consumer.handler, {
      trigger: trigger({ retryAttempts: 2 }),
    });
    await poller.start();
    await poller.idle();

    // Act
    await put(stream.streamName, [['k', 'd']]);
    await poller.idle();

    // Assess: one invocation and two retries of the whole batch, then the next record.
    expect(consumer.batches).toEqual([['a', 'bad', 'c'], ['a', 'bad', 'c'], ['a', 'bad', 'c'], ['d']]);
    const failures = await failureRecords(destination);
    expect(
      failures.map(({ record }) => [record.requestContext.approximateInvokeCount, dataOf(record.payload)]),
    ).toEqual([[3, ['a', 'bad', 'c']]]);
  });

  it('counts a handler that runs past its timeout as a function error and retries it', async () => {
    // Prepare
    const stream = await createStream();
    await put(stream.streamName, [['k', 'slow']]);
    const batches: string[][] = [];
    const { poller, destination } = await pollerFor(
      stream,
      async (event) => {
        batches.push(dataOf(event));
        // The first invocation never finishes; Lambda would cut it off at the timeout.
        if (batches.length === 1) await new Promise(() => undefined);
        return undefined;
      },
      { timeoutSeconds: 0.3 },
    );

    // Act
    await poller.start();
    await poller.idle();

    // Assess
    expect(batches).toEqual([['slow'], ['slow']]);
    expect(destination.keys()).toEqual([]);
  });

  it('resumes after a restart from the checkpoint, and replays the stream after a reset', async () => {
    // Prepare
    const stream = await createStream();
    const first = recordingHandler();
    const before = await pollerFor(stream, first.handler);
    await before.poller.start();
    await put(stream.streamName, [
      ['k', 'r0'],
      ['k', 'r1'],
      ['k', 'r2'],
    ]);
    await before.poller.idle();
    await before.poller.stop();
    const second = recordingHandler();
    const after = await pollerFor(stream, second.handler, { checkpointDir: before.checkpointDir });

    // Act
    await after.poller.start();
    await put(stream.streamName, [
      ['k', 'r3'],
      ['k', 'r4'],
    ]);
    await after.poller.idle();
    const beforeReset = second.batches.flat();
    await after.poller.resetCheckpoints();
    await after.poller.idle();

    // Assess
    expect(first.batches.flat()).toEqual(['r0', 'r1', 'r2']);
    expect(beforeReset).toEqual(['r3', 'r4']);
    expect(second.batches.flat()).toEqual(['r3', 'r4', 'r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('lets the invocation under way finish and checkpoint before stop resolves', async () => {
    // Prepare
    const stream = await createStream();
    const events: string[] = [];
    let entered: () => void = () => {};
    const handlerEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release: () => void = () => {};
    const handlerReleased = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { poller, checkpointDir } = await pollerFor(stream, async () => {
      entered();
      await handlerReleased;
      events.push('handler finished');
      return undefined;
    });
    await poller.start();
    await put(stream.streamName, [['k', 'r0']]);
    await handlerEntered;

    // Act
    const stopping = poller.stop().then(() => events.push('stop resolved'));
    release();
    await stopping;

    // Assess
    expect(events).toEqual(['handler finished', 'stop resolved']);
    const afterRestart = recordingHandler();
    const restarted = await pollerFor(stream, afterRestart.handler, { checkpointDir });
    await restarted.poller.start();
    await restarted.poller.idle();
    expect(afterRestart.batches).toEqual([]);
  });

  it('refuses to wait for a poller that is not running', async () => {
    // Prepare
    const stream = await createStream();
    const { poller } = await pollerFor(stream, recordingHandler().handler);

    // Act
    const waiting = poller.idle();

    // Assess
    await expect(waiting).rejects.toThrow('is not running');
  });

  it('logs that the local batching window differs from the configured one', async () => {
    // Prepare
    const stream = await createStream();
    const messages: string[] = [];
    const logger: PollerLogger = { ...silent, info: (message) => messages.push(message) };
    const { poller } = await pollerFor(stream, recordingHandler().handler, {
      logger,
      batchingWindowSeconds: 0.5,
    });

    // Act
    await poller.start();

    // Assess
    expect(messages).toContain('batching window overridden');
  });
});
