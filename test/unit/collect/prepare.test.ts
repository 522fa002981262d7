import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../shared/collect/errors.ts';
import { type PreparedMessage, prepareMessages } from '../../../shared/collect/prepare.ts';
import type { EdgeFacts } from '../../../shared/events/enrich.ts';
import { serverSource } from './fakes.ts';

const edge: EdgeFacts = {
  source: serverSource,
  receivedAt: new Date('2024-05-01T12:00:00.000Z'),
  requestIp: '203.0.113.9',
  ipPrivacy: 'truncate',
};

/** A valid track call whose compact JSON is exactly `bytes` long. */
function trackOfSize(bytes: number): Record<string, unknown> {
  const skeleton = { type: 'track', event: 'Padded', userId: 'u1', properties: { pad: '' } };
  const pad = 'p'.repeat(bytes - Buffer.byteLength(JSON.stringify(skeleton)));
  return { ...skeleton, properties: { pad } };
}

function outcomes(results: readonly PreparedMessage[]) {
  return results.map((result) =>
    result.ok ? 'ok' : { path: result.quarantined.path, reason: result.quarantined.reason },
  );
}

describe('prepareMessages', () => {
  it('keeps the valid messages of a batch and quarantines the invalid ones with their place', () => {
    // Prepare
    const body = {
      batch: [
        { type: 'track', event: 'Signed Up', userId: 'u1' },
        { type: 'track', userId: 'u2' },
        'not a message',
        { type: 'identify', anonymousId: 'a3' },
        { type: 'alias', userId: 'u4' },
      ],
    };

    // Act
    const results = prepareMessages(body, 'batch', edge);

    // Assess
    expect(outcomes(results)).toEqual([
      'ok',
      { path: 'batch[1].event', reason: 'track requires an event name' },
      { path: 'batch[2]', reason: 'must be an object' },
      'ok',
      { path: 'batch[4].previousId', reason: 'alias requires a previousId' },
    ]);
    expect(results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('accepts a message of exactly 32 KB and quarantines one a byte larger', () => {
    // Prepare
    const exact = trackOfSize(32 * 1024);
    const over = trackOfSize(32 * 1024 + 1);
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(32_768);
    expect(Buffer.byteLength(JSON.stringify(over))).toBe(32_769);

    // Act
    const results = prepareMessages({ batch: [exact, over] }, 'batch', edge);

    // Assess
    expect(outcomes(results)).toEqual([
      'ok',
      { path: 'batch[1]', reason: 'message is 32769 bytes; the limit is 32768' },
    ]);
  });

  it('bounds the quarantined copy of an oversized message to 32 KB', () => {
    // Act
    const [result] = prepareMessages({ batch: [trackOfSize(40_000)] }, 'batch', edge);

    // Assess
    expect(result?.ok).toBe(false);
    const raw = result?.ok === false ? result.quarantined.raw : '';
    expect(Buffer.byteLength(raw)).toBe(32_768);
    expect(raw.startsWith('{"type":"track","event":"Padded"')).toBe(true);
  });

  it('takes a batch of 2,500 messages and refuses one of 2,501 as a whole', () => {
    // Prepare
    const batchOf = (count: number) => ({
      batch: Array.from({ length: count }, (_, index) => ({
        type: 'track',
        event: 'E',
        userId: `u${index}`,
      })),
    });

    // Act
    const results = prepareMessages(batchOf(2_500), 'batch', edge);
    const refuse = () => prepareMessages(batchOf(2_501), 'batch', edge);

    // Assess
    expect(results.filter((result) => result.ok)).toHaveLength(2_500);
    expect(refuse).toThrow(InvalidRequestError);
    expect(refuse).toThrow('batch: must contain at most 2500 messages');
  });

  it.each([
    [{}, 'batch: must be an array of messages'],
    [{ batch: {} }, 'batch: must be an array of messages'],
    [{ batch: [] }, 'batch: must contain at least one message'],
    [{ batch: [{}], context: 'web' }, 'context: must be an object'],
    [{ batch: [{}], integrations: [] }, 'integrations: must be an object'],
    [{ batch: [{}], sentAt: 'now' }, 'sentAt: must be an ISO-8601 timestamp'],
    [[{ type: 'track' }], 'request body must be a JSON object'],
  ])('refuses the batch request %j as a whole: %s', (body, message) => {
    // Act
    const refuse = () => prepareMessages(body, 'batch', edge);

    // Assess
    expect(refuse).toThrow(InvalidRequestError);
    expect(refuse).toThrow(message);
  });

  it('refuses a single-call body that is not an object', () => {
    // Act
    const refuse = () => prepareMessages(['track'], 'track', edge);

    // Assess
    expect(refuse).toThrow('request body must be a JSON object');
  });

  it('merges the batch context deeply and its integrations shallowly into every item, the item winning', () => {
    // Prepare
    const body = {
      batch: [
        {
          type: 'track',
          event: 'E',
          userId: 'u1',
          context: { library: { version: '2.0' }, locale: 'de-DE' },
          integrations: { Mixpanel: false },
        },
        { type: 'track', event: 'E', userId: 'u2' },
      ],
      context: { app: { name: 'shop' }, library: { name: 'curl', version: '1.0' }, locale: 'en-GB' },
      integrations: { All: false, Mixpanel: true },
    };

    // Act
    const results = prepareMessages(body, 'batch', edge);

    // Assess
    const events = results.flatMap((result) => (result.ok ? [result.event] : []));
    expect(events[0]?.context).toEqual({
      app: { name: 'shop' },
      library: { name: 'curl', version: '2.0' },
      locale: 'de-DE',
      ip: '203.0.113.0',
    });
    expect(events[0]?.integrations).toEqual({ All: false, Mixpanel: false });
    expect(events[1]?.context).toEqual({
      app: { name: 'shop' },
      library: { name: 'curl', version: '1.0' },
      locale: 'en-GB',
      ip: '203.0.113.0',
    });
    expect(events[1]?.integrations).toEqual({ All: false, Mixpanel: true });
  });

  it("takes sentAt from the batch envelope unless the item has its own, and corrects each item's time with it", () => {
    // Prepare: analytics.js's batching removes sentAt from the items and sets it on the envelope.
    const body = {
      sentAt: '2024-05-01T12:00:30.000Z',
      batch: [
        { type: 'track', event: 'E', userId: 'u1', timestamp: '2024-05-01T12:00:20.000Z' },
        {
          type: 'track',
          event: 'E',
          userId: 'u1',
          timestamp: '2024-05-01T12:00:20.000Z',
          sentAt: '2024-05-01T12:00:25.000Z',
        },
      ],
    };

    // Act
    const results = prepareMessages(body, 'batch', edge);

    // Assess: received 12:00:00; 12:00:00 − (12:00:30 − 12:00:20) = 11:59:50, and − (12:00:25 − 12:00:20) = 11:59:55.
    const events = results.flatMap((result) => (result.ok ? [result.event] : []));
    expect(events.map((event) => [event.sentAt, event.timestamp])).toEqual([
      ['2024-05-01T12:00:30.000Z', '2024-05-01T11:59:50.000Z'],
      ['2024-05-01T12:00:25.000Z', '2024-05-01T11:59:55.000Z'],
    ]);
  });

  it('gives a message without messageId the same derived id when the request is retried', () => {
    // Prepare: the client stamped the event, and stamps each attempt's sentAt anew.
    const attempt = (sentAt: string) => ({
      batch: [{ type: 'track', event: 'E', userId: 'u1', timestamp: '2024-05-01T11:59:58Z' }],
      sentAt,
    });

    // Act
    const [first] = prepareMessages(attempt('2024-05-01T12:00:00Z'), 'batch', edge);
    const [retry] = prepareMessages(attempt('2024-05-01T12:00:07Z'), 'batch', edge);

    // Assess
    const idOf = (result: PreparedMessage | undefined) => (result?.ok ? result.event.messageId : undefined);
    expect(idOf(first)).toMatch(/^cdp-[0-9a-f]{64}$/);
    expect(idOf(retry)).toBe(idOf(first));
  });

  it('gives two identical messages with neither messageId nor timestamp two ids: they may be two events', () => {
    // Prepare: the same call made twice, minutes apart, as `curl` would make it.
    const body = { batch: [{ type: 'track', event: 'Item Added', userId: 'u1' }] };

    // Act
    const [first] = prepareMessages(body, 'batch', edge);
    const [second] = prepareMessages(body, 'batch', edge);

    // Assess
    const idOf = (result: PreparedMessage | undefined) => (result?.ok ? result.event.messageId : undefined);
    expect(idOf(first)).toMatch(/^cdp-/);
    expect(idOf(second)).not.toBe(idOf(first));
  });

  it("quarantines an item that the batch's context makes larger than the event limit", () => {
    // Prepare: a 20,000-character batch context copied into two items of 20 KB each pushes both past 32 KB.
    const body = {
      batch: [
        { type: 'track', event: 'A', userId: 'u1', context: { note: 'x'.repeat(15_000) } },
        { type: 'track', event: 'B', userId: 'u1' },
      ],
      context: { padding: 'y'.repeat(20_000) },
    };

    // Act
    const [withBig, withSmall] = prepareMessages(body, 'batch', edge);

    // Assess: 15,000 + 20,000 characters > 32,768 bytes; 20,000 alone is not.
    expect(withBig?.ok).toBe(false);
    expect(withBig?.ok === false && withBig.quarantined.reason).toMatch(/batch's context/);
    expect(withSmall?.ok).toBe(true);
  });

  it('keeps the client IP in a quarantined input only as the privacy setting allows', () => {
    // Prepare: the edge in these tests truncates; an invalid item carries its end user's IP.
    const body = { batch: [{ type: 'track', userId: 'u1', context: { ip: '203.0.113.77' } }] };

    // Act
    const [rejected] = prepareMessages(body, 'batch', { ...edge, ipPrivacy: 'drop' });

    // Assess
    expect(rejected?.ok).toBe(false);
    expect(rejected?.ok === false && rejected.quarantined.raw).not.toContain('203.0.113');
  });

  it('quarantines a message whose clock correction would leave the four-digit years', () => {
    // Prepare: sent in year 1, happened in 9999: received 2024 + (9999 − 1) years is past year 9999.
    const body = {
      batch: [
        {
          type: 'track',
          event: 'E',
          userId: 'u1',
          timestamp: '9999-01-01T00:00:00Z',
          sentAt: '0001-01-01T00:00:00Z',
        },
      ],
    };

    // Act
    const results = prepareMessages(body, 'batch', edge);

    // Assess
    expect(outcomes(results)).toEqual([
      {
        path: 'batch[0].timestamp',
        reason: 'corrected by sentAt, the event time falls outside the years 0000–9999',
      },
    ]);
  });

  it("keeps the client's messageId", () => {
    // Act
    const [result] = prepareMessages(
      { type: 'track', event: 'E', userId: 'u1', messageId: 'ajs-next-1' },
      'track',
      edge,
    );

    // Assess
    expect(result?.ok && result.event.messageId).toBe('ajs-next-1');
  });

  it('quarantines the input as received, without the write key, with its messageId, source and time', () => {
    // Act
    const [result] = prepareMessages(
      { type: 'track', userId: 'u1', messageId: 'm-9', writeKey: 'secret', properties: { a: 1 } },
      'track',
      edge,
    );

    // Assess
    expect(result).toEqual({
      ok: false,
      index: 0,
      quarantined: {
        messageId: 'm-9',
        reason: 'track requires an event name',
        path: 'event',
        raw: '{"type":"track","userId":"u1","messageId":"m-9","properties":{"a":1}}',
        receivedAt: '2024-05-01T12:00:00.000Z',
        source: 'backend',
        channel: 'server',
      },
    });
  });

  it('derives a messageId for a quarantined input whose own messageId is unusable', () => {
    // Act
    const [result] = prepareMessages(
      { type: 'page', anonymousId: 'a', messageId: 'm'.repeat(100) },
      'page',
      edge,
    );

    // Assess
    expect(result?.ok).toBe(false);
    expect(result?.ok === false && result.quarantined.path).toBe('messageId');
    expect(result?.ok === false && result.quarantined.messageId).toMatch(/^cdp-[0-9a-f]{64}$/);
  });
});
