/** Builders for stream records as the collector puts them on the stream. */
import type { CollectedEvent, QuarantinedEvent, StreamEnvelope } from '../../../shared/events/model.ts';
import type { LandBatch, LandRecord } from '../../../shared/lake/land.ts';

export function collectedEvent(overrides: Partial<CollectedEvent> = {}): CollectedEvent {
  return {
    messageId: 'msg-1',
    type: 'track',
    event: 'Order Completed',
    userId: 'user-1',
    anonymousId: 'anon-1',
    properties: { revenue: 12.5 },
    context: { library: { name: 'analytics.js', version: '2.0.0' } },
    timestamp: '2026-11-22T10:00:00.000Z',
    originalTimestamp: '2026-11-22T10:00:01.000Z',
    sentAt: '2026-11-22T10:00:02.000Z',
    receivedAt: '2026-11-22T10:00:01.500Z',
    source: 'website',
    channel: 'web',
    enrichment: {},
    ...overrides,
  };
}

export function quarantinedEvent(overrides: Partial<QuarantinedEvent> = {}): QuarantinedEvent {
  return {
    messageId: 'bad-1',
    reason: 'event is required for track',
    path: 'batch[0].event',
    raw: '{"type":"track"}',
    receivedAt: '2026-11-22T10:00:00.000Z',
    source: 'website',
    channel: 'web',
    ...overrides,
  };
}

const encoder = new TextEncoder();

/** A record whose data is the envelope's JSON, or the given text as it is (for poison records). */
export function streamRecord(sequenceNumber: string, content: StreamEnvelope | string): LandRecord {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return { sequenceNumber, data: encoder.encode(text) };
}

export function eventRecord(sequenceNumber: string, overrides: Partial<CollectedEvent> = {}): LandRecord {
  return streamRecord(sequenceNumber, { schema: 'cdp.event/1', event: collectedEvent(overrides) });
}

/** A batch of events from shard 0, numbered from `firstSequence`, one per messageId given. */
export function eventBatch(
  firstSequence: number,
  events: readonly Partial<CollectedEvent>[],
  shardId = 'shardId-000000000000',
): LandBatch {
  return {
    shardId,
    records: events.map((event, index) => eventRecord(String(firstSequence + index), event)),
  };
}
