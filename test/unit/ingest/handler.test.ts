import { Buffer } from 'node:buffer';
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createIngestHandler, type IngestHandlerDependencies } from '../../../functions/ingest/app.ts';
import type { IngestSource } from '../../../shared/import/ingest-sources.ts';
import { parseMapping } from '../../../shared/import/mapping.ts';
import type { Source } from '../../../shared/ports.ts';
import { basicAuth, FakeEventStream, FakeSourceRegistry, silentLogger } from '../collect/fakes.ts';
import { readyMapping } from '../import/helpers.ts';

const posSource: Source = { name: 'pos', channel: 'pos', writeKey: 'wk_pos', allowedOrigins: [] };
const espSource: Source = { name: 'esp', channel: 'email', writeKey: 'wk_esp', allowedOrigins: [] };
const now = new Date('2026-11-22T12:00:00Z');
const nowSeconds = String(now.getTime() / 1000);
const hookSecret = 'whs_test';

function setup(overrides: Partial<IngestHandlerDependencies> = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const verificationKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const ingestSources = new Map<string, IngestSource>([
    ['pos', { name: 'pos', channel: 'pos', mapping: readyMapping('pos'), mappingName: 'mappings/pos.json' }],
    [
      'esp',
      { name: 'esp', channel: 'email', mapping: readyMapping('esp'), mappingName: 'mappings/esp.json' },
    ],
    [
      'sendgrid',
      {
        name: 'sendgrid',
        channel: 'email',
        mapping: readyMapping('sendgrid'),
        mappingName: 'mappings/sendgrid.json',
        webhook: { kind: 'sendgrid', secret: verificationKey },
      },
    ],
    [
      'hooks',
      {
        name: 'hooks',
        channel: 'server',
        mapping: parseMapping(
          {
            source: 'hooks',
            input: { format: 'ndjson' },
            naturalKey: ['id'],
            fields: {
              event: { column: 'type' },
              timestamp: { column: 'at' },
              userId: { column: 'customer' },
              'properties.plan': { column: 'plan' },
            },
          },
          'test',
        ),
        mappingName: 'mappings/hooks.json',
        webhook: { kind: 'generic', secret: hookSecret },
      },
    ],
  ]);
  const stream = new FakeEventStream();
  const handler = createIngestHandler({
    sources: new FakeSourceRegistry([posSource, espSource]),
    ingestSources,
    stream,
    privacy: 'truncate',
    logger: silentLogger(),
    now: () => now,
    ...overrides,
  });
  return { handler, stream, privateKey };
}

function request(
  route: 'import' | 'webhooks',
  source: string,
  body: string | Buffer,
  headers: Record<string, string>,
): APIGatewayProxyEventV2 {
  const binary = typeof body !== 'string';
  return {
    version: '2.0',
    routeKey: `POST /v1/${route}/{source}`,
    rawPath: `/v1/${route}/${source}`,
    rawQueryString: '',
    headers,
    pathParameters: { source },
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'cdp.example.com',
      domainPrefix: 'cdp',
      http: {
        method: 'POST',
        path: `/v1/${route}/${source}`,
        protocol: 'HTTP/1.1',
        sourceIp: '198.51.100.23',
        userAgent: 'etl',
      },
      requestId: 'req-1',
      routeKey: `POST /v1/${route}/{source}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: binary ? body.toString('base64') : body,
    isBase64Encoded: binary,
  };
}

const csvHeader =
  'order_id,order_time,store_id,member_id,phone,email,sku,product_name,category,unit_price,qty,order_total,currency,payment\n';
const goodOrder = 'B-1,2024-03-01 09:30:00,S01,M-1,,,TEA-01,Green tea,Tea,12.50,2,25.00,CNY,cash\n';
const negativeQuantity = 'B-2,2024-03-02 10:00:00,S01,M-2,,,TEA-01,Green tea,Tea,12.50,-1,12.50,CNY,cash\n';
const espLines =
  '{"event_id":"e1","event":"delivered","email":"ann@example.com","timestamp":1709280000,"message_id":"m1"}\n' +
  '{"event_id":"e2","event":"open","email":"ann@example.com","timestamp":1709283600,"message_id":"m1"}\n';
const csv = { authorization: basicAuth('wk_pos'), 'content-type': 'text/csv' };
const ndjson = { authorization: basicAuth('wk_esp'), 'content-type': 'application/x-ndjson' };

describe('POST /v1/import/{source}', () => {
  it('imports a CSV body through the source mapping and answers 207 with the rejected row', async () => {
    // Prepare
    const { handler, stream } = setup();

    // Act
    const response = await handler(request('import', 'pos', csvHeader + goodOrder + negativeQuantity, csv));

    // Assess: 09:30 in Shanghai (UTC+8) is 01:30Z.
    const body = JSON.parse(response.body as string);
    expect(response.statusCode).toBe(207);
    expect(body.rows).toEqual({ read: 2, imported: 1, duplicates: 0, rejected: 1 });
    expect(body.rejectedByReason).toEqual({ 'properties.products[].quantity: must not be negative': 1 });
    expect(body.rejects).toEqual([
      {
        record: 2,
        field: 'properties.products[].quantity',
        reason: 'must not be negative',
        value: '-1',
        raw: negativeQuantity.trimEnd(),
      },
    ]);
    expect(body.rejectsLeftOut).toBe(0);
    const [event] = stream.events();
    expect(stream.events()).toHaveLength(1);
    expect(event).toMatchObject({
      event: 'Order Completed',
      userId: 'M-1',
      timestamp: '2024-03-01T01:30:00.000Z',
      properties: { order_id: 'B-1', total: 25 },
    });
  });

  it('answers 422 when every row is rejected, and lists at most maxRejects of them', async () => {
    // Prepare
    const { handler, stream } = setup({ maxRejects: 1 });
    const third = negativeQuantity.replace('B-2', 'B-3');

    // Act
    const response = await handler(request('import', 'pos', csvHeader + negativeQuantity + third, csv));

    // Assess
    const body = JSON.parse(response.body as string);
    expect(response.statusCode).toBe(422);
    expect(body.rows).toEqual({ read: 2, imported: 0, duplicates: 0, rejected: 2 });
    expect(body.rejects.map((reject: { record: number }) => reject.record)).toEqual([1]);
    expect(body.rejectsLeftOut).toBe(1);
    expect(stream.events()).toEqual([]);
  });

  it('imports an NDJSON body with 200, and the same body again with the same messageIds', async () => {
    // Prepare
    const { handler, stream } = setup();

    // Act
    const first = await handler(request('import', 'esp', espLines, ndjson));
    const second = await handler(request('import', 'esp', espLines, ndjson));

    // Assess: 1709280000 is 2024-03-01T08:00:00Z.
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    const events = stream.events();
    expect(events.map((event) => [event.event, event.timestamp])).toEqual([
      ['Email Delivered', '2024-03-01T08:00:00.000Z'],
      ['Email Opened', '2024-03-01T09:00:00.000Z'],
      ['Email Delivered', '2024-03-01T08:00:00.000Z'],
      ['Email Opened', '2024-03-01T09:00:00.000Z'],
    ]);
    expect(events[2]?.messageId).toBe(events[0]?.messageId);
    expect(events[3]?.messageId).toBe(events[1]?.messageId);
    expect(events[0]?.messageId).not.toBe(events[1]?.messageId);
  });

  it('inflates a gzipped body', async () => {
    // Prepare
    const { handler, stream } = setup();
    const gzipped = gzipSync(Buffer.from(espLines));

    // Act
    const response = await handler(
      request('import', 'esp', gzipped, { ...ndjson, 'content-encoding': 'gzip' }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(stream.events().map((event) => event.event)).toEqual(['Email Delivered', 'Email Opened']);
  });

  it('answers 413 with the way for larger files when the body is over the limit', async () => {
    // Prepare
    const { handler, stream } = setup({ maxBodyBytes: 100 });

    // Act
    const response = await handler(request('import', 'esp', espLines, ndjson));

    // Assess
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body as string).message).toMatch(/imports\/<source>\//);
    expect(stream.events()).toEqual([]);
  });

  it('answers 401 without a write key or with an unknown one, and 403 with another source key', async () => {
    // Prepare
    const { handler, stream } = setup();

    // Act
    const none = await handler(request('import', 'pos', goodOrder, { 'content-type': 'text/csv' }));
    const unknown = await handler(
      request('import', 'pos', goodOrder, { ...csv, authorization: basicAuth('wk_nope') }),
    );
    const other = await handler(
      request('import', 'pos', goodOrder, { ...csv, authorization: basicAuth('wk_esp') }),
    );

    // Assess
    expect([none.statusCode, unknown.statusCode, other.statusCode]).toEqual([401, 401, 403]);
    expect(none.headers['www-authenticate']).toBe('Basic realm="cdp"');
    expect(stream.events()).toEqual([]);
  });

  it('answers 415 for a body that is neither CSV nor NDJSON', async () => {
    // Prepare
    const { handler } = setup();

    // Act
    const response = await handler(
      request('import', 'esp', espLines, { ...ndjson, 'content-type': 'application/json' }),
    );

    // Assess
    expect(response.statusCode).toBe(415);
  });

  it('answers 400 naming the problem when the body is not what its content type says', async () => {
    // Prepare: a header row without the mapping's columns, then a quote that never closes.
    const { handler, stream } = setup();

    // Act
    const missingColumns = await handler(request('import', 'pos', 'a,b\n1,2\n', csv));
    const unclosedQuote = await handler(request('import', 'pos', `${csvHeader}"B-1,2024\n`, csv));

    // Assess
    expect(missingColumns.statusCode).toBe(400);
    expect(JSON.parse(String(missingColumns.body)).message).toMatch(/column/);
    expect(unclosedQuote.statusCode).toBe(400);
    expect(JSON.parse(String(unclosedQuote.body)).message).toMatch(/not valid CSV/);
    expect(stream.stored).toEqual([]);
  });

  it('answers 503 when the stream does not take the events', async () => {
    // Prepare
    const { handler } = setup({ stream: { put: async (records) => ({ failed: records }) } });

    // Act
    const response = await handler(request('import', 'esp', espLines, ndjson));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
  });

  it('answers 503, not 500, when putting on the stream throws', async () => {
    // Prepare
    const { handler } = setup({
      stream: {
        put: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
      },
    });

    // Act
    const response = await handler(request('import', 'esp', espLines, ndjson));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(String(response.body)).not.toContain('ProvisionedThroughput');
  });
});

describe('POST /v1/webhooks/{source}: SendGrid', () => {
  const sendGridEvents = [
    ['processed', 'Email Sent'],
    ['deferred', 'Email Deferred'],
    ['delivered', 'Email Delivered'],
    ['open', 'Email Opened'],
    ['click', 'Email Link Clicked'],
    ['bounce', 'Email Bounced'],
    ['dropped', 'Email Bounced'],
    ['spamreport', 'Email Marked as Spam'],
    ['unsubscribe', 'Unsubscribed'],
    ['group_unsubscribe', 'Unsubscribed'],
  ] as const;
  const payload = JSON.stringify(
    sendGridEvents.map(([event], index) => ({
      email: 'Ann@Example.com',
      timestamp: 1795345200 + index,
      event,
      sg_event_id: `sg-${index}`,
      sg_message_id: 'msg-1.filter',
      ...(event === 'click' ? { url: 'https://shop.example.com/sale' } : {}),
      ...(event === 'bounce' ? { type: 'blocked', reason: '550 no such user' } : {}),
    })),
  );
  const signed = (
    privateKey: ReturnType<typeof setup>['privateKey'],
    body: string,
    timestamp = nowSeconds,
  ) => ({
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(timestamp + body), {
      key: privateKey,
      dsaEncoding: 'der',
    }).toString('base64'),
    'x-twilio-email-event-webhook-timestamp': timestamp,
  });

  it('maps every SendGrid event type to its email spec event, with the messageId from sg_event_id', async () => {
    // Prepare
    const { handler, stream, privateKey } = setup();

    // Act
    const response = await handler(request('webhooks', 'sendgrid', payload, signed(privateKey, payload)));

    // Assess: 1795345200 is 2026-11-22T11:00:00Z, an hour before now.
    expect(response.statusCode).toBe(200);
    const events = stream.events();
    expect(events.map((event) => event.event)).toEqual(sendGridEvents.map(([, name]) => name));
    const messageId = (key: string) =>
      `imp-${createHash('sha256').update('sendgrid').update('\u0000').update(key).digest('hex')}`;
    expect(events.map((event) => event.messageId)).toEqual(
      sendGridEvents.map((_, index) => messageId(`sg-${index}`)),
    );
    expect(events[0]).toMatchObject({
      type: 'track',
      timestamp: '2026-11-22T11:00:00.000Z',
      // The mapping hashes the id it builds from the email, so the lake's anonymous_id holds no address.
      anonymousId: createHash('sha256').update('email-ann@example.com').digest('hex'),
      context: { traits: { email: 'ann@example.com' } },
      properties: { email_id: 'msg-1.filter', provider_event: 'processed' },
    });
    expect(events[4]?.properties).toMatchObject({ link_url: 'https://shop.example.com/sale' });
    expect(events[5]?.properties).toMatchObject({ bounce_type: 'blocked', reason: '550 no such user' });
  });

  it('refuses a tampered body and a stale timestamp with 401, importing nothing', async () => {
    // Prepare
    const { handler, stream, privateKey } = setup();
    const stale = String(now.getTime() / 1000 - 301);

    // Act
    const tampered = await handler(
      request('webhooks', 'sendgrid', payload.replace('"open"', '"click"'), signed(privateKey, payload)),
    );
    const old = await handler(request('webhooks', 'sendgrid', payload, signed(privateKey, payload, stale)));

    // Assess
    expect(tampered.statusCode).toBe(401);
    expect(old.statusCode).toBe(401);
    expect(stream.events()).toEqual([]);
  });

  it('answers 404 for a source that takes no webhooks', async () => {
    // Prepare
    const { handler, privateKey } = setup();

    // Act
    const response = await handler(request('webhooks', 'pos', payload, signed(privateKey, payload)));

    // Assess
    expect(response.statusCode).toBe(404);
  });
});

describe('POST /v1/webhooks/{source}: generic', () => {
  const body = JSON.stringify({
    id: 'evt-9',
    type: 'Subscription Started',
    at: '2026-11-20T08:00:00Z',
    customer: 'u-7',
    plan: 'pro',
  });
  const signature = `sha256=${createHmac('sha256', hookSecret).update(body).digest('hex')}`;

  it('imports one signed JSON object through the source mapping', async () => {
    // Prepare
    const { handler, stream } = setup();

    // Act
    const response = await handler(
      request('webhooks', 'hooks', body, {
        'content-type': 'application/json',
        'x-cdp-signature': signature,
      }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(stream.events()).toMatchObject([
      {
        event: 'Subscription Started',
        userId: 'u-7',
        timestamp: '2026-11-20T08:00:00.000Z',
        properties: { plan: 'pro' },
      },
    ]);
  });

  it('refuses a wrong signature with 401', async () => {
    // Prepare
    const { handler, stream } = setup();

    // Act
    const response = await handler(
      request('webhooks', 'hooks', `${body} `, {
        'content-type': 'application/json',
        'x-cdp-signature': signature,
      }),
    );

    // Assess
    expect(response.statusCode).toBe(401);
    expect(stream.events()).toEqual([]);
  });
});
