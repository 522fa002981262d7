/** Browser, operating system and device type from a User-Agent string. */
import { UAParser } from 'ua-parser-js';
import { withoutUndefined } from './json.ts';
import type { Enrichment } from './model.ts';

export type ParsedUserAgent = NonNullable<Enrichment['userAgent']>;

/**
 * Parses a User-Agent with ua-parser-js. The parser only names a device type for mobile, tablet, console,
 * smart-TV, wearable and embedded devices, so a user agent it names none for is a desktop.
 *
 * @example parseUserAgent('Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) …').deviceType === 'tablet'
 */
export function parseUserAgent(userAgent: string): ParsedUserAgent {
  const { browser, os, device } = new UAParser(userAgent).getResult();
  return withoutUndefined({
    browser: browser.name,
    browserVersion: browser.version,
    os: os.name,
    osVersion: os.version,
    deviceType: device.type ?? 'desktop',
  });
}
