import { describe, expect, it } from 'vitest';
import { suppressionKey } from '../../../shared/identity/hashing.ts';
import { resolveBatch } from '../../../shared/identity/resolve.ts';
import {
  describeErasure,
  type ErasureDependencies,
  eraseFromProfiles,
  requestErasure,
} from '../../../shared/privacy/erase.ts';
import { InvalidProfileRequestError } from '../../../shared/profiles/errors.ts';
import { batchOf, event, rulesOf } from '../identity/fixtures.ts';
import { MemoryErasureStore, MemoryPersonStore, MemorySuppressionList, resolveAnnAndBob } from './fakes.ts';

const rules = rulesOf();
const t0 = Date.parse('2026-12-01T10:00:00.000Z');

/** Ann (one identify: user id, anonymous id, email) and Bob (a user id and an anonymous id), resolved. */
async function twoPeople() {
  const people = new MemoryPersonStore();
  await resolveAnnAndBob(people, { rules });
  const jobs = new MemoryErasureStore();
  const suppressions = new MemorySuppressionList();
  let clock = t0;
  const deps: ErasureDependencies = {
    people,
    jobs,
    suppressions,
    rules,
    now: () => clock,
    newErasureId: () => 'erasure-1',
  };
  return { people, jobs, suppressions, deps, tick: (ms: number) => (clock += ms) };
}

describe('requestErasure', () => {
  it('suppresses every identity of the person and removes them from the graph, leaving others be', async () => {
    // Prepare
    const { people, jobs, suppressions, deps } = await twoPeople();
    const bob = structuredClone(people.profileOf('user_id', 'u-bob'));

    // Act: by any identifier, normalised as resolution normalises it.
    const outcome = await requestErasure(deps, 'email', ' Ann@Example.com');

    // Assess
    expect(outcome.kind).toBe('accepted');
    const job = jobs.only();
    expect(job).toMatchObject({
      erasureId: 'erasure-1',
      status: 'profile_erased',
      requestedAt: t0,
      suppressedAt: t0,
      profileErasedAt: t0,
      identityCounts: { user_id: 1, anonymous_id: 1, email: 1 },
      // 3 identity items + 1 recent-events item + the profile.
      results: { identitiesSuppressed: 3, dynamoItemsRemoved: 5, lake: {} },
    });
    const ann = [
      { type: 'user_id', value: 'u-ann' },
      { type: 'anonymous_id', value: 'a-ann' },
      { type: 'email', value: 'ann@example.com' },
    ];
    expect([...suppressions.entries.keys()].sort()).toEqual(ann.map(suppressionKey).sort());
    expect(people.profileOf('user_id', 'u-ann')).toBeUndefined();
    expect([...people.links.keys()].sort()).toEqual(['anonymous_id:a-bob', 'user_id:u-bob']);
    expect(people.live()).toEqual([bob]);
    expect([...people.events.keys()]).toEqual([bob?.profileId]);
  });

  it('answers unknown for an identifier no profile holds, and refuses a type name that cannot be one', async () => {
    // Prepare
    const { deps, jobs } = await twoPeople();

    // Act
    const unknown = await requestErasure(deps, 'user_id', 'nobody');
    const invalid = requestErasure(deps, 'User Id', 'u-ann');

    // Assess
    expect(unknown).toEqual({ kind: 'unknown' });
    await expect(invalid).rejects.toThrow(InvalidProfileRequestError);
    expect(jobs.jobs.size).toBe(0);
  });

  it('answers a repeated request with the erasure that removed the person', async () => {
    // Prepare
    const { deps, jobs } = await twoPeople();
    await requestErasure(deps, 'user_id', 'u-ann');

    // Act
    const again = await requestErasure({ ...deps, newErasureId: () => 'erasure-2' }, 'anonymous_id', 'a-ann');

    // Assess
    expect(again).toMatchObject({ kind: 'erased_before', job: { erasureId: 'erasure-1' } });
    expect(jobs.jobs.size).toBe(1);
  });

  it('answers a request repeated while the first job is still under way with that job', async () => {
    // Prepare: the first request runs out of time before it does anything, leaving its job `accepted`.
    const { deps, jobs } = await twoPeople();
    await requestErasure(deps, 'user_id', 'u-ann', { shouldStop: () => true });

    // Act
    const again = await requestErasure(
      { ...deps, newErasureId: () => 'erasure-2' },
      'email',
      'ann@example.com',
    );

    // Assess
    expect(again).toMatchObject({ kind: 'accepted', job: { erasureId: 'erasure-1', status: 'accepted' } });
    expect(jobs.jobs.size).toBe(1);
  });

  it('takes in an identity a resolution linked while the person was being removed', async () => {
    // Prepare: a resolution commits between the erasure's read of the profile and its removal.
    const { people, jobs, suppressions, deps } = await twoPeople();
    const profileId = people.profileOf('user_id', 'u-ann')?.profileId ?? '';
    people.beforeRemoveProfile = async () => {
      const profile = people.stored.get(profileId);
      if (profile?.kind !== 'live') throw new Error('Ann is not live');
      profile.identities.device_id = ['d-ann'];
      profile.version += 1;
      people.links.set('device_id:d-ann', profileId);
    };

    // Act
    await requestErasure(deps, 'user_id', 'u-ann');

    // Assess
    const job = jobs.only();
    expect(job.status).toBe('profile_erased');
    expect(job.identityCounts).toEqual({ user_id: 1, anonymous_id: 1, email: 1, device_id: 1 });
    expect(job.results.identitiesSuppressed).toBe(4);
    expect(suppressions.entries.has(suppressionKey({ type: 'device_id', value: 'd-ann' }))).toBe(true);
    expect(people.links.has('device_id:d-ann')).toBe(false);
    expect(people.stored.has(profileId)).toBe(false);
  });

  it('leaves the job accepted when time runs out, and a later run finishes it', async () => {
    // Prepare
    const { people, jobs, deps } = await twoPeople();

    // Act
    const outcome = await requestErasure(deps, 'user_id', 'u-ann', { shouldStop: () => true });
    const stopped = jobs.only();
    const finished = await eraseFromProfiles(deps, stopped);

    // Assess
    expect(outcome).toMatchObject({ kind: 'accepted', job: { status: 'accepted' } });
    expect(stopped.identityCounts).toEqual({ user_id: 1, anonymous_id: 1, email: 1 });
    expect(finished).toMatchObject({ status: 'profile_erased', results: { dynamoItemsRemoved: 5 } });
    expect(people.profileOf('email', 'ann@example.com')).toBeUndefined();
  });

  it('can be run again after a failure midway without suppressing or removing anything twice', async () => {
    // Prepare: the removal fails after the identities and recent events are gone.
    const { people, jobs, deps } = await twoPeople();
    people.beforeRemoveProfile = async () => {
      throw new Error('DynamoDB is unavailable');
    };
    await expect(requestErasure(deps, 'user_id', 'u-ann')).rejects.toThrow('DynamoDB is unavailable');

    // Act
    const finished = await eraseFromProfiles(deps, jobs.only());

    // Assess: the suppression was counted once; the second run found only the profile item left.
    expect(finished.status).toBe('profile_erased');
    expect(finished.results.identitiesSuppressed).toBe(3);
    expect(finished.results.dynamoItemsRemoved).toBe(1);
    expect(people.live().map((profile) => profile.identities.user_id)).toEqual([['u-bob']]);
  });

  it('removes the profiles merged into the person, and their partitions', async () => {
    // Prepare: two anonymous visits, then a login that merges them.
    const { deps, people, jobs } = await twoPeople();
    await resolveBatch(
      people,
      batchOf([event({ messageId: 'c-1', anonymousId: 'a-carl-1' })], 'shard-1', 10),
      {
        rules,
      },
    );
    await resolveBatch(
      people,
      batchOf([event({ messageId: 'c-2', anonymousId: 'a-carl-2' })], 'shard-1', 11),
      {
        rules,
      },
    );
    await resolveBatch(
      people,
      batchOf(
        [
          event({
            messageId: 'c-3',
            type: 'identify',
            anonymousId: 'a-carl-2',
            context: { traits: { email: 'carl@example.com' } },
          }),
        ],
        'shard-1',
        12,
      ),
      { rules },
    );
    await resolveBatch(
      people,
      batchOf(
        [
          event({
            messageId: 'c-4',
            anonymousId: 'a-carl-1',
            context: { traits: { email: 'carl@example.com' } },
          }),
        ],
        'shard-1',
        13,
      ),
      { rules },
    );
    const carl = people.profileOf('email', 'carl@example.com');
    expect(carl?.merged.length).toBe(1);

    // Act
    await requestErasure(deps, 'anonymous_id', 'a-carl-1');

    // Assess
    const job = jobs.only();
    expect(job.profileIds).toHaveLength(2);
    for (const profileId of job.profileIds) {
      expect(people.stored.has(profileId)).toBe(false);
      expect(people.events.has(profileId)).toBe(false);
    }
    expect([...people.links.keys()].filter((key) => key.includes('carl'))).toEqual([]);
  });
});

describe('describeErasure', () => {
  it('shows the job without plain identifiers, with the late events counted on its entries', async () => {
    // Prepare
    const { deps, suppressions } = await twoPeople();
    await requestErasure(deps, 'user_id', 'u-ann');
    const entry = suppressions.entries.get(suppressionKey({ type: 'user_id', value: 'u-ann' }));
    if (entry === undefined) throw new Error('no entry');
    suppressions.entries.set(entry.key, { ...entry, late: { ...entry.late, dropped: 2 } });

    // Act
    const view = await describeErasure(deps, 'erasure-1', 300_000);
    const missing = await describeErasure(deps, 'erasure-9');

    // Assess
    expect(view).toEqual({
      erasureId: 'erasure-1',
      status: 'profile_erased',
      requestedAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      suppressedAt: '2026-12-01T10:00:00.000Z',
      profileErasedAt: '2026-12-01T10:00:00.000Z',
      // suppressedAt + 5 minutes.
      lakePassAfter: '2026-12-01T10:05:00.000Z',
      profileIds: [expect.any(String)],
      identities: { user_id: 1, anonymous_id: 1, email: 1 },
      results: { identitiesSuppressed: 3, dynamoItemsRemoved: 5, lake: {}, lateEventsDropped: 2 },
    });
    for (const plain of ['u-ann', 'a-ann', 'ann@example.com'])
      expect(JSON.stringify(view)).not.toContain(plain);
    expect(missing).toBeUndefined();
  });
});
