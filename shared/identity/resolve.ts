/**
 * Resolution of one batch of stream records (one shard, in order) into the identity graph and profiles.
 *
 * The batch is cut into units: events connected through a shared identity or a shared profile. Units touch
 * disjoint parts of the graph, so they are planned from one read of the graph and committed concurrently; all
 * of a person's events in the batch are one unit, so their profile is written once per batch (coalesced), not
 * once per event. A unit whose commit finds that another writer got there first (another shard, a concurrent
 * retry) reads again and re-plans, a bounded number of times.
 *
 * At-least-once delivery is safe: a profile remembers, per shard, the sequence number of the last event it
 * applied and the digests of its recent messageIds, and planning skips events a profile has applied already.
 *
 * Two functions read the stream through this module (docs/identity.md#two-lanes): `resolve` with
 * `identityOnly`, a short window, so that a person's identities are linked within seconds (it writes only
 * when the graph changes, and needs no marks: a link is never written twice); and `activity`, which plans
 * everything over a window of minutes, so that a person's events cost one profile write per window. Both
 * write with the same conditions, so they converge as two shards do.
 */

import { mapConcurrently } from '../concurrency.ts';
import { decodeEnvelope } from '../lake/envelope.ts';
import { InvalidStreamRecordError } from '../lake/errors.ts';
import type { SuppressionList } from '../privacy/ports.ts';
import { type ScreenResult, SuppressionScreen } from '../privacy/screen.ts';
import type { LiveProfile, StoredProfile } from '../profiles/model.ts';
import { ResolutionConflictError } from './errors.ts';
import { eventIdentifiers } from './extract.ts';
import { type Identity, identityKey } from './identifiers.ts';
import type { LinkCache } from './link-cache.ts';
import {
  lookups,
  type Plan,
  type PlanContext,
  type ProfileMerge,
  planEvents,
  type ShardEvent,
  WorkingGraph,
} from './plan.ts';
import type { GraphWrites, IdentityGraphReader, IdentityGraphStore } from './ports.ts';
import { newProfileId } from './profile-id.ts';
import type { IdentityRules } from './rules.ts';

export interface ResolveRecord {
  readonly sequenceNumber: string;
  /** The record's payload: a JSON `StreamEnvelope`. */
  readonly data: Uint8Array;
}

/** The records of one shard, in shard order. */
export interface ResolveBatch {
  readonly shardId: string;
  readonly records: readonly ResolveRecord[];
}

export interface ResolveOptions {
  readonly rules: IdentityRules;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default newProfileId */
  readonly newProfileId?: () => string;
  /** Plans and commits of one unit before its events are reported as failed. @default 8 */
  readonly maxAttempts?: number;
  /** Units committed at once. @default 8 */
  readonly concurrency?: number;
  /** Waits between attempts; injectable so tests need no timers. @default jittered exponential backoff */
  readonly sleep?: (attempt: number) => Promise<void>;
  /**
   * Erased people's identities (docs/identity.md#erasure): an event carrying one is dropped before planning and
   * counted on the list. @default none: no event is screened
   */
  readonly suppressions?: SuppressionList;
  /** Identity work only: see `PlanContext.identityOnly`. @default false */
  readonly identityOnly?: boolean;
  /**
   * With `identityOnly`: links remembered across batches (one per warm function), so that a returning
   * visitor's events are settled without reading their identity items again. @default none
   */
  readonly linkCache?: LinkCache;
}

export interface ResolveResult {
  /** Records to report as failed: Lambda delivers the batch again from the lowest. */
  readonly failures: readonly { readonly sequenceNumber: string; readonly reason: string }[];
  readonly applied: number;
  readonly skipped: number;
  readonly unresolved: number;
  readonly refused: number;
  readonly merged: number;
  readonly commits: number;
  readonly conflicts: number;
  /** Why units failed: their records are among `failures`. */
  readonly errors: readonly unknown[];
  /** Writes of recent events, refusals or shortcuts that failed after their commit (best effort). */
  readonly sideWriteErrors: readonly unknown[];
  /** Events dropped because they carry an erased person's identity (replays of such events included). */
  readonly suppressed: number;
  /**
   * For the identity map in the lake (publish.ts): the latest state of every live profile the batch
   * committed, or that its skipped events (replays) resolve to; none that the batch merged away. None with
   * `identityOnly`: the `activity` lane reads the same events and publishes every profile they touch, so the
   * identity lane publishes only its `merges` (the rows that name the merging event) — lake files when it
   * merges, not every second.
   */
  readonly profiles: readonly LiveProfile[];
  /** The merges the batch committed. */
  readonly merges: readonly ProfileMerge[];
}

/**
 * Applies a batch to the graph in `store`.
 *
 * @example
 *   const result = await resolveBatch(store, { shardId, records }, { rules: identityRules(settings.identity) });
 *   return { batchItemFailures: result.failures.map((f) => ({ itemIdentifier: f.sequenceNumber })) };
 */
export async function resolveBatch(
  store: IdentityGraphStore,
  batch: ResolveBatch,
  options: ResolveOptions,
): Promise<ResolveResult> {
  const failures: { sequenceNumber: string; reason: string }[] = [];
  const events: ShardEvent[] = [];
  for (const { sequenceNumber, data } of batch.records) {
    try {
      const envelope = decodeEnvelope(data);
      if (envelope.schema === 'cdp.event/1') events.push({ sequenceNumber, event: envelope.event });
    } catch (error) {
      if (!(error instanceof InvalidStreamRecordError)) throw error;
      failures.push({ sequenceNumber, reason: error.message });
    }
  }
  const tally = new Tally(options.identityOnly ?? false);
  if (events.length === 0) return tally.result(failures);

  let pending = events;
  let reader: IdentityGraphReader = store;
  if (options.identityOnly) {
    // Most events come from people whose every identifier is linked already: nothing to plan or write.
    const recording = new RecordingReader(store);
    const settled = await settledEvents(recording, events, options.rules, options.linkCache);
    tally.applied += settled.size;
    pending = events.filter((_, index) => !settled.has(index));
    reader = recording.snapshot();
  }
  const screen =
    options.suppressions && new SuppressionScreen(options.suppressions, batch.shardId, !options.identityOnly);
  const readAt = (options.now ?? Date.now)();
  const { units, snapshot, screened } = await unitsOf(reader, pending, options.rules, screen);
  tally.suppressed += screened.dropped.size;
  failures.push(...screened.failures);
  const run = new UnitRunner(store, batch.shardId, options, tally, screen);
  const unitFailures = await mapConcurrently(units, options.concurrency ?? 8, (unit) =>
    run.unit(unit, snapshot, readAt),
  );
  return tally.result([...failures, ...unitFailures.flat()]);
}

class Tally {
  constructor(private readonly identityOnly: boolean) {}

  applied = 0;
  skipped = 0;
  unresolved = 0;
  refused = 0;
  merged = 0;
  commits = 0;
  conflicts = 0;
  suppressed = 0;
  readonly errors: unknown[] = [];
  readonly sideWriteErrors: unknown[] = [];
  readonly merges: ProfileMerge[] = [];
  /** Per profile, the state of the highest version committed or seen by a skipped event. */
  private readonly profiles = new Map<string, LiveProfile>();

  /** Counts a committed plan. */
  add(plan: Plan): void {
    this.applied += plan.applied.length;
    this.skipped += plan.skipped.length;
    this.unresolved += plan.unresolved.length;
    this.refused += plan.refusals.length;
    this.merged += plan.writes.redirects.length;
    this.merges.push(...plan.merges);
    if (this.identityOnly) return;
    const { creates, updates } = plan.writes;
    for (const profile of [...creates, ...updates.map((update) => update.profile), ...plan.skippedProfiles]) {
      const known = this.profiles.get(profile.profileId);
      if (known === undefined || profile.version > known.version)
        this.profiles.set(profile.profileId, profile);
    }
  }

  result(failures: ResolveResult['failures']): ResolveResult {
    const { applied, skipped, unresolved, refused, merged, commits, conflicts, errors, sideWriteErrors } =
      this;
    const mergedAway = new Set(this.merges.map((merge) => merge.profileId));
    const profiles = [...this.profiles.values()].filter((profile) => !mergedAway.has(profile.profileId));
    return {
      failures,
      applied,
      skipped,
      unresolved,
      refused,
      merged,
      commits,
      conflicts,
      errors,
      sideWriteErrors,
      suppressed: this.suppressed,
      profiles,
      merges: this.merges,
    };
  }
}

class UnitRunner {
  /**
   * Sequence numbers this invocation committed or is committing (see `PlanContext.ownSequenceNumbers`); one
   * whose commit failed was never written as a mark, so keeping it changes nothing.
   */
  private readonly own = new Set<string>();

  constructor(
    private readonly store: IdentityGraphStore,
    private readonly shardId: string,
    private readonly options: ResolveOptions,
    private readonly tally: Tally,
    private readonly screen?: SuppressionScreen,
  ) {}

  /** Plans and commits a unit until all its events are done; returns the events that could not be. */
  async unit(
    unit: readonly ShardEvent[],
    snapshot: IdentityGraphReader,
    snapshotReadAt: number,
  ): Promise<{ sequenceNumber: string; reason: string }[]> {
    const { store, options } = this;
    const clock = options.now ?? Date.now;
    const maxAttempts = options.maxAttempts ?? 8;
    let pending = unit;
    let reader = snapshot;
    let readAt = snapshotReadAt;
    let attempt = 0;
    /** Events dropped as an erased person's whose count could not be written. */
    const uncounted: { sequenceNumber: string; reason: string }[] = [];
    while (pending.length > 0) {
      let plan: Plan;
      let committed: boolean;
      let stale = false;
      try {
        if (reader === store) readAt = clock();
        plan = await planEvents(reader, pending, this.context());
        // The batch's read may be minutes old when a long batch reaches this unit: an erasure since then may have
        // removed identities this plan would link again. Screen the events again before linking anything.
        stale =
          this.screen !== undefined && plan.writes.links.length > 0 && clock() - readAt > maxSnapshotAgeMs;
        // Known before the marks are written, so that no unit planning meanwhile can read one as another's.
        if (!stale) for (const { sequenceNumber } of plan.applied) this.own.add(sequenceNumber);
        committed = !stale && (isEmpty(plan.writes) || (await store.commit(plan.writes)));
      } catch (error) {
        // A unit that cannot be read or written is delivered again; the other units of the batch go on.
        this.tally.errors.push(error);
        const reason = error instanceof Error ? error.message : String(error);
        return [...uncounted, ...pending.map(({ sequenceNumber }) => ({ sequenceNumber, reason }))];
      }
      // From now on read what others may have written since the batch was read.
      reader = store;
      if (!committed) {
        if (!stale) {
          this.tally.conflicts += 1;
          attempt += 1;
          if (attempt >= maxAttempts) {
            const error = new ResolutionConflictError('profiles kept changing under this batch', attempt);
            return [
              ...uncounted,
              ...pending.map(({ sequenceNumber }) => ({ sequenceNumber, reason: error.message })),
            ];
          }
          await (options.sleep ?? backoff)(attempt);
        }
        if (this.screen) {
          // The other writer, or a writer since the batch's read, may have been an erasure: its person's events
          // must not re-create them.
          let screened: ScreenResult;
          try {
            screened = await this.screen.rescreen(store, pending, options.rules);
          } catch (error) {
            this.tally.errors.push(error);
            const reason = error instanceof Error ? error.message : String(error);
            return [...uncounted, ...pending.map(({ sequenceNumber }) => ({ sequenceNumber, reason }))];
          }
          this.tally.suppressed += screened.dropped.size;
          uncounted.push(...screened.failures);
          pending = pending.filter((_, index) => !screened.dropped.has(index));
        }
        continue;
      }
      if (!isEmpty(plan.writes)) this.tally.commits += 1;
      for (const { identity, profileId } of plan.writes.links)
        options.linkCache?.set(identityKey(identity), profileId);
      this.tally.add(plan);
      await this.sideWrites(plan);
      pending = plan.remaining;
      attempt = 0;
    }
    return uncounted;
  }

  private context(): PlanContext {
    const now = (this.options.now ?? Date.now)();
    return {
      shardId: this.shardId,
      rules: this.options.rules,
      now,
      newProfileId: this.options.newProfileId ?? (() => newProfileId(now)),
      ownSequenceNumbers: this.own,
      identityOnly: this.options.identityOnly ?? false,
    };
  }

  /**
   * After the commit, so that they describe what happened: the recent-events list and the audit of refusals
   * are best effort (the counters are exact), and shortcuts are only ever an optimisation.
   */
  private async sideWrites(plan: Plan): Promise<void> {
    const results = await Promise.allSettled([
      plan.recentEvents.length > 0 ? this.store.recordEvents(plan.recentEvents) : undefined,
      plan.refusals.length > 0 ? this.store.recordRefusals(plan.refusals) : undefined,
      plan.repoints.length > 0 ? this.store.repoint(plan.repoints) : undefined,
    ]);
    for (const result of results) {
      if (result.status === 'rejected') this.tally.sideWriteErrors.push(result.reason);
    }
  }
}

function isEmpty(writes: GraphWrites): boolean {
  return (
    writes.creates.length === 0 &&
    writes.updates.length === 0 &&
    writes.redirects.length === 0 &&
    writes.links.length === 0
  );
}

/** How old the batch's read of the graph may be when a unit links identities from it without screening again. */
const maxSnapshotAgeMs = 2_000;

/** 25 ms, 50 ms, 100 ms, … up to 1.6 s, each with up to as much again of jitter, so retries spread out. */
function backoff(attempt: number): Promise<void> {
  const base = 25 * 2 ** Math.min(attempt - 1, 6);
  return new Promise((resolve) => setTimeout(resolve, base + Math.random() * base));
}

/**
 * The events whose identifiers are all linked to one and the same profile id: identity work has nothing to
 * do for them (no link, no merge, no refusal; a shortcut through a redirect would need two ids), and no profile
 * need be read. An alias is never settled: its previousId is read two ways.
 */
async function settledEvents(
  reader: IdentityGraphReader,
  events: readonly ShardEvent[],
  rules: IdentityRules,
  cache: LinkCache | undefined,
): Promise<Set<number>> {
  const identifiers = events.map((shardEvent) => eventIdentifiers(shardEvent.event, rules));
  const all = identifiers.flatMap(({ identities, previousId }) =>
    previousId === undefined ? identities : [],
  );
  const linked = new Map<string, string>();
  const unread = new Map<string, Identity>();
  for (const identity of all) {
    const key = identityKey(identity);
    const remembered = cache?.get(key);
    if (remembered !== undefined) linked.set(key, remembered);
    else unread.set(key, identity);
  }
  if (unread.size > 0) {
    for (const [key, profileId] of await reader.linkedProfiles([...unread.values()])) {
      linked.set(key, profileId);
      cache?.set(key, profileId);
    }
  }
  const settled = new Set<number>();
  identifiers.forEach(({ identities, previousId }, index) => {
    if (previousId !== undefined || identities.length === 0) return;
    const profileIds = new Set(identities.map((identity) => linked.get(identityKey(identity))));
    const [only] = profileIds;
    if (profileIds.size === 1 && only !== undefined) settled.add(index);
  });
  return settled;
}

/**
 * Cuts the events into units connected by a shared identity or a shared profile (after redirects), each in
 * shard order, from one read of the graph; that read is handed on to plan each unit's first attempt.
 */
async function unitsOf(
  reader: IdentityGraphReader,
  events: readonly ShardEvent[],
  rules: IdentityRules,
  screen: SuppressionScreen | undefined,
): Promise<{ units: ShardEvent[][]; snapshot: IdentityGraphReader; screened: ScreenResult }> {
  const identitiesPerEvent = events.map((shardEvent) => lookups(eventIdentifiers(shardEvent.event, rules)));
  const recording = new RecordingReader(reader);
  const graph = await WorkingGraph.load(recording, identitiesPerEvent.flat());
  // Before any planning: an erased person's events join no unit (their identities are never linked).
  const screened: ScreenResult = screen
    ? await screen.screen(events, identitiesPerEvent, (identity) => graph.linkOf(identity) !== undefined)
    : { dropped: new Set(), failures: [] };
  const parents = events.map((_, index) => index);
  const find = (index: number): number => {
    let root = index;
    while (parents[root] !== root) root = parents[root] ?? root;
    parents[index] = root;
    return root;
  };
  const owner = new Map<string, number>();
  const join = (key: string, index: number) => {
    const other = owner.get(key);
    if (other === undefined) owner.set(key, index);
    else parents[find(other)] = find(index);
  };
  identitiesPerEvent.forEach((identities, index) => {
    if (screened.dropped.has(index)) return;
    for (const identity of identities) {
      join(`i:${identityKey(identity)}`, index);
      const linked = graph.linkOf(identity);
      if (linked !== undefined) join(`p:${graph.resolve(linked)}`, index);
    }
  });
  const units = new Map<number, ShardEvent[]>();
  events.forEach((shardEvent, index) => {
    if (screened.dropped.has(index)) return;
    const root = find(index);
    const unit = units.get(root) ?? [];
    unit.push(shardEvent);
    units.set(root, unit);
  });
  return { units: [...units.values()], snapshot: recording.snapshot(), screened };
}

/** Remembers what it read, to answer the same questions again without reading (see `unitsOf`). */
class RecordingReader implements IdentityGraphReader {
  private readonly links = new Map<string, string | undefined>();
  private readonly profilesRead = new Map<string, StoredProfile | undefined>();

  constructor(private readonly reader: IdentityGraphReader) {}

  async linkedProfiles(identities: readonly Identity[]): Promise<ReadonlyMap<string, string>> {
    const found = await this.reader.linkedProfiles(identities);
    for (const identity of identities)
      this.links.set(identityKey(identity), found.get(identityKey(identity)));
    return found;
  }

  async profiles(profileIds: readonly string[]): Promise<ReadonlyMap<string, StoredProfile>> {
    const found = await this.reader.profiles(profileIds);
    for (const profileId of profileIds) this.profilesRead.set(profileId, found.get(profileId));
    return found;
  }

  /** Answers from what was read; asks the reader only what was not. */
  snapshot(): IdentityGraphReader {
    const { links, profilesRead, reader } = this;
    return {
      async linkedProfiles(identities) {
        const unread = identities.filter((identity) => !links.has(identityKey(identity)));
        const fresh = unread.length > 0 ? await reader.linkedProfiles(unread) : new Map<string, string>();
        const answer = new Map<string, string>();
        for (const identity of identities) {
          const key = identityKey(identity);
          const profileId = links.has(key) ? links.get(key) : fresh.get(key);
          if (profileId !== undefined) answer.set(key, profileId);
        }
        return answer;
      },
      async profiles(profileIds) {
        const unread = profileIds.filter((profileId) => !profilesRead.has(profileId));
        const fresh = unread.length > 0 ? await reader.profiles(unread) : new Map<string, StoredProfile>();
        const answer = new Map<string, StoredProfile>();
        for (const profileId of profileIds) {
          const profile = profilesRead.has(profileId) ? profilesRead.get(profileId) : fresh.get(profileId);
          if (profile !== undefined) answer.set(profileId, profile);
        }
        return answer;
      },
    };
  }
}
