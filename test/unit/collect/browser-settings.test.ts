import { describe, expect, it } from 'vitest';
import { browserSettings, browserSettingsDocument } from '../../../shared/collect/browser-settings.ts';
import { OriginNotAllowedError, UnauthorizedError } from '../../../shared/collect/errors.ts';
import { FakeSourceRegistry, webSource } from './fakes.ts';

describe('browserSettingsDocument', () => {
  it('points the Segment.io integration back at the collector and turns Segment telemetry off', () => {
    // Act
    const settings = browserSettingsDocument('wk_web', { host: 'cdp.example.com', protocol: 'https' });

    // Assess
    expect(settings.integrations).toEqual({
      'Segment.io': {
        apiKey: 'wk_web',
        apiHost: 'cdp.example.com/v1',
        protocol: 'https',
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    });
    expect(settings.metrics.sampleRate).toBe(0);
    expect(settings.remotePlugins).toEqual([]);
  });

  it('keeps a base path such as an API Gateway stage before /v1', () => {
    // Act
    const settings = browserSettingsDocument('k', {
      host: 'localhost:3000',
      protocol: 'http',
      basePath: '/prod',
    });

    // Assess
    expect(settings.integrations['Segment.io'].apiHost).toBe('localhost:3000/prod/v1');
    expect(settings.integrations['Segment.io'].protocol).toBe('http');
  });
});

describe('browserSettings', () => {
  const address = { host: 'cdp.example.com', protocol: 'https' as const };

  it('answers for a known key from an allowed origin', async () => {
    // Act
    const settings = await browserSettings(
      { writeKey: webSource.writeKey, origin: 'https://shop.example.com', address },
      { sources: new FakeSourceRegistry() },
    );

    // Assess
    expect(settings.integrations['Segment.io'].apiKey).toBe(webSource.writeKey);
  });

  it('refuses an unknown key', async () => {
    // Act
    const attempt = browserSettings({ writeKey: 'wk_nope', address }, { sources: new FakeSourceRegistry() });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a page from an origin the source does not allow', async () => {
    // Act
    const attempt = browserSettings(
      { writeKey: webSource.writeKey, origin: 'https://evil.example', address },
      { sources: new FakeSourceRegistry() },
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(OriginNotAllowedError);
  });
});
