/**
 * Erasing a person known only by a virtual profile (a new visitor's identity item; the profile item is written
 * lazily): the identity item goes, the identity is suppressed, and a tombstone keeps a resolution that read the
 * identity earlier from creating the profile afterwards.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createProfilesHandler, eraseRoute, profileRoute } from '../../../functions/profiles/app.ts';
import { suppressionKey } from '../../../shared/identity/hashing.ts';
import { type ResolveOptions, resolveBatch } from '../../../shared/identity/resolve.ts';
import { type ErasureDependencies, requestErasure } from '../../../shared/privacy/erase.ts';
import { emptyProfile } from '../../../shared/profiles/model.ts';
import { batchOf, event, rulesOf } from '../identity/fixtures.ts';
import { MemoryErasureStore, MemoryPersonStore, MemorySuppressionList } from './fakes.ts';

const rules = rulesOf();
const visitor = { type: 'anonymous_id', value: 'a-1' };

/** A new visitor, resolved by the identity lane: its identity item points at `p-1`, which has no item. */
async function newVisitor() {
  const people = new MemoryPersonStore();
  const suppressions = new MemorySuppressionList();
  const options = (overrides: Partial<ResolveOptions> = {}): ResolveOptions => ({
    rules,
    suppressions,
    newProfileId: () => 'p-1',
    sleep: async () => {},
    identityOnly: true,
    ...overrides,
  });
  await resolveBatch(people, batchOf([event({ messageId: 'm-1', anonymousId: 'a-1' })]), options());
  const jobs = new MemoryErasureStore();
  const deps: ErasureDependencies = { people, jobs, suppressions, rules, newErasureId: () => 'erasure-1' };
  return { people, suppressions, jobs, deps, options };
}

describe('the erasure of a virtual profile', () => {
  it('removes the identity item, suppresses it and leaves a tombstone in place of the profile item', async () => {
    // Prepare
    const { people, suppressions, jobs, deps } = await newVisitor();
    expect(people.stored.size).toBe(0);

    // Act
    const outcome = await requestErasure(deps, 'anonymous_id', 'a-1');

    // Assess: one item removed (the identity item); the tombstone is not a removal.
    expect(outcome.kind).toBe('accepted');
    expect(jobs.only()).toMatchObject({
      status: 'profile_erased',
      profileIds: ['p-1'],
      identityCounts: { anonymous_id: 1 },
      results: { identitiesSuppressed: 1, dynamoItemsRemoved: 1 },
    });
    expect(people.links.size).toBe(0);
    expect([...people.tombstones]).toEqual(['p-1']);
    expect([...suppressions.entries.keys()]).toEqual([suppressionKey(visitor)]);
  });

  it('keeps a resolution that read the identity before the erasure from creating the profile after it', async () => {
    // Prepare: the activity lane plans the visitor's event (which would create p-1), and the erasure runs
    // between its read and its commit.
    const { people, suppressions, jobs, deps, options } = await newVisitor();
    let once = true;
    people.beforeCommit = async () => {
      if (!once) return;
      once = false;
      await requestErasure(deps, 'anonymous_id', 'a-1');
    };

    // Act
    const result = await resolveBatch(
      people,
      batchOf([event({ messageId: 'm-1', anonymousId: 'a-1' })]),
      options({ identityOnly: false }),
    );

    // Assess: the create failed on the tombstone; planned again, the event was screened out and counted.
    expect(result).toMatchObject({ failures: [], conflicts: 1, suppressed: 1, applied: 0 });
    expect(people.stored.size).toBe(0);
    expect(people.links.size).toBe(0);
    expect(jobs.only().status).toBe('profile_erased');
    expect(suppressions.dropped()).toBe(1);
  });

  it('reads the person again when a resolution created the profile before the tombstone', async () => {
    // Prepare: a resolution that read the graph before the erasure commits p-1 with a second identity (an
    // email) between the erasure's removal of the identity item and its tombstone.
    const { people, suppressions, jobs, deps } = await newVisitor();
    const email = { type: 'email', value: 'ann@example.com' };
    people.beforeRemoveProfile = async () => {
      const committed = await people.commit({
        creates: [
          {
            ...emptyProfile('p-1', 0),
            version: 1,
            identities: { anonymous_id: ['a-1'], email: ['ann@example.com'] },
          },
        ],
        updates: [],
        redirects: [],
        links: [{ identity: email, profileId: 'p-1' }],
      });
      expect(committed).toBe(true);
    };

    // Act
    await requestErasure(deps, 'anonymous_id', 'a-1');

    // Assess: the tombstone was refused, the profile read again, its email suppressed too and everything removed:
    // the anonymous id's identity item, then the email's, and the profile item.
    expect(jobs.only()).toMatchObject({
      status: 'profile_erased',
      identityCounts: { anonymous_id: 1, email: 1 },
      results: { identitiesSuppressed: 2, dynamoItemsRemoved: 3 },
    });
    expect(people.stored.size).toBe(0);
    expect(people.links.size).toBe(0);
    expect([...suppressions.entries.keys()].sort()).toEqual(
      [suppressionKey(visitor), suppressionKey(email)].sort(),
    );
  });
});

describe('the profile API and a virtual profile', () => {
  function request(routeKey: string): APIGatewayProxyEventV2 {
    return {
      routeKey,
      pathParameters: { idType: 'anonymous_id', idValue: 'a-1' },
      requestContext: { requestId: 'r1' },
    } as unknown as APIGatewayProxyEventV2;
  }
  const context = { getRemainingTimeInMillis: () => 9_000 } as unknown as Context;

  it('answers GET with the visitor (its one identity, nothing counted) and DELETE with an erasure', async () => {
    // Prepare
    const { people, suppressions, jobs } = await newVisitor();
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    const erasures = { people, jobs, suppressions, newErasureId: () => 'erasure-1', lakeDelayMs: 240_000 };
    const handler = createProfilesHandler({ profiles: people, rules, logger, erasures });

    // Act
    const found = (await handler(request(profileRoute), context)) as APIGatewayProxyStructuredResultV2;
    const erased = (await handler(request(eraseRoute), context)) as APIGatewayProxyStructuredResultV2;
    const gone = (await handler(request(profileRoute), context)) as APIGatewayProxyStructuredResultV2;

    // Assess: p-1 is not a time-ordered id, so it reads as created at 0.
    expect(found.statusCode).toBe(200);
    expect(JSON.parse(String(found.body))).toMatchObject({
      profileId: 'p-1',
      createdAt: '1970-01-01T00:00:00.000Z',
      identities: [{ type: 'anonymous_id', value: 'a-1' }],
      events: { total: 0 },
      mergedProfileIds: [],
    });
    expect(erased.statusCode).toBe(202);
    expect(gone.statusCode).toBe(404);
  });
});
