import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../../functions/collect/app.ts';
import { KinesisEventStream } from '../../../shared/adapters/kinesis-event-stream.ts';
import type { EventStream, SourceRegistry } from '../../../shared/ports.ts';
import {
  basicAuth,
  FakeEventStream,
  FakeSourceRegistry,
  serverSource,
  silentLogger,
  webSource,
} from './fakes.ts';

interface RequestShape {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly sourceIp?: string;
}

/** An HTTP API (payload 2.0) event as API Gateway builds it. */
function apiEvent({
  method,
  path,
  headers = {},
  body,
  isBase64Encoded = false,
  sourceIp = '198.51.100.23',
}: RequestShape) {
  const writeKey = /\/projects\/([^/]+)\//.exec(path)?.[1];
  return {
    version: '2.0',
    routeKey: `${method} ${path.replace(/\/projects\/[^/]+\//, '/projects/{writeKey}/')}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'cdp.example.com', 'x-forwarded-proto': 'https', ...headers },
    ...(writeKey ? { pathParameters: { writeKey } } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'cdp.example.com',
      domainPrefix: 'cdp',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: 'request-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '01/May/2024:12:00:00 +0000',
      timeEpoch: 1_714_564_800_000,
    },
    isBase64Encoded,
    ...(body === undefined ? {} : { body }),
  } satisfies APIGatewayProxyEventV2;
}

function collector(
  stream: EventStream = new FakeEventStream(),
  sources: SourceRegistry = new FakeSourceRegistry(),
) {
  return createCollectHandler({
    sources,
    stream,
    privacy: { ip: 'truncate' },
    logger: silentLogger(),
    now: () => new Date('2024-05-01T12:00:00.000Z'),
  });
}

const server = { authorization: basicAuth(serverSource.writeKey), 'content-type': 'application/json' };
const browser = { origin: 'https://shop.example.com', 'content-type': 'text/plain' };

describe('collect handler: CORS', () => {
  it('answers a preflight generically, since it carries no write key', async () => {
    // Prepare
    const handle = collector();

    // Act
    const response = await handle(
      apiEvent({
        method: 'OPTIONS',
        path: '/v1/t',
        headers: { origin: 'https://any.example', 'access-control-request-method': 'POST' },
      }),
    );

    // Assess
    expect(response.statusCode).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': 'https://any.example',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, x-retry-count',
    });
  });

  it("echoes an allowed browser origin on the answer to the browser's text/plain request", async () => {
    // Prepare
    const stream = new FakeEventStream();
    const handle = collector(stream);

    // Act
    const response = await handle(
      apiEvent({
        method: 'POST',
        path: '/v1/t',
        headers: browser,
        body: JSON.stringify({ writeKey: webSource.writeKey, anonymousId: 'a1', event: 'Clicked' }),
      }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toEqual({ success: true });
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(stream.events()).toHaveLength(1);
  });

  it('answers 403 without CORS headers to a browser request from a disallowed origin, storing nothing', async () => {
    // Prepare
    const stream = new FakeEventStream();
    const handle = collector(stream);

    // Act
    const response = await handle(
      apiEvent({
        method: 'POST',
        path: '/v1/t',
        headers: { ...browser, origin: 'https://evil.example' },
        body: JSON.stringify({ writeKey: webSource.writeKey, anonymousId: 'a1', event: 'Clicked' }),
      }),
    );

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(stream.stored).toEqual([]);
  });
});

describe('collect handler: requests', () => {
  it('collects a Basic-authenticated track call on the long route, stamped with the injected clock', async () => {
    // Prepare
    const stream = new FakeEventStream();
    const handle = collector(stream);

    // Act
    const response = await handle(
      apiEvent({
        method: 'POST',
        path: '/v1/track',
        headers: server,
        body: '{"userId":"u1","event":"Signed Up"}',
      }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toEqual({ success: true });
    expect(stream.events()).toMatchObject([
      {
        type: 'track',
        userId: 'u1',
        receivedAt: '2024-05-01T12:00:00.000Z',
        context: { ip: '198.51.100.0' },
      },
    ]);
  });

  it('reads a base64-encoded body', async () => {
    // Prepare
    const stream = new FakeEventStream();
    const handle = collector(stream);
    const body = Buffer.from('{"userId":"u1","traits":{"plan":"pro"}}').toString('base64');

    // Act
    const response = await handle(
      apiEvent({ method: 'POST', path: '/v1/i', headers: server, body, isBase64Encoded: true }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(stream.events()).toMatchObject([{ type: 'identify', userId: 'u1', traits: { plan: 'pro' } }]);
  });

  it('answers 401 to an unknown write key', async () => {
    // Prepare
    const handle = collector();

    // Act
    const response = await handle(
      apiEvent({
        method: 'POST',
        path: '/v1/track',
        headers: { authorization: basicAuth('wk_nope') },
        body: '{"userId":"u1","event":"E"}',
      }),
    );

    // Assess
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body ?? '')).toEqual({ success: false, message: 'unknown write key' });
  });

  it('answers 400 naming the problem for unparseable JSON', async () => {
    // Prepare
    const handle = collector();

    // Act
    const response = await handle(
      apiEvent({ method: 'POST', path: '/v1/track', headers: server, body: '{"userId":' }),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').message).toMatch(/^request body is not valid JSON/);
  });

  it('answers 400 to a body over 500 KB', async () => {
    // Prepare
    const handle = collector();
    const body = JSON.stringify({ userId: 'u1', event: 'E', properties: { pad: 'x'.repeat(512_000) } });

    // Act
    const response = await handle(apiEvent({ method: 'POST', path: '/v1/batch', headers: server, body }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').message).toMatch(/the limit is 512000$/);
  });

  it('answers 400 naming the field to a single event that breaks the spec, after quarantining it', async () => {
    // Prepare
    const stream = new FakeEventStream();
    const handle = collector(stream);

    // Act
    const response = await handle(
      apiEvent({
        method: 'POST',
        path: '/v1/track',
        headers: server,
        body: '{"userId":"u1","messageId":"m-1"}',
      }),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '')).toEqual({
      success: false,
      message: 'event: track requires an event name',
      path: 'event',
      messageId: 'm-1',
    });
    expect(stream.quarantined()).toMatchObject([
      { messageId: 'm-1', reason: 'track requires an event name' },
    ]);
  });

  it('answers 200 to a batch with invalid items and lists them, storing them in the quarantine', async () => {
    // Prepare
    const stream = new FakeEventStream();
    const handle = collector(stream);
    const body = JSON.stringify({
      batch: [
        { type: 'track', userId: 'u1', event: 'A' },
        { type: 'track', userId: 'u1', messageId: 'm-2' },
      ],
    });

    // Act
    const response = await handle(apiEvent({ method: 'POST', path: '/v1/b', headers: server, body }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toEqual({
      success: true,
      rejected: [
        { index: 1, messageId: 'm-2', reason: 'track requires an event name', path: 'batch[1].event' },
      ],
    });
    expect(stream.envelopes().map((envelope) => envelope.schema)).toEqual([
      'cdp.event/1',
      'cdp.quarantine/1',
    ]);
  });

  it('takes a batch on /v1/import, where analytics-ruby and analytics-java post', async () => {
    // Prepare
    const stream = new FakeEventStream();
    const handle = collector(stream);
    const body = JSON.stringify({ batch: [{ type: 'identify', userId: 'u1', traits: { plan: 'pro' } }] });

    // Act
    const response = await handle(apiEvent({ method: 'POST', path: '/v1/import', headers: server, body }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(stream.envelopes().map((envelope) => envelope.schema)).toEqual(['cdp.event/1']);
  });

  it('answers a generic 500 without internals when something unexpected fails', async () => {
    // Prepare
    const broken: SourceRegistry = {
      byWriteKey: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:8000 table=sources')),
    };
    const handle = collector(new FakeEventStream(), broken);

    // Act
    const response = await handle(
      apiEvent({ method: 'POST', path: '/v1/track', headers: server, body: '{"userId":"u1","event":"E"}' }),
    );

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toEqual({ success: false, message: 'internal error' });
  });

  it('answers 404 to a path that is no collector route', async () => {
    // Prepare
    const handle = collector();

    // Act
    const response = await handle(
      apiEvent({ method: 'POST', path: '/v1/purchase', headers: server, body: '{}' }),
    );

    // Assess
    expect(response.statusCode).toBe(404);
  });
});

describe('collect handler: durability with Kinesis partial failures', () => {
  /** PutRecords answers scripted per call: the partition keys in a set fail with a throughput error. */
  function kinesis(...failingPerCall: string[][]) {
    const calls: string[][] = [];
    const client = {
      async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
        const keys = (command.input.Records ?? []).map((entry) => entry.PartitionKey ?? '');
        const failing = failingPerCall[calls.length] ?? [];
        calls.push(keys);
        return {
          $metadata: {},
          FailedRecordCount: keys.filter((key) => failing.includes(key)).length,
          Records: keys.map((key) =>
            failing.includes(key)
              ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }
              : { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
          ),
        };
      },
    };
    const stream = new KinesisEventStream({
      client,
      streamName: 'events',
      maxAttempts: 3,
      sleep: async () => {},
    });
    return { stream, calls };
  }

  const batch = JSON.stringify({
    batch: [
      { type: 'track', anonymousId: 'a1', event: 'A' },
      { type: 'track', anonymousId: 'a2', event: 'B' },
      { type: 'track', anonymousId: 'a3', event: 'C' },
    ],
  });

  it('answers 200 once the records a partial failure reported were stored on retry', async () => {
    // Prepare
    const { stream, calls } = kinesis(['a2']);
    const handle = collector(stream);

    // Act
    const response = await handle(
      apiEvent({ method: 'POST', path: '/v1/batch', headers: server, body: batch }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(calls).toEqual([['a1', 'a2', 'a3'], ['a2']]);
  });

  it('answers 503 with Retry-After, and not success, when a record is still not stored', async () => {
    // Prepare
    const { stream, calls } = kinesis(['a2'], ['a2'], ['a2']);
    const handle = collector(stream);

    // Act
    const response = await handle(
      apiEvent({
        method: 'POST',
        path: '/v1/b',
        headers: browser,
        body: JSON.stringify({ ...JSON.parse(batch), writeKey: webSource.writeKey }),
      }),
    );

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.headers['access-control-expose-headers']).toBe('retry-after');
    expect(JSON.parse(response.body ?? '')).toMatchObject({ success: false });
    expect(calls).toHaveLength(3);
  });
});

describe('collect handler: browser settings', () => {
  it('serves the settings with apiHost pointing back at the requested host', async () => {
    // Prepare
    const handle = collector();

    // Act
    const response = await handle(
      apiEvent({
        method: 'GET',
        path: `/v1/projects/${webSource.writeKey}/settings`,
        headers: { origin: 'https://shop.example.com' },
      }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    const settings = JSON.parse(response.body ?? '');
    expect(settings.integrations['Segment.io']).toMatchObject({
      apiKey: webSource.writeKey,
      apiHost: 'cdp.example.com/v1',
      protocol: 'https',
    });
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example.com');
  });

  it('keeps a stage prefix of the path and reports plain http for the local runtime on a loopback host', async () => {
    // Prepare
    const handle = collector();
    const event = apiEvent({ method: 'GET', path: `/local/v1/projects/${webSource.writeKey}/settings` });

    // Act
    const response = await handle({ ...event, headers: { host: 'localhost:4000' } });

    // Assess
    const settings = JSON.parse(response.body ?? '');
    expect(settings.integrations['Segment.io'].apiHost).toBe('localhost:4000/local/v1');
    expect(settings.integrations['Segment.io'].protocol).toBe('http');
  });

  it('answers 401 for an unknown key in the path', async () => {
    // Prepare
    const handle = collector();

    // Act
    const response = await handle(apiEvent({ method: 'GET', path: '/v1/projects/wk_nope/settings' }));

    // Assess
    expect(response.statusCode).toBe(401);
  });
});
