import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  createProfilesHandler,
  eraseRoute,
  erasureRoute,
  profileRoute,
} from '../../../functions/profiles/app.ts';
import { resolveBatch } from '../../../shared/identity/resolve.ts';
import { batchOf, event, rulesOf } from '../identity/fixtures.ts';
import { MemoryErasureStore, MemoryPersonStore, MemorySuppressionList } from './fakes.ts';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const rules = rulesOf();

function request(routeKey: string, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    routeKey,
    pathParameters,
    requestContext: { requestId: 'r1' },
  } as unknown as APIGatewayProxyEventV2;
}

/** A Lambda context with `remainingMs` left. */
function context(remainingMs: number): Context {
  return { getRemainingTimeInMillis: () => remainingMs } as unknown as Context;
}

async function prepared() {
  const people = new MemoryPersonStore();
  await resolveBatch(
    people,
    batchOf([
      event({ messageId: 'm1', type: 'identify', userId: 'u1', traits: { email: 'ann@example.com' } }),
    ]),
    { rules },
  );
  const jobs = new MemoryErasureStore();
  const erasures = {
    people,
    jobs,
    suppressions: new MemorySuppressionList(),
    now: () => Date.parse('2026-12-01T10:00:00.000Z'),
    newErasureId: () => 'erasure-1',
    lakeDelayMs: 240_000,
  };
  return { jobs, handler: createProfilesHandler({ profiles: people, rules, logger, erasures }) };
}

describe('the erasure routes of the profile API', () => {
  it('answers DELETE with 202, the erasure id and where to follow it; the profile is gone', async () => {
    // Prepare
    const { handler } = await prepared();

    // Act
    const response = await handler(
      request(eraseRoute, { idType: 'email', idValue: 'Ann@Example.com' }),
      context(9_000),
    );
    const profile = await handler(request(profileRoute, { idType: 'user_id', idValue: 'u1' }));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(String(response.body))).toEqual({ erasureId: 'erasure-1', status: 'profile_erased' });
    expect(response.headers).toMatchObject({ location: '/v1/erasures/erasure-1' });
    expect(profile.statusCode).toBe(404);
  });

  it('answers 202 with status accepted when the function has no time left for the removal', async () => {
    // Prepare
    const { handler } = await prepared();

    // Act
    const response = await handler(request(eraseRoute, { idType: 'user_id', idValue: 'u1' }), context(2_000));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(String(response.body))).toEqual({ erasureId: 'erasure-1', status: 'accepted' });
  });

  it('answers GET of an erasure with its status, and 404 for an unknown one', async () => {
    // Prepare
    const { handler } = await prepared();
    await handler(request(eraseRoute, { idType: 'user_id', idValue: 'u1' }));

    // Act
    const known = await handler(request(erasureRoute, { erasureId: 'erasure-1' }));
    const unknown = await handler(request(erasureRoute, { erasureId: 'erasure-2' }));

    // Assess
    expect(known.statusCode).toBe(200);
    expect(JSON.parse(String(known.body))).toMatchObject({
      erasureId: 'erasure-1',
      status: 'profile_erased',
      lakePassAfter: '2026-12-01T10:04:00.000Z',
      identities: { user_id: 1, email: 1 },
      results: { identitiesSuppressed: 2, lateEventsDropped: 0 },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('answers 404 for an identifier no profile holds and 400 for a type that cannot be one', async () => {
    // Prepare
    const { handler, jobs } = await prepared();

    // Act
    const unknown = await handler(request(eraseRoute, { idType: 'user_id', idValue: 'nobody' }));
    const invalid = await handler(request(eraseRoute, { idType: 'User-Id', idValue: 'u1' }));

    // Assess
    expect([unknown.statusCode, invalid.statusCode]).toEqual([404, 400]);
    expect(jobs.jobs.size).toBe(0);
  });

  it('answers a repeated DELETE with the erasure already made', async () => {
    // Prepare
    const { handler } = await prepared();
    await handler(request(eraseRoute, { idType: 'user_id', idValue: 'u1' }));

    // Act
    const again = await handler(request(eraseRoute, { idType: 'email', idValue: 'ann@example.com' }));

    // Assess
    expect(again.statusCode).toBe(202);
    expect(JSON.parse(String(again.body))).toEqual({ erasureId: 'erasure-1', status: 'profile_erased' });
  });
});
