/**
 * Erasing a person from the identity graph and profiles (the DynamoDB half of an erasure; the lake half is
 * lake-pass.ts). Every step is idempotent, so the request does what it can within its time and the hourly
 * upkeep finishes any job left `accepted`:
 *
 * 1. the job is stored with the person's identities and profile ids;
 * 2. every identity is written to the suppression list — first, so that from now on resolution drops the
 *    person's late events instead of re-creating them;
 * 3. the identity items, the profiles merged into theirs (redirects) and every item of their partitions
 *    (recent events, refused links) are removed;
 * 4. the live profile is removed only if it is still at the version read. If a resolution wrote it meanwhile
 *    (it may have linked new identities), the person is read again and 2–4 redone.
 *
 * A virtual profile (a new visitor known by one identity item, its profile item not written yet) has no item
 * to remove: in its place goes a short-lived tombstone, if no item is there yet, so that a resolution that read
 * the identity before its removal cannot create the profile after it (its create fails on the tombstone, it
 * reads again and screens its events out). If a resolution created the profile first, the tombstone is refused
 * and the person is read again, as in 4.
 */

import { suppressionKey } from '../identity/hashing.ts';
import type { Identity } from '../identity/identifiers.ts';
import { identityKey } from '../identity/identifiers.ts';
import { normaliseIdentifier } from '../identity/normalise.ts';
import { maxRedirectHops } from '../identity/plan.ts';
import { newProfileId } from '../identity/profile-id.ts';
import type { IdentityRules } from '../identity/rules.ts';
import { findProfile } from '../profiles/lookup.ts';
import type { LiveProfile } from '../profiles/model.ts';
import { ErasureJobConflictError } from './errors.ts';
import { countByType, type ErasureJob, type ErasureView, erasureView } from './model.ts';
import type { ErasureStore, PersonStore, SuppressionList, SuppressionWriter } from './ports.ts';

export interface ErasureDependencies {
  readonly people: PersonStore;
  readonly jobs: ErasureStore;
  readonly suppressions: SuppressionWriter & SuppressionList;
  readonly rules: IdentityRules;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default a time-ordered id like a profile id */
  readonly newErasureId?: (now: number) => string;
}

export type ErasureRequestOutcome =
  /** A new job, or the one a request before this is still running for the person. */
  | { readonly kind: 'accepted'; readonly job: ErasureJob }
  /** The identifier's person was erased already: the job that did it. */
  | { readonly kind: 'erased_before'; readonly job: ErasureJob }
  | { readonly kind: 'unknown' };

/** Times the person is read again because a resolution changed their profile during the removal. */
const maxRemovalAttempts = 5;

/**
 * Starts the erasure of the person `idType`/`idValue` belongs to and does its DynamoDB half, unless
 * `shouldStop` says time is short (the upkeep finishes it).
 * @throws InvalidProfileRequestError when `idType` is not an identifier type name.
 *
 * @example const outcome = await requestErasure(deps, 'email', 'ann@example.com', { shouldStop: () => false });
 */
export async function requestErasure(
  deps: ErasureDependencies,
  idType: string,
  idValue: string,
  options: { readonly shouldStop?: () => boolean } = {},
): Promise<ErasureRequestOutcome> {
  const profile = await findProfile(deps.people, idType, idValue, deps.rules);
  if (profile === undefined) return erasedBefore(deps, idType, idValue);
  // Repeated while the first job is still under way: that job, left for the upkeep to finish (a Scan, but of a
  // table of one small item per erasure request).
  const open = (await deps.jobs.unfinished()).find((job) => job.profileIds.includes(profile.profileId));
  if (open !== undefined) return { kind: 'accepted', job: open };
  const now = (deps.now ?? Date.now)();
  const identities = identitiesOf(profile);
  const job: ErasureJob = {
    erasureId: (deps.newErasureId ?? newProfileId)(now),
    status: 'accepted',
    version: 0,
    requestedAt: now,
    updatedAt: now,
    lakeFailures: 0,
    profileIds: [profile.profileId, ...profile.merged],
    identities,
    identityCounts: countByType(identities),
    suppressionKeys: identities.map(suppressionKey),
    results: { identitiesSuppressed: 0, dynamoItemsRemoved: 0, lake: {} },
  };
  await deps.jobs.create(job);
  return { kind: 'accepted', job: await eraseFromProfiles(deps, job, options) };
}

/** A DELETE repeated after the person is gone answers with the erasure that removed them. */
async function erasedBefore(
  deps: ErasureDependencies,
  idType: string,
  idValue: string,
): Promise<ErasureRequestOutcome> {
  const normalised = normaliseIdentifier(idType, idValue, deps.rules);
  if (!normalised.ok) return { kind: 'unknown' };
  const key = suppressionKey({ type: idType, value: normalised.value });
  const entry = (await deps.suppressions.suppressed([key])).get(key);
  const job = entry === undefined ? undefined : await deps.jobs.get(entry.erasureId);
  return job === undefined ? { kind: 'unknown' } : { kind: 'erased_before', job };
}

/**
 * Steps 2–4 for an `accepted` job; resolves with the job as saved: `profile_erased` when done, still
 * `accepted` when `shouldStop` cut it short or the profile kept changing (`reason` says which).
 * @throws ErasureJobConflictError when another run changed the job meanwhile.
 */
export async function eraseFromProfiles(
  deps: ErasureDependencies,
  job: ErasureJob,
  options: { readonly shouldStop?: () => boolean } = {},
): Promise<ErasureJob> {
  const { people } = deps;
  const now = deps.now ?? Date.now;
  const shouldStop = options.shouldStop ?? (() => false);
  let current = job;
  for (let attempt = 0; attempt < maxRemovalAttempts; attempt += 1) {
    if (shouldStop()) return current;
    const person = await readPerson(people, current.profileIds);
    const identities = union(current.identities, person.live ? identitiesOf(person.live) : []);
    const profileIds = [...new Set([...current.profileIds, ...person.profileIds])];
    const newlySuppressed = await deps.suppressions.suppress(
      identities.map(suppressionKey),
      current.erasureId,
      now(),
    );
    // Saved before anything is removed: a run that stops after this point resumes with every identity known.
    current = await save(
      deps.jobs,
      current,
      {
        profileIds,
        identities,
        identityCounts: countByType(identities),
        suppressionKeys: identities.map(suppressionKey),
        // The lake pass waits for landing's copies of the list to include the latest entries.
        ...(newlySuppressed > 0 || current.suppressedAt === undefined ? { suppressedAt: now() } : {}),
        results: {
          ...current.results,
          identitiesSuppressed: current.results.identitiesSuppressed + newlySuppressed,
        },
      },
      now(),
    );

    let removed = await people.removeIdentities(identities);
    for (const profileId of profileIds) {
      if (profileId === person.live?.profileId) continue;
      // A profile without an item may get one from a resolution at any moment: only the tombstone's
      // condition may settle that, never a blind delete.
      const keepProfileItem = person.missing.includes(profileId);
      removed += await people.removeProfileItems(profileId, { keepProfileItem });
    }
    let done = true;
    for (const profileId of person.missing) {
      if (!(await people.removeProfile(profileId, 0))) done = false;
    }
    if (person.live !== undefined && done) {
      removed += await people.removeProfileItems(person.live.profileId, { keepProfileItem: true });
      done = await people.removeProfile(person.live.profileId, person.live.version);
      if (done) removed += 1;
    }
    const results = { ...current.results, dynamoItemsRemoved: current.results.dynamoItemsRemoved + removed };
    if (done) {
      const at = now();
      return save(
        deps.jobs,
        current,
        { status: 'profile_erased', profileErasedAt: at, results, reason: undefined },
        at,
      );
    }
    current = await save(deps.jobs, current, { results }, now());
  }
  return save(
    deps.jobs,
    current,
    { reason: 'the profile kept changing during the removal; the hourly upkeep tries again' },
    now(),
  );
}

/** The job as `GET /v1/erasures/{erasureId}` shows it, with the late events counted on its entries. */
export async function describeErasure(
  deps: Pick<ErasureDependencies, 'jobs' | 'suppressions'>,
  erasureId: string,
  lakeDelayMs?: number,
): Promise<ErasureView | undefined> {
  const job = await deps.jobs.get(erasureId);
  if (job === undefined) return undefined;
  const entries =
    job.suppressionKeys.length > 0 ? await deps.suppressions.suppressed(job.suppressionKeys) : new Map();
  let late = 0;
  for (const entry of entries.values()) if (entry.erasureId === erasureId) late += entry.late.dropped;
  return erasureView(job, late, lakeDelayMs);
}

/** Writes `changes` over the job at its current version. */
export async function save(
  jobs: ErasureStore,
  job: ErasureJob,
  changes: Partial<ErasureJob>,
  now: number,
): Promise<ErasureJob> {
  const next: ErasureJob = { ...job, ...changes, version: job.version + 1, updatedAt: now };
  if (!(await jobs.save(next, job.version))) throw new ErasureJobConflictError(job.erasureId);
  return next;
}

interface Person {
  /** The live profile the job's profiles lead to, if it still exists. */
  readonly live: LiveProfile | undefined;
  /** Every profile met on the way, redirects included. */
  readonly profileIds: readonly string[];
  /**
   * Profiles met that have no item: virtual ones (only an identity item points at them), or ones an earlier
   * attempt removed. Each gets a tombstone (removeProfile at version 0).
   */
  readonly missing: readonly string[];
}

/**
 * The person as the graph holds them now: the job's profiles read again, redirects followed to their live end
 * (a merge meanwhile may have made another, older profile the person's).
 */
async function readPerson(people: PersonStore, profileIds: readonly string[]): Promise<Person> {
  const seen = new Set<string>();
  const missing: string[] = [];
  let pending = [...profileIds];
  let live: LiveProfile | undefined;
  for (let hop = 0; pending.length > 0 && hop <= maxRedirectHops; hop += 1) {
    for (const id of pending) seen.add(id);
    const read = await people.profiles(pending);
    missing.push(...pending.filter((id) => !read.has(id)));
    const next: string[] = [];
    for (const profile of read.values()) {
      if (profile.kind === 'live') {
        if (live === undefined || profile.createdAt < live.createdAt) live = profile;
        for (const merged of profile.merged) if (!seen.has(merged)) next.push(merged);
      } else if (!seen.has(profile.mergedInto)) {
        next.push(profile.mergedInto);
      }
    }
    pending = [...new Set(next)];
  }
  return { live, profileIds: [...seen], missing };
}

function identitiesOf(profile: LiveProfile): Identity[] {
  return Object.entries(profile.identities).flatMap(([type, values]) =>
    values.map((value) => ({ type, value })),
  );
}

function union(a: readonly Identity[], b: readonly Identity[]): Identity[] {
  return [...new Map([...a, ...b].map((identity) => [identityKey(identity), identity])).values()];
}
