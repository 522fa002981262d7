import { describe, expect, it } from 'vitest';
import { parseUserAgent } from '../../../shared/events/user-agent.ts';

describe('parseUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
      {
        browser: 'Chrome',
        browserVersion: '124.0.0.0',
        os: 'Windows',
        osVersion: '10',
        deviceType: 'desktop',
      },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      {
        browser: 'Mobile Safari',
        browserVersion: '17.4',
        os: 'iOS',
        osVersion: '17.4',
        deviceType: 'mobile',
      },
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      {
        browser: 'Mobile Safari',
        browserVersion: '16.6',
        os: 'iOS',
        osVersion: '16.6',
        deviceType: 'tablet',
      },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0',
      {
        browser: 'Firefox',
        browserVersion: '125.0',
        os: 'Mac OS',
        osVersion: '10.15',
        deviceType: 'desktop',
      },
    ],
  ])('parses %s', (userAgent, expected) => {
    // Act
    const parsed = parseUserAgent(userAgent);

    // Assess
    expect(parsed).toEqual(expected);
  });

  it('calls a user agent with no recognisable parts a desktop and names nothing else', () => {
    // Act
    const parsed = parseUserAgent('analytics-node-next/latest');

    // Assess
    expect(parsed).toEqual({ deviceType: 'desktop' });
  });
});
