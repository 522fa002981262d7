/**
 * The profile API's HTTP adapter with its dependencies injected: API Gateway request → profile lookup → JSON.
 * The routes are admin-only; the gateway has authorized the caller before this runs (IAM in AWS, the admin
 * token locally), so nothing here checks credentials.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { IdentityRules } from '../../shared/identity/rules.ts';
import type { Logger } from '../../shared/logger.ts';
import { InvalidProfileRequestError } from '../../shared/profiles/errors.ts';
import { findProfile, parseLimit, recentEventsOf } from '../../shared/profiles/lookup.ts';
import type { ProfileReader } from '../../shared/profiles/ports.ts';
import { profileView } from '../../shared/profiles/view.ts';

export interface ProfilesHandlerDependencies {
  readonly profiles: ProfileReader;
  readonly rules: IdentityRules;
  readonly logger: Logger;
}

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export type ProfilesHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<HttpResult>;

export const profileRoute = 'GET /v1/profiles/{idType}/{idValue}';
export const eventsRoute = 'GET /v1/profiles/{idType}/{idValue}/events';

export function createProfilesHandler(deps: ProfilesHandlerDependencies): ProfilesHandler {
  const { logger } = deps;
  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    logger.appendKeys({ requestId: event.requestContext.requestId, routeKey: event.routeKey });
    try {
      return await answer(event, deps);
    } catch (error) {
      if (error instanceof InvalidProfileRequestError) return json(400, { message: error.message });
      logger.error('unexpected error', { error });
      return json(500, { message: 'internal error' });
    } finally {
      logger.resetKeys();
    }
  };
}

async function answer(event: APIGatewayProxyEventV2, deps: ProfilesHandlerDependencies): Promise<HttpResult> {
  const idType = event.pathParameters?.idType;
  const idValue = event.pathParameters?.idValue;
  const isEvents = event.routeKey === eventsRoute;
  if ((event.routeKey !== profileRoute && !isEvents) || idType === undefined || idValue === undefined) {
    return json(404, { message: 'no such route' });
  }
  // Validate the parameters before reading anything.
  const limit = isEvents ? parseLimit(event.queryStringParameters?.limit) : 0;
  const profile = await findProfile(deps.profiles, idType, idValue, deps.rules);
  if (profile === undefined) return json(404, { message: 'no profile has this identifier' });
  if (!isEvents) return json(200, profileView(profile, deps.rules));
  const events = await recentEventsOf(deps.profiles, profile, limit);
  return json(200, { profileId: profile.profileId, events });
}

function json(statusCode: number, body: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
