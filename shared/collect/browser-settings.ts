/**
 * The settings document analytics.js 2.0 (@segment/analytics-next) bootstraps from, served at
 * `GET /v1/projects/{writeKey}/settings` in place of Segment's CDN.
 *
 * Verified against segmentio/analytics-next, packages/browser:
 * - `browser/index.ts` `loadCDNSettings` fetches `${cdnURL}/v1/projects/${writeKey}/settings` and treats a
 *   non-2xx answer as a load failure; it then reads `integrations['Segment.io']` (its `retryQueue`), and more
 *   than one integration would make it load Segment's classic destinations from the CDN, so there is only one.
 * - `plugins/segmentio/index.ts` sends each call to `${protocol}://${apiHost}/${type[0]}` (`/v1/t`, `/v1/p`, …)
 *   with `apiHost` and `protocol` from `integrations['Segment.io']` (defaults `api.segment.io/v1`, `https`);
 *   `apiKey` becomes the `writeKey` in every body (`normalize.ts`).
 * - `plugins/segmentio/batched-dispatcher.ts` posts `{ writeKey, batch, sentAt }` to `https://${apiHost}/b`
 *   (always https, whatever `protocol` says), and both dispatchers send `Content-Type: text/plain`.
 * - `core/stats/remote-metrics.ts` posts telemetry to `api.segment.io/v1/m` unless `metrics.sampleRate` is 0:
 *   it is 0 here, so no browser talks to Segment.
 * analytics-node (`plugins/segmentio/publisher.ts`) needs no settings: it posts `{ batch, writeKey, sentAt }` to
 * `/v1/batch` with `Authorization: Basic base64(writeKey:)` and `X-Retry-Count` on retries.
 */
import type { SourceRegistry } from '../ports.ts';
import { assertOriginAllowed } from './origins.ts';
import { sourceOfWriteKey } from './write-key.ts';

export interface CollectorAddress {
  /** Host (and port, if not the default) the browser reached the collector at. */
  readonly host: string;
  readonly protocol: 'http' | 'https';
  /** Path before `/v1`, e.g. an API Gateway stage (`/prod`); '' when none. */
  readonly basePath?: string;
}

export interface BrowserSettings {
  readonly integrations: {
    readonly 'Segment.io': {
      readonly apiKey: string;
      readonly apiHost: string;
      readonly protocol: 'http' | 'https';
      readonly unbundledIntegrations: readonly string[];
      readonly addBundledMetadata: boolean;
      readonly maybeBundledConfigIds: Record<string, readonly string[]>;
    };
  };
  readonly plan: Record<string, unknown>;
  readonly edgeFunction: Record<string, unknown>;
  readonly analyticsNextEnabled: boolean;
  readonly middlewareSettings: Record<string, unknown>;
  readonly enabledMiddleware: Record<string, boolean>;
  readonly metrics: { readonly sampleRate: number };
  readonly legacyVideoPluginsEnabled: boolean;
  readonly remotePlugins: readonly unknown[];
}

/**
 * The settings document for a write key, pointing the browser library back at this collector.
 *
 * @example browserSettingsDocument('k', { host: 'cdp.example.com', protocol: 'https' })
 *   .integrations['Segment.io'].apiHost === 'cdp.example.com/v1'
 */
export function browserSettingsDocument(writeKey: string, address: CollectorAddress): BrowserSettings {
  return {
    integrations: {
      'Segment.io': {
        apiKey: writeKey,
        apiHost: `${address.host}${address.basePath ?? ''}/v1`,
        protocol: address.protocol,
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    },
    plan: { track: { __default: { enabled: true, integrations: {} } } },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}

export interface SettingsRequest {
  readonly writeKey: string;
  readonly origin?: string | undefined;
  readonly address: CollectorAddress;
}

/**
 * The settings for a request: the key must belong to a source and the page's origin must be allowed, exactly
 * as for the events the page will then send. Throws `UnauthorizedError` or `OriginNotAllowedError`.
 */
export async function browserSettings(
  request: SettingsRequest,
  deps: { readonly sources: SourceRegistry },
): Promise<BrowserSettings> {
  const source = await sourceOfWriteKey(deps.sources, request.writeKey);
  assertOriginAllowed(source, request.origin);
  return browserSettingsDocument(source.writeKey, request.address);
}
