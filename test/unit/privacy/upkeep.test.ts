import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import type { CollectedEvent } from '../../../shared/events/model.ts';
import { resolveBatch } from '../../../shared/identity/resolve.ts';
import { landBatch } from '../../../shared/lake/land.ts';
import { decodeParquet } from '../../../shared/lake/parquet.ts';
import { eventsTable } from '../../../shared/lake/schema.ts';
import { requestErasure } from '../../../shared/privacy/erase.ts';
import { maxLakeAttempts } from '../../../shared/privacy/model.ts';
import { type ErasureUpkeepDependencies, runErasureUpkeep } from '../../../shared/privacy/upkeep.ts';
import { event, rulesOf, sequenceNumber } from '../identity/fixtures.ts';
import {
  MemoryErasureStore,
  MemoryPersonStore,
  MemorySuppressionList,
  VersionedMemoryStore,
} from './fakes.ts';

const rules = rulesOf();
const t0 = Date.parse('2026-12-01T10:00:00.000Z');
const minute = 60_000;
const lakeDelayMs = 4 * minute;

const annEvents = [
  event({ messageId: 'ann-1', anonymousId: 'a-ann', timestamp: '2026-11-20T10:00:00.000Z' }),
  event({
    messageId: 'ann-2',
    type: 'identify',
    anonymousId: 'a-ann',
    userId: 'u-ann',
    traits: { email: 'ann@example.com' },
    timestamp: '2026-11-20T10:05:00.000Z',
  }),
];
/** Carl lands beside Ann; Bob a day later, in a partition of his own. */
const otherEvents = [
  event({ messageId: 'carl-1', anonymousId: 'a-carl', timestamp: '2026-11-20T12:00:00.000Z' }),
  event({ messageId: 'bob-1', userId: 'u-bob', timestamp: '2026-11-21T11:00:00.000Z' }),
];

const records = (events: readonly CollectedEvent[], first: number) =>
  events.map((collected, index) => ({
    sequenceNumber: sequenceNumber(first + index),
    data: encodeEnvelope({ schema: 'cdp.event/1', event: collected }),
  }));

/** Ann, Bob and Carl resolved and landed, as the two stream consumers do. */
async function platform() {
  const people = new MemoryPersonStore();
  const suppressions = new MemorySuppressionList();
  const lake = new VersionedMemoryStore();
  const batch = { shardId: 'shard-1', records: records([...annEvents, ...otherEvents], 1) };
  await resolveBatch(people, batch, { rules, suppressions });
  await landBatch(lake, batch);
  const jobs = new MemoryErasureStore();
  let clock = t0;
  let ids = 0;
  const deps: ErasureUpkeepDependencies = {
    people,
    jobs,
    suppressions,
    rules,
    lake,
    versions: lake,
    lakeDelayMs,
    now: () => clock,
    newErasureId: () => `erasure-${++ids}`,
  };
  return { people, suppressions, lake, jobs, deps, at: (ms: number) => (clock = t0 + ms) };
}

async function messageIds(lake: VersionedMemoryStore): Promise<string[]> {
  const ids: string[] = [];
  for (const key of lake.keys('events/')) {
    const bytes = await lake.get(key);
    if (bytes) for (const row of await decodeParquet(eventsTable, bytes)) ids.push(String(row.message_id));
  }
  return ids.sort();
}

describe('runErasureUpkeep', () => {
  it('removes the person from the lake once landing can no longer hold an old list, then completes the job', async () => {
    // Prepare
    const { lake, jobs, deps, at } = await platform();
    await requestErasure(deps, 'user_id', 'u-ann');

    // Act
    at(lakeDelayMs - 1);
    const early = await runErasureUpkeep(deps);
    at(lakeDelayMs);
    const due = await runErasureUpkeep(deps);

    // Assess
    expect(early).toMatchObject({ completed: [], waiting: 1 });
    expect(early.lakePass).toBeUndefined();
    expect(due).toMatchObject({
      completed: ['erasure-1'],
      waiting: 0,
      lakePass: { jobs: 1, complete: true },
    });
    expect(await messageIds(lake)).toEqual(['bob-1', 'carl-1']);
    const job = jobs.only();
    expect(job).toMatchObject({ status: 'completed', completedAt: t0 + lakeDelayMs, identities: [] });
    expect(job.identityCounts).toEqual({ user_id: 1, anonymous_id: 1, email: 1 });
    expect(job.results.lake.events).toEqual({
      filesRewritten: 1,
      filesDeleted: 0,
      rowsRemoved: 2,
      oldVersionsDeleted: 1,
    });
    expect(job.lakeCursor).toBeUndefined();
  });

  it("keeps the person's late events out of the lake once landing screens against the list", async () => {
    // Prepare
    const { lake, suppressions, deps, at } = await platform();
    await requestErasure(deps, 'email', 'ann@example.com');
    at(lakeDelayMs);
    await runErasureUpkeep(deps);

    // Act
    const landed = await landBatch(
      lake,
      { shardId: 'shard-1', records: records([event({ messageId: 'ann-3', anonymousId: 'a-ann' })], 10) },
      { suppressedKeys: await suppressions.allKeys() },
    );

    // Assess
    expect(landed).toMatchObject({ suppressed: 1, files: [] });
    expect(await messageIds(lake)).toEqual(['bob-1', 'carl-1']);
  });

  it('finishes the DynamoDB half of a job the request left accepted, once it has sat for five minutes', async () => {
    // Prepare
    const { people, jobs, deps, at } = await platform();
    await requestErasure(deps, 'user_id', 'u-ann', { shouldStop: () => true });

    // Act
    at(4 * minute);
    const tooSoon = await runErasureUpkeep(deps);
    at(5 * minute);
    const taken = await runErasureUpkeep(deps);
    at(5 * minute + lakeDelayMs);
    const lake = await runErasureUpkeep(deps);

    // Assess: the lake waits from the suppression, which the upkeep made.
    expect(tooSoon.profilesErased).toEqual([]);
    expect(taken).toMatchObject({ profilesErased: ['erasure-1'], completed: [] });
    expect(people.profileOf('anonymous_id', 'a-ann')).toBeUndefined();
    expect(lake.completed).toEqual(['erasure-1']);
    expect(jobs.only().status).toBe('completed');
  });

  it('records a failing lake pass, and fails the job after the last attempt', async () => {
    // Prepare
    const { lake, jobs, deps, at } = await platform();
    await requestErasure(deps, 'user_id', 'u-ann');
    lake.hooks.beforeGet = (key) => {
      if (key.startsWith('events/')) throw new Error('S3 is unavailable');
    };
    at(lakeDelayMs);

    // Act
    const runs = [];
    for (let run = 0; run < maxLakeAttempts; run += 1) runs.push(await runErasureUpkeep(deps));

    // Assess
    expect(runs.map((run) => run.failed)).toEqual([[], [], ['erasure-1']]);
    expect(runs[0]?.errors).toEqual([{ erasureId: 'erasure-1', reason: 'S3 is unavailable' }]);
    expect(jobs.only()).toMatchObject({
      status: 'failed',
      lakeFailures: 3,
      reason: 'lake pass failed: S3 is unavailable',
    });
    // Kept, so that the job can be run again once the cause is fixed.
    expect(jobs.only().identities).toHaveLength(3);
  });

  it('lets a pass under way finish before it starts one for newer jobs', async () => {
    // Prepare: Ann's pass stopped after the first partition; Bob's erasure is due too.
    const { lake, jobs, deps, at } = await platform();
    await requestErasure(deps, 'user_id', 'u-ann');
    at(lakeDelayMs);
    let rewritten = false;
    lake.hooks.beforePut = (key) => {
      if (key.startsWith('events/dt=2026-11-20/')) rewritten = true;
    };
    const firstPartitionDone = () =>
      rewritten && !lake.old.some((version) => version.key.startsWith('events/dt=2026-11-20/'));
    const stopped = await runErasureUpkeep({ ...deps, shouldStop: firstPartitionDone });
    lake.hooks.beforePut = undefined;
    await requestErasure(deps, 'user_id', 'u-bob');
    at(2 * lakeDelayMs);

    // Act
    const annOnly = await runErasureUpkeep(deps);
    const bob = await runErasureUpkeep(deps);

    // Assess
    expect(stopped.lakePass).toEqual({ jobs: 1, complete: false });
    expect(annOnly).toMatchObject({
      completed: ['erasure-1'],
      lakePass: { jobs: 1, complete: true },
      waiting: 1,
    });
    expect(bob).toMatchObject({ completed: ['erasure-2'], waiting: 0 });
    expect(await messageIds(lake)).toEqual(['carl-1']);
    expect([...jobs.jobs.values()].map((job) => job.status)).toEqual(['completed', 'completed']);
  });
});
