import { describe, expect, it } from 'vitest';
import { type CollectRequest, collect } from '../../../shared/collect/collect.ts';
import {
  EventsNotStoredError,
  InvalidEventError,
  InvalidRequestError,
  OriginNotAllowedError,
  UnauthorizedError,
} from '../../../shared/collect/errors.ts';
import { basicAuth, FakeEventStream, FakeSourceRegistry, serverSource, webSource } from './fakes.ts';

const receivedAt = new Date('2024-05-01T12:00:00.000Z');

function request(
  overrides: Partial<CollectRequest> & Pick<CollectRequest, 'endpoint' | 'body'>,
): CollectRequest {
  return { receivedAt, sourceIp: '203.0.113.9', ...overrides };
}

function dependencies(stream = new FakeEventStream()) {
  return { sources: new FakeSourceRegistry(), stream, privacy: { ip: 'truncate' as const } };
}

describe('collect', () => {
  it('authenticates with the Basic-auth username and stores the event for that source', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const result = await collect(
      request({
        endpoint: 'track',
        body: JSON.stringify({ userId: 'u1', event: 'Signed Up' }),
        authorization: basicAuth(serverSource.writeKey),
      }),
      deps,
    );

    // Assess
    expect(result).toEqual({ source: serverSource, accepted: 1, rejected: [] });
    expect(deps.stream.events()).toMatchObject([
      { type: 'track', event: 'Signed Up', userId: 'u1', source: 'backend', channel: 'server' },
    ]);
    expect(deps.stream.events()[0]?.context.ip).toBe('203.0.113.0');
  });

  it('authenticates with the writeKey in the body, as analytics.js sends it', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const result = await collect(
      request({
        endpoint: 'page',
        body: JSON.stringify({ writeKey: webSource.writeKey, anonymousId: 'a1' }),
        origin: 'https://shop.example.com',
      }),
      deps,
    );

    // Assess
    expect(result.source.name).toBe('website');
    expect(deps.stream.events()).toMatchObject([{ type: 'page', anonymousId: 'a1', source: 'website' }]);
  });

  it('prefers the Basic-auth key when the body names another', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const result = await collect(
      request({
        endpoint: 'identify',
        body: JSON.stringify({ writeKey: webSource.writeKey, userId: 'u1' }),
        authorization: basicAuth(serverSource.writeKey),
      }),
      deps,
    );

    // Assess
    expect(result.source.name).toBe('backend');
  });

  it.each([
    ['an unknown Basic-auth key', { authorization: basicAuth('wk_nope') }, '{"userId":"u"}'],
    ['an unknown body key', {}, '{"userId":"u","writeKey":"wk_nope"}'],
    ['no key at all', {}, '{"userId":"u"}'],
    ['an empty Basic-auth username', { authorization: basicAuth('') }, '{"userId":"u"}'],
  ])('refuses %s as unauthorized and stores nothing', async (_case, auth, body) => {
    // Prepare
    const deps = dependencies();

    // Act
    const attempt = collect(request({ endpoint: 'identify', body, ...auth }), deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnauthorizedError);
    expect(deps.stream.stored).toEqual([]);
  });

  it.each([
    ['an origin the source does not list', webSource.writeKey, 'https://evil.example'],
    ['any browser origin for a server-side source', serverSource.writeKey, 'https://shop.example.com'],
  ])('refuses %s and stores nothing', async (_case, writeKey, origin) => {
    // Prepare
    const deps = dependencies();

    // Act
    const attempt = collect(
      request({
        endpoint: 'track',
        body: JSON.stringify({ writeKey, anonymousId: 'a', event: 'E' }),
        origin,
      }),
      deps,
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(OriginNotAllowedError);
    expect(deps.stream.stored).toEqual([]);
  });

  it('refuses unparseable JSON before looking up any key', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const attempt = collect(
      request({ endpoint: 'track', body: '{"userId":', authorization: basicAuth(serverSource.writeKey) }),
      deps,
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidRequestError);
    expect(deps.sources.lookups).toEqual([]);
  });

  it('quarantines an invalid single event and then reports it as invalid', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const attempt = collect(
      request({
        endpoint: 'track',
        body: JSON.stringify({ userId: 'u1', messageId: 'm-1' }),
        authorization: basicAuth(serverSource.writeKey),
      }),
      deps,
    );

    // Assess
    await expect(attempt).rejects.toThrow(InvalidEventError);
    await expect(attempt).rejects.toMatchObject({ path: 'event', messageId: 'm-1' });
    expect(deps.stream.quarantined()).toMatchObject([{ messageId: 'm-1', path: 'event', source: 'backend' }]);
  });

  it('stores valid and invalid batch items in input order and reports the invalid ones', async () => {
    // Prepare
    const deps = dependencies();
    const body = {
      batch: [
        { type: 'track', event: 'A', anonymousId: 'a1', userId: 'u1' },
        { type: 'group', userId: 'u1', messageId: 'm-bad' },
        { type: 'identify', userId: 'u2' },
      ],
    };

    // Act
    const result = await collect(
      request({
        endpoint: 'batch',
        body: JSON.stringify(body),
        authorization: basicAuth(serverSource.writeKey),
      }),
      deps,
    );

    // Assess
    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([
      { index: 1, messageId: 'm-bad', reason: 'group requires a groupId', path: 'batch[1].groupId' },
    ]);
    expect(deps.stream.envelopes().map((envelope) => envelope.schema)).toEqual([
      'cdp.event/1',
      'cdp.quarantine/1',
      'cdp.event/1',
    ]);
    // The sender's device id keeps its events in order across login; without one, the user id does.
    expect(deps.stream.stored.map((record) => record.partitionKey)).toEqual(['a1', 'm-bad', 'u2']);
  });

  it('acknowledges nothing when the stream could not store every record', async () => {
    // Prepare: the stream loses the second of three records.
    const deps = dependencies(new FakeEventStream((_record, index) => index === 1));
    const body = {
      batch: [
        { type: 'track', event: 'A', userId: 'u1' },
        { type: 'track', event: 'B', userId: 'u1' },
        { type: 'track', event: 'C', userId: 'u1' },
      ],
    };

    // Act
    const attempt = collect(
      request({
        endpoint: 'batch',
        body: JSON.stringify(body),
        authorization: basicAuth(serverSource.writeKey),
      }),
      deps,
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(EventsNotStoredError);
    await expect(attempt).rejects.toMatchObject({ failed: 1, total: 3 });
  });

  it('fails an invalid single event whose quarantine record was not stored as not stored, not as invalid', async () => {
    // Prepare
    const deps = dependencies(new FakeEventStream(() => true));

    // Act
    const attempt = collect(
      request({
        endpoint: 'track',
        body: '{"userId":"u1"}',
        authorization: basicAuth(serverSource.writeKey),
      }),
      deps,
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(EventsNotStoredError);
  });

  it('reads a body given as bytes', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const result = await collect(
      request({
        endpoint: 'screen',
        body: new TextEncoder().encode('{"anonymousId":"a","name":"Home"}'),
        authorization: basicAuth(serverSource.writeKey),
      }),
      deps,
    );

    // Assess
    expect(result.accepted).toBe(1);
  });
});
