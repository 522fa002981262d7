import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivedMessageId } from '../../../shared/events/message-id.ts';

describe('derivedMessageId', () => {
  it('is the SHA-256 of the source and the canonical JSON of the message', () => {
    // Prepare: the canonical form written out by hand, keys sorted.
    const expected = createHash('sha256')
      .update('website\u0000{"event":"Clicked","properties":{"a":1,"b":2},"type":"track","userId":"u1"}')
      .digest('hex');

    // Act
    const id = derivedMessageId('website', {
      userId: 'u1',
      type: 'track',
      properties: { b: 2, a: 1 },
      event: 'Clicked',
    });

    // Assess
    expect(id).toBe(`cdp-${expected}`);
  });

  it('is the same for a retry that changed sentAt, the write key and the key order', () => {
    // Prepare
    const first = {
      type: 'track',
      event: 'Clicked',
      userId: 'u1',
      sentAt: '2024-05-01T10:00:00Z',
      writeKey: 'k',
    };
    const retry = { sentAt: '2024-05-01T10:00:09Z', userId: 'u1', event: 'Clicked', type: 'track' };

    // Act
    const ids = [derivedMessageId('website', first), derivedMessageId('website', retry)];

    // Assess
    expect(ids[0]).toBe(ids[1]);
  });

  it('differs between sources and between messages', () => {
    // Prepare
    const message = { type: 'track', event: 'Clicked', userId: 'u1' };

    // Act
    const ids = new Set([
      derivedMessageId('website', message),
      derivedMessageId('backend', message),
      derivedMessageId('website', { ...message, event: 'Clicked Twice' }),
    ]);

    // Assess
    expect(ids.size).toBe(3);
  });

  it('stays shorter than the 100 characters a messageId may have', () => {
    // Act
    const id = derivedMessageId('website', { type: 'page', anonymousId: 'a' });

    // Assess: 'cdp-' and 64 hex digits.
    expect(id).toMatch(/^cdp-[0-9a-f]{64}$/);
  });
});
