/**
 * The collector's HTTP adapter with its dependencies injected: API Gateway request → domain operation → HTTP
 * answer. `handler.ts` builds it once per cold start from the environment; tests and the benchmark build it
 * from fakes.
 */
import { Buffer } from 'node:buffer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { browserSettings } from '../../shared/collect/browser-settings.ts';
import { type CollectDependencies, collect } from '../../shared/collect/collect.ts';
import { CollectError, EventsNotStoredError } from '../../shared/collect/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { type HttpResult, internalError, json, notFound, preflight, refusal } from './http.ts';
import { routeOf } from './routes.ts';

export interface CollectHandlerDependencies extends CollectDependencies {
  readonly logger: Logger;
  /** The clock stamping `receivedAt`. @default () => new Date() */
  readonly now?: () => Date;
}

export type CollectHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<HttpResult>;

export function createCollectHandler(deps: CollectHandlerDependencies): CollectHandler {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());
  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    logger.appendKeys({ requestId: event.requestContext.requestId, routeKey: event.routeKey });
    const headers = lowerCaseKeys(event.headers);
    const origin = headers.origin;
    try {
      return await answer(event, headers, deps, now());
    } catch (error) {
      const refused = refusal(error, origin);
      if (refused === undefined) {
        logger.error('unexpected error', { error });
        return internalError(origin);
      }
      if (error instanceof EventsNotStoredError) {
        logger.error('events not stored', { failed: error.failed, total: error.total });
      } else if (error instanceof CollectError) {
        logger.info('request refused', { status: refused.statusCode, reason: error.message });
      }
      return refused;
    } finally {
      logger.resetKeys();
    }
  };
}

async function answer(
  event: APIGatewayProxyEventV2,
  headers: Record<string, string | undefined>,
  deps: CollectHandlerDependencies,
  receivedAt: Date,
): Promise<HttpResult> {
  const origin = headers.origin;
  const route = routeOf(event);
  switch (route.kind) {
    case 'preflight':
      return preflight(origin);
    case 'collect': {
      const body =
        event.isBase64Encoded && event.body !== undefined ? Buffer.from(event.body, 'base64') : event.body;
      const result = await collect(
        {
          endpoint: route.endpoint,
          body,
          authorization: headers.authorization,
          origin,
          sourceIp: event.requestContext.http.sourceIp,
          userAgent: headers['user-agent'],
          receivedAt,
        },
        deps,
      );
      if (result.rejected.length === 0) return json(200, { success: true }, origin);
      deps.logger.warn('messages quarantined', {
        source: result.source.name,
        accepted: result.accepted,
        rejected: result.rejected.length,
      });
      return json(200, { success: true, rejected: result.rejected }, origin);
    }
    case 'settings': {
      const host = headers.host ?? event.requestContext.domainName;
      const settings = await browserSettings(
        {
          writeKey: route.writeKey,
          origin,
          address: {
            host,
            protocol: protocolOf(headers['x-forwarded-proto'], host),
            basePath: route.basePath,
          },
        },
        deps,
      );
      return json(200, settings, origin, { 'cache-control': 'public, max-age=60' });
    }
    case 'unknown':
      return notFound(origin);
  }
}

/**
 * The scheme the browser used. API Gateway sets X-Forwarded-Proto (always https); without it, a loopback host
 * is the local runtime, which serves plain http.
 */
function protocolOf(forwardedProto: string | undefined, host: string): 'http' | 'https' {
  if (forwardedProto === 'http' || forwardedProto === 'https') return forwardedProto;
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(host) ? 'http' : 'https';
}

/** Payload 2.0 lower-cases header names already; other callers (tests, tools) may not. */
function lowerCaseKeys(
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
