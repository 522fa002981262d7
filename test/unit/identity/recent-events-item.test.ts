import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeRecentEvents, encodeRecentEvents } from '../../../shared/adapters/recent-events-item.ts';
import type { EventSummary } from '../../../shared/profiles/model.ts';

const viewed: EventSummary = {
  messageId: '6f1c2d1e-2b7a-4a53-9d55-0a8f1f1f0a01',
  type: 'track',
  event: 'Product Viewed',
  timestamp: '2026-11-22T10:00:15.000Z',
  source: 'website',
  channel: 'web',
};
const home: EventSummary = {
  messageId: '6f1c2d1e-2b7a-4a53-9d55-0a8f1f1f0a02',
  type: 'page',
  name: 'Home',
  timestamp: '2026-11-22T10:00:00.000Z',
  source: 'website',
  channel: 'web',
};

describe('a recent-events item', () => {
  it('gives back the summaries it was written with', () => {
    // Act
    const decoded = decodeRecentEvents({ z: encodeRecentEvents([home, viewed]) });

    // Assess
    expect(decoded).toEqual([home, viewed]);
  });

  it('is smaller than the tuples it holds when a batch repeats names, source and channel', () => {
    // Prepare: 14 events, as a person's in one activity batch: 14 tuples of about 100 bytes of JSON each.
    const summaries = Array.from({ length: 14 }, (_, index) => ({
      ...(index % 2 === 0 ? home : viewed),
      messageId: `6f1c2d1e-2b7a-4a53-9d55-${String(index).padStart(12, '0')}`,
    }));
    const json = JSON.stringify(
      summaries.map((s) => [
        s.messageId,
        s.type,
        s.event ?? null,
        s.name ?? null,
        Date.parse(s.timestamp),
        s.source,
        s.channel,
      ]),
    );

    // Act
    const encoded = encodeRecentEvents(summaries);

    // Assess: within one write unit (1 KB) where the JSON is not.
    expect(json.length).toBeGreaterThan(1024);
    expect(encoded.byteLength).toBeLessThan(1024);
  });

  it('reads an item written before compression, from its tuples', () => {
    // Prepare
    const item = {
      events: [[home.messageId, 'page', null, 'Home', Date.parse(home.timestamp), 'website', 'web']],
    };

    // Act / Assess
    expect(decodeRecentEvents(item)).toEqual([home]);
  });

  it('is malformed when its tuples are not summaries or its bytes do not inflate', () => {
    // Act / Assess
    expect(decodeRecentEvents({ z: deflateRawSync(JSON.stringify([['m1', 'page']])) })).toBeUndefined();
    expect(decodeRecentEvents({ z: new Uint8Array([1, 2, 3]) })).toBeUndefined();
    expect(decodeRecentEvents({})).toBeUndefined();
  });
});
