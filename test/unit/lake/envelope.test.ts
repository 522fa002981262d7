import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import { decodeEnvelope } from '../../../shared/lake/envelope.ts';
import { InvalidStreamRecordError } from '../../../shared/lake/errors.ts';
import { collectedEvent, quarantinedEvent } from './envelopes.ts';

const bytes = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('decodeEnvelope', () => {
  it('reads an event envelope as it was written', () => {
    // Prepare
    const event = collectedEvent({ enrichment: { campaign: { source: 'news' }, marketingChannel: 'email' } });

    // Act
    const envelope = decodeEnvelope(bytes({ schema: 'cdp.event/1', event }));

    // Assess
    expect(envelope).toEqual({ schema: 'cdp.event/1', event });
  });

  it('reads a quarantine envelope as it was written', () => {
    // Prepare
    const quarantined = quarantinedEvent();

    // Act
    const envelope = decodeEnvelope(bytes({ schema: 'cdp.quarantine/1', quarantined }));

    // Assess
    expect(envelope).toEqual({ schema: 'cdp.quarantine/1', quarantined });
  });

  it('reads what the collector’s encodeEnvelope writes', () => {
    // Prepare
    const event = collectedEvent({ messageId: 'from-collector', traits: { plan: 'pro' } });

    // Act
    const envelope = decodeEnvelope(encodeEnvelope({ schema: 'cdp.event/1', event }));

    // Assess
    expect(envelope).toEqual({ schema: 'cdp.event/1', event });
  });

  it.each([
    ['text that is not JSON', 'this is not an event envelope'],
    ['an unknown envelope version', { schema: 'cdp.event/9', event: collectedEvent() }],
    [
      'an event without a messageId',
      { schema: 'cdp.event/1', event: { ...collectedEvent(), messageId: undefined } },
    ],
    [
      'an event with an unknown type',
      { schema: 'cdp.event/1', event: collectedEvent({ type: 'click' as 'track' }) },
    ],
    [
      'a timestamp that is no date',
      { schema: 'cdp.event/1', event: collectedEvent({ timestamp: 'yesterday' }) },
    ],
    [
      'a year past 9999',
      { schema: 'cdp.event/1', event: collectedEvent({ timestamp: '+010000-01-01T00:00:00Z' }) },
    ],
    [
      'properties that are an array',
      { schema: 'cdp.event/1', event: { ...collectedEvent(), properties: [1] } },
    ],
    ['a JSON array', [1, 2, 3]],
  ])('rejects %s', (_case, content) => {
    // Act
    const decode = () => decodeEnvelope(bytes(content));

    // Assess
    expect(decode).toThrow(InvalidStreamRecordError);
  });

  it('rejects bytes that are not UTF-8', () => {
    // Prepare: a lone continuation byte inside otherwise valid JSON.
    const data = Uint8Array.from([0x22, 0x80, 0x22]);

    // Act
    const decode = () => decodeEnvelope(data);

    // Assess
    expect(decode).toThrow(InvalidStreamRecordError);
  });
});
