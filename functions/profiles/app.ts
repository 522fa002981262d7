/**
 * The profile API's HTTP adapter with its dependencies injected: API Gateway request → profile lookup or
 * erasure → JSON. The routes are admin-only; the gateway has authorized the caller before this runs (IAM in
 * AWS, the admin token locally), so nothing here checks credentials.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { IdentityRules } from '../../shared/identity/rules.ts';
import type { Logger } from '../../shared/logger.ts';
import { describeErasure, type ErasureDependencies, requestErasure } from '../../shared/privacy/erase.ts';
import { ErasureJobConflictError } from '../../shared/privacy/errors.ts';
import { InvalidProfileRequestError } from '../../shared/profiles/errors.ts';
import { findProfile, parseLimit, recentEventsOf, withScores } from '../../shared/profiles/lookup.ts';
import type { ProfileReader } from '../../shared/profiles/ports.ts';
import { profileView } from '../../shared/profiles/view.ts';

/** What erasure requests and their status need, besides the identity rules. */
export interface ErasureHandlerDependencies extends Omit<ErasureDependencies, 'rules'> {
  /** Shown as `lakePassAfter`: time from an erasure's suppression to its lake pass (timing.ts). */
  readonly lakeDelayMs?: number;
}

export interface ProfilesHandlerDependencies {
  readonly profiles: ProfileReader;
  readonly rules: IdentityRules;
  readonly logger: Logger;
  /** The erasure routes' stores. @default none: those routes answer 404 (a profile API that only reads) */
  readonly erasures?: ErasureHandlerDependencies;
}

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export type ProfilesHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<HttpResult>;

export const profileRoute = 'GET /v1/profiles/{idType}/{idValue}';
export const eventsRoute = 'GET /v1/profiles/{idType}/{idValue}/events';
export const eraseRoute = 'DELETE /v1/profiles/{idType}/{idValue}';
export const erasureRoute = 'GET /v1/erasures/{erasureId}';

/**
 * Time an erasure request keeps back from the function's timeout: the DynamoDB removal stops in time to
 * answer 202, and the hourly upkeep finishes it.
 */
const ERASURE_RESERVE_MS = 3_000;

export function createProfilesHandler(deps: ProfilesHandlerDependencies): ProfilesHandler {
  const { logger } = deps;
  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    logger.appendKeys({ requestId: event.requestContext.requestId, routeKey: event.routeKey });
    try {
      return await answer(event, deps, context);
    } catch (error) {
      if (error instanceof InvalidProfileRequestError) return json(400, { message: error.message });
      if (error instanceof ErasureJobConflictError) {
        return json(409, {
          message: 'the erasure is being changed by another run',
          erasureId: error.erasureId,
        });
      }
      logger.error('unexpected error', { error });
      return json(500, { message: 'internal error' });
    } finally {
      logger.resetKeys();
    }
  };
}

async function answer(
  event: APIGatewayProxyEventV2,
  deps: ProfilesHandlerDependencies,
  context: Context | undefined,
): Promise<HttpResult> {
  const { idType, idValue, erasureId } = event.pathParameters ?? {};
  const erasures = deps.erasures;
  if (event.routeKey === erasureRoute && erasureId !== undefined && erasures !== undefined) {
    const view = await describeErasure(erasures, erasureId, erasures.lakeDelayMs);
    return view === undefined ? json(404, { message: 'no such erasure' }) : json(200, view);
  }
  if (idType === undefined || idValue === undefined) return json(404, { message: 'no such route' });
  if (event.routeKey === eraseRoute && erasures !== undefined) {
    const shouldStop = () => context !== undefined && context.getRemainingTimeInMillis() < ERASURE_RESERVE_MS;
    const outcome = await requestErasure({ ...erasures, rules: deps.rules }, idType, idValue, { shouldStop });
    if (outcome.kind === 'unknown') return json(404, { message: 'no profile has this identifier' });
    const { erasureId: id, status } = outcome.job;
    deps.logger.info('erasure requested', {
      erasureId: id,
      status,
      repeated: outcome.kind === 'erased_before',
    });
    return json(202, { erasureId: id, status }, { location: `/v1/erasures/${encodeURIComponent(id)}` });
  }
  const isEvents = event.routeKey === eventsRoute;
  if (event.routeKey !== profileRoute && !isEvents) return json(404, { message: 'no such route' });
  // Validate the parameters before reading anything.
  const limit = isEvents ? parseLimit(event.queryStringParameters?.limit) : 0;
  const profile = await findProfile(deps.profiles, idType, idValue, deps.rules);
  if (profile === undefined) return json(404, { message: 'no profile has this identifier' });
  if (!isEvents) return json(200, profileView(await withScores(deps.profiles, profile), deps.rules));
  const events = await recentEventsOf(deps.profiles, profile, limit);
  return json(200, { profileId: profile.profileId, events });
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
