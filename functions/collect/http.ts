/** HTTP answers of the collector: statuses, CORS headers and JSON bodies. Errors become statuses only here. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  EventsNotStoredError,
  InvalidEventError,
  InvalidRequestError,
  OriginNotAllowedError,
  UnauthorizedError,
} from '../../shared/collect/errors.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/** What browsers may send: analytics.js sets Content-Type, analytics-node Authorization and X-Retry-Count. */
export const corsAllowedHeaders = 'authorization, content-type, x-retry-count';
export const corsAllowedMethods = 'GET, POST, OPTIONS';

/** Seconds a client should wait after a 503 before sending again: Kinesis throughput is metered per second. */
export const retryAfterSeconds = 2;

/**
 * The preflight carries no write key, so it cannot know the source: it allows every origin generically, and the
 * actual request is then checked against the source's origins (403 when not allowed).
 */
export function preflight(origin: string | undefined): HttpResult {
  return {
    statusCode: 204,
    headers: {
      'access-control-allow-origin': origin ?? '*',
      'access-control-allow-methods': corsAllowedMethods,
      'access-control-allow-headers': corsAllowedHeaders,
      'access-control-max-age': '86400',
      vary: 'Origin',
    },
  };
}

/** CORS headers for an answer the page may read: the origin echoed, never `*`, since it was checked. */
function corsHeaders(origin: string | undefined): Record<string, string> {
  if (origin === undefined) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'retry-after',
    vary: 'Origin',
  };
}

export function json(
  statusCode: number,
  body: unknown,
  origin: string | undefined,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...corsHeaders(origin), ...headers },
    body: JSON.stringify(body),
  };
}

/** The answer to a refused request; `undefined` for errors that are not the collector's (a bug: 500). */
export function refusal(error: unknown, origin: string | undefined): HttpResult | undefined {
  if (error instanceof InvalidEventError) {
    const { message, path, messageId } = error;
    return json(400, { success: false, message, path, messageId }, origin);
  }
  if (error instanceof InvalidRequestError) {
    return json(
      400,
      { success: false, message: error.message, ...(error.path ? { path: error.path } : {}) },
      origin,
    );
  }
  if (error instanceof UnauthorizedError) {
    return json(401, { success: false, message: error.message }, origin, {
      'www-authenticate': 'Basic realm="cdp"',
    });
  }
  if (error instanceof OriginNotAllowedError) {
    // No CORS headers: the page may not read the answer of a source it is not allowed to use.
    return json(403, { success: false, message: 'origin not allowed for this write key' }, undefined);
  }
  if (error instanceof EventsNotStoredError) {
    return json(503, { success: false, message: 'events not stored; retry later' }, origin, {
      'retry-after': String(retryAfterSeconds),
    });
  }
  return undefined;
}

export function internalError(origin: string | undefined): HttpResult {
  return json(500, { success: false, message: 'internal error' }, origin);
}

export function notFound(origin: string | undefined): HttpResult {
  return json(404, { success: false, message: 'no such route' }, origin);
}
