/** Which collector route an API Gateway (HTTP API, payload 2.0) request is for. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Endpoint } from '../../shared/collect/prepare.ts';

export type CollectorRoute =
  | { readonly kind: 'preflight' }
  | { readonly kind: 'collect'; readonly endpoint: Endpoint }
  | { readonly kind: 'settings'; readonly writeKey: string; readonly basePath: string }
  | { readonly kind: 'unknown' };

/** The Segment HTTP API's paths, analytics.js's one-letter forms (`/v1/t`, `/v1/b`, …) and `/v1/import`. */
const endpoints: Readonly<Record<string, Endpoint>> = {
  track: 'track',
  t: 'track',
  identify: 'identify',
  i: 'identify',
  page: 'page',
  p: 'page',
  screen: 'screen',
  s: 'screen',
  group: 'group',
  g: 'group',
  alias: 'alias',
  a: 'alias',
  batch: 'batch',
  b: 'batch',
  // The batch endpoint's older name, which analytics-ruby and analytics-java still post to.
  import: 'batch',
};

// Anchored at the end only: before `/v1` may come a stage or a custom domain's base path.
const collectPath = /\/v1\/([a-z]+)\/?$/;
const settingsPath = /\/v1\/projects\/([^/]+)\/settings\/?$/;

export function routeOf(event: APIGatewayProxyEventV2): CollectorRoute {
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath;
  const settings = settingsPath.exec(path);
  const endpoint = endpoints[collectPath.exec(path)?.[1] ?? ''];
  if (method === 'OPTIONS' && (settings || endpoint)) return { kind: 'preflight' };
  if (method === 'POST' && endpoint) return { kind: 'collect', endpoint };
  if (method === 'GET' && settings) {
    const writeKey = event.pathParameters?.writeKey ?? safeDecode(settings[1] ?? '');
    return { kind: 'settings', writeKey, basePath: path.slice(0, settings.index) };
  }
  return { kind: 'unknown' };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
