/**
 * The hourly part of erasures, run by the lake upkeep (the `compact` function) after compaction, so that no
 * compaction runs while a partition is rewritten:
 *
 * 1. jobs left `accepted` (the request ran out of time or failed midway) for a while are taken through their
 *    DynamoDB half again;
 * 2. one lake pass for the jobs `profile_erased` whose suppression began at least `lakeDelayMs` ago — every
 *    cached copy of the suppression list the land function holds is then younger than the erasure, so no
 *    late event of the person can still land behind the pass. A pass cut short by time resumes next run with
 *    the same jobs; new jobs wait for it to finish, so every pass ends;
 * 3. jobs whose pass completed are `completed`: their partitions are swept once more (a recent-events write
 *    of a resolution that raced the removal) and their plain identities dropped.
 */
import type { ObjectStore, ObjectVersionStore } from '../ports.ts';
import { type ErasureDependencies, eraseFromProfiles, save } from './erase.ts';
import { ErasureMatcher } from './lake-match.ts';
import { eraseFromLake } from './lake-pass.ts';
import { addRemovals, type ErasureJob, type LakeRemoval, maxLakeAttempts, noLakeRemoval } from './model.ts';

export interface ErasureUpkeepDependencies extends ErasureDependencies {
  readonly lake: ObjectStore;
  /** Old versions in the lake bucket (versioned in AWS). */
  readonly versions?: ObjectVersionStore;
  /** Time from a job's `suppressedAt` to its lake pass (timing.ts `erasureLakeDelayMs`). */
  readonly lakeDelayMs: number;
  /** How long an `accepted` job sits unchanged before the upkeep takes it over from the request. @default 5 min */
  readonly stuckAfterMs?: number;
  /** Asked between steps; `true` leaves the rest for the next run. */
  readonly shouldStop?: () => boolean;
}

export interface ErasureUpkeepSummary {
  /** Jobs taken to `profile_erased` by this run. */
  readonly profilesErased: readonly string[];
  readonly completed: readonly string[];
  readonly failed: readonly string[];
  /** The lake pass of this run, if one ran. */
  readonly lakePass?: { readonly jobs: number; readonly complete: boolean };
  /** Jobs still unfinished after this run: too recent, waiting for another pass, or with a pass under way. */
  readonly waiting: number;
  /** Steps that failed; their jobs are tried again next run. */
  readonly errors: readonly { readonly erasureId: string; readonly reason: string }[];
}

const DEFAULT_STUCK_AFTER_MS = 5 * 60_000;

/**
 * @example
 *   const summary = await runErasureUpkeep({ people, jobs, suppressions, rules, lake, versions: lake, lakeDelayMs });
 */
export async function runErasureUpkeep(deps: ErasureUpkeepDependencies): Promise<ErasureUpkeepSummary> {
  const now = deps.now ?? Date.now;
  const shouldStop = deps.shouldStop ?? (() => false);
  const stuckAfterMs = deps.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  const profilesErased: string[] = [];
  const completed: string[] = [];
  const failed: string[] = [];
  const errors: { erasureId: string; reason: string }[] = [];
  const failure = (job: ErasureJob, error: unknown) =>
    errors.push({ erasureId: job.erasureId, reason: error instanceof Error ? error.message : String(error) });

  const unfinished: ErasureJob[] = [];
  for (const job of await deps.jobs.unfinished()) {
    if (job.status !== 'accepted' || now() - job.updatedAt < stuckAfterMs || shouldStop()) {
      unfinished.push(job);
      continue;
    }
    try {
      const after = await eraseFromProfiles(deps, job, { shouldStop });
      if (after.status === 'profile_erased') profilesErased.push(after.erasureId);
      unfinished.push(after);
    } catch (error) {
      failure(job, error);
    }
  }

  const ready = unfinished.filter(
    (job) =>
      job.status === 'profile_erased' &&
      job.suppressedAt !== undefined &&
      now() - job.suppressedAt >= deps.lakeDelayMs,
  );
  const batch = passBatch(ready);
  const summary = () => ({
    profilesErased,
    completed,
    failed,
    waiting: unfinished.length - completed.length - failed.length,
    errors,
  });
  if (batch.length === 0 || shouldStop()) return summary();

  const matcher = new ErasureMatcher(batch);
  const pass = await eraseFromLake(deps.lake, matcher, {
    rules: deps.rules,
    ...(deps.versions === undefined ? {} : { versions: deps.versions }),
    ...(batch[0]?.lakeCursor === undefined ? {} : { cursor: batch[0].lakeCursor }),
    shouldStop,
  });
  for (const job of batch) {
    const results = {
      ...job.results,
      lake: mergeRemovals(job.results.lake, pass.removals.get(job.erasureId) ?? {}),
    };
    try {
      if (pass.complete) {
        await complete(deps, job, results);
        completed.push(job.erasureId);
      } else if (pass.error !== undefined) {
        const lakeFailures = job.lakeFailures + 1;
        const reason = `lake pass failed: ${pass.error instanceof Error ? pass.error.message : String(pass.error)}`;
        const gaveUp = lakeFailures >= maxLakeAttempts;
        await save(
          deps.jobs,
          job,
          { results, lakeFailures, reason, lakeCursor: pass.cursor, ...(gaveUp ? { status: 'failed' } : {}) },
          now(),
        );
        if (gaveUp) failed.push(job.erasureId);
        failure(job, pass.error);
      } else {
        await save(deps.jobs, job, { results, lakeCursor: pass.cursor }, now());
      }
    } catch (error) {
      failure(job, error);
    }
  }
  return { ...summary(), lakePass: { jobs: batch.length, complete: pass.complete } };
}

/**
 * The jobs of the pass under way (those sharing the first cursor found), else every job ready: a pass that
 * takes several runs is never restarted by newer jobs.
 */
function passBatch(ready: readonly ErasureJob[]): ErasureJob[] {
  const underway = ready.find((job) => job.lakeCursor !== undefined)?.lakeCursor;
  if (underway === undefined) return [...ready];
  return ready.filter(
    (job) => job.lakeCursor?.area === underway.area && job.lakeCursor.after === underway.after,
  );
}

async function complete(
  deps: ErasureUpkeepDependencies,
  job: ErasureJob,
  results: ErasureJob['results'],
): Promise<void> {
  let swept = await deps.people.removeIdentities(job.identities);
  for (const profileId of job.profileIds) {
    swept += await deps.people.removeProfileItems(profileId, { keepProfileItem: false });
  }
  const at = (deps.now ?? Date.now)();
  await save(
    deps.jobs,
    job,
    {
      status: 'completed',
      completedAt: at,
      identities: [],
      lakeCursor: undefined,
      reason: undefined,
      lakeFailures: 0,
      results: { ...results, dynamoItemsRemoved: results.dynamoItemsRemoved + swept },
    },
    at,
  );
}

function mergeRemovals(
  a: Readonly<Record<string, LakeRemoval>>,
  b: Readonly<Record<string, LakeRemoval>>,
): Record<string, LakeRemoval> {
  const merged: Record<string, LakeRemoval> = { ...a };
  for (const [area, removal] of Object.entries(b))
    merged[area] = addRemovals(merged[area] ?? noLakeRemoval, removal);
  return merged;
}
