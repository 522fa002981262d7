import { describe, expect, it } from 'vitest';
import { type EdgeFacts, enrichMessage } from '../../../shared/events/enrich.ts';
import type { ValidMessage } from '../../../shared/events/validate.ts';
import type { Source } from '../../../shared/ports.ts';

const source: Source = { name: 'website', channel: 'web', writeKey: 'wk', allowedOrigins: ['*'] };
const iphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

function edge(overrides: Partial<EdgeFacts> = {}): EdgeFacts {
  return {
    source,
    receivedAt: new Date('2024-05-01T12:00:10.000Z'),
    requestIp: '198.51.100.77',
    requestUserAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36',
    ipPrivacy: 'truncate',
    ...overrides,
  };
}

describe('enrichMessage', () => {
  it('adds corrected times, the truncated request IP, the parsed user agent, page, campaign and channel', () => {
    // Prepare
    const message: ValidMessage = {
      type: 'page',
      anonymousId: 'a1',
      name: 'Landing',
      properties: { title: 'Spring' },
      context: {
        userAgent: iphone,
        page: {
          url: 'https://shop.example.com/spring?utm_source=facebook&utm_medium=cpc&utm_campaign=spring',
        },
      },
      originalTimestamp: new Date('2024-05-01T12:55:00.000Z'),
      sentAt: new Date('2024-05-01T12:55:05.000Z'),
    };

    // Act
    const event = enrichMessage(message, 'm-1', edge());

    // Assess
    expect(event).toEqual({
      messageId: 'm-1',
      type: 'page',
      anonymousId: 'a1',
      name: 'Landing',
      properties: { title: 'Spring' },
      context: {
        userAgent: iphone,
        page: {
          url: 'https://shop.example.com/spring?utm_source=facebook&utm_medium=cpc&utm_campaign=spring',
        },
        ip: '198.51.100.0',
        campaign: { source: 'facebook', medium: 'cpc', name: 'spring' },
      },
      timestamp: '2024-05-01T12:00:05.000Z',
      originalTimestamp: '2024-05-01T12:55:00.000Z',
      sentAt: '2024-05-01T12:55:05.000Z',
      receivedAt: '2024-05-01T12:00:10.000Z',
      source: 'website',
      channel: 'web',
      enrichment: {
        ip: '198.51.100.0',
        userAgent: {
          browser: 'Mobile Safari',
          browserVersion: '17.4',
          os: 'iOS',
          osVersion: '17.4',
          deviceType: 'mobile',
        },
        campaign: { source: 'facebook', medium: 'cpc', name: 'spring' },
        marketingChannel: 'paid_social',
        page: {
          url: 'https://shop.example.com/spring?utm_source=facebook&utm_medium=cpc&utm_campaign=spring',
          path: '/spring',
          host: 'shop.example.com',
        },
      },
    });
  });

  it('prefers the IP a server library forwarded in context.ip, and truncates it too', () => {
    // Act
    const event = enrichMessage(
      { type: 'identify', userId: 'u1', context: { ip: '2001:db8:85a3:8d3:1319:8a2e:370:7348' } },
      'm-2',
      edge(),
    );

    // Assess
    expect(event.context.ip).toBe('2001:db8:85a3::');
    expect(event.enrichment.ip).toBe('2001:db8:85a3::');
  });

  it('uses the request IP when context.ip holds no address', () => {
    // Act
    const event = enrichMessage(
      { type: 'identify', userId: 'u1', context: { ip: 'unknown' } },
      'm-3',
      edge(),
    );

    // Assess
    expect(event.context.ip).toBe('198.51.100.0');
  });

  it('removes every IP when the privacy setting is drop', () => {
    // Act
    const event = enrichMessage(
      { type: 'identify', userId: 'u1', context: { ip: '203.0.113.9' } },
      'm-4',
      edge({ ipPrivacy: 'drop' }),
    );

    // Assess
    expect('ip' in event.context).toBe(false);
    expect(event.enrichment.ip).toBeUndefined();
  });

  it("parses the request's User-Agent header when the client sent no context.userAgent, without copying it", () => {
    // Act
    const event = enrichMessage({ type: 'track', event: 'x', userId: 'u1' }, 'm-5', edge());

    // Assess
    expect(event.enrichment.userAgent).toEqual({
      browser: 'Chrome',
      browserVersion: '124.0.0.0',
      os: 'Windows',
      osVersion: '10',
      deviceType: 'desktop',
    });
    expect(event.context.userAgent).toBeUndefined();
  });

  it('keeps the client campaign and does not replace it with the URL parameters', () => {
    // Act
    const event = enrichMessage(
      {
        type: 'track',
        event: 'x',
        anonymousId: 'a',
        context: {
          campaign: { source: 'crm', medium: 'email' },
          page: { url: 'https://s.example/?utm_source=other' },
        },
      },
      'm-6',
      edge(),
    );

    // Assess
    expect(event.context.campaign).toEqual({ source: 'crm', medium: 'email' });
    expect(event.enrichment.campaign).toEqual({ source: 'crm', medium: 'email' });
    expect(event.enrichment.marketingChannel).toBe('email');
  });

  it('uses the time of receipt as the event time of a message without client times, and classifies no channel', () => {
    // Act
    const event = enrichMessage(
      { type: 'track', event: 'x', userId: 'u1' },
      'm-7',
      edge({ requestIp: undefined }),
    );

    // Assess
    expect(event.timestamp).toBe('2024-05-01T12:00:10.000Z');
    expect(event.originalTimestamp).toBeUndefined();
    expect(event.enrichment.marketingChannel).toBeUndefined();
    expect(event.context).toEqual({});
  });
});
