/**
 * The resolution core: from the graph as read through a port and a run of events of one shard, the writes
 * that apply them — which profiles are created, which merge, which identities are linked, what each person's
 * profile becomes — without writing anything. The caller commits the plan atomically and plans again from
 * fresh reads when another writer got there first.
 *
 * For each event, in shard order:
 * 1. its identifiers (extract.ts), strongest first; none left after normalisation: the event is unresolved;
 * 2. if a profile they resolve to has applied it already (sequence number or messageId digest): skipped;
 * 3. the anchor is the profile of its strongest identifier, or a new profile for it;
 * 4. each other identifier joins the anchor: a new identity is linked, another profile is merged (the older
 *    survives) — unless that would break a limit, in which case the link is refused and recorded;
 * 5. the event is applied to the anchor, which records its sequence number and messageId digest.
 * With `identityOnly` (the `resolve` function's lane) steps 2 and 5 are left out: only identity changes are
 * written, and linking is idempotent without marks.
 */
import type { CollectedEvent } from '../events/model.ts';
import { applyEvent } from '../profiles/apply.ts';
import { mergeProfiles } from '../profiles/merge.ts';
import {
  type EventSummary,
  emptyProfile,
  identityCount,
  type LiveProfile,
  profileLimits,
  type StoredProfile,
} from '../profiles/model.ts';
import { InconsistentGraphError } from './errors.ts';
import { compareIdentities, type EventIdentifiers, eventIdentifiers } from './extract.ts';
import { type Identity, identityKey } from './identifiers.ts';
import type { GraphWrites, IdentityGraphReader, RecentEvents, Refusal, Repoint } from './ports.ts';
import type { IdentityRules } from './rules.ts';
import { compareSequenceNumbers, messageDigest } from './sequence.ts';
import { isJustOneIdentity, virtualProfile } from './virtual-profile.ts';

/** An event with its place in its shard. */
export interface ShardEvent {
  readonly sequenceNumber: string;
  readonly event: CollectedEvent;
}

export interface PlanContext {
  readonly shardId: string;
  readonly rules: IdentityRules;
  /** Epoch ms: creation and update time of the profiles written. */
  readonly now: number;
  readonly newProfileId: () => string;
  /**
   * Sequence numbers this invocation has already committed. A profile whose mark is one of them may have got
   * it from a later event of this very batch, so the mark says nothing about earlier events of the batch; the
   * messageId digests still do.
   */
  readonly ownSequenceNumbers: ReadonlySet<string>;
  /**
   * Plan identity work only (the `resolve` function's lane): create, link, merge and refuse, but apply nothing
   * to the profiles' activity — no counters, traits, marks or recent events; those are the `activity`
   * function's, which plans everything over a longer window. Linking is idempotent (a link that exists is
   * not written again), so this lane needs no marks and writes only when the graph changes.
   * @default false
   */
  readonly identityOnly?: boolean;
}

export interface Plan {
  readonly writes: GraphWrites;
  readonly recentEvents: readonly RecentEvents[];
  readonly refusals: readonly Refusal[];
  readonly repoints: readonly Repoint[];
  readonly applied: readonly ShardEvent[];
  /** Events a profile had applied already: replays and re-sent messageIds. */
  readonly skipped: readonly ShardEvent[];
  /** Events without a usable identifier: they belong to no one. */
  readonly unresolved: readonly ShardEvent[];
  /** Events left for another plan, because their writes would not fit in one transaction with the others. */
  readonly remaining: readonly ShardEvent[];
  /** The redirects of `writes`, with the event that linked the two profiles (for the lake's identity_merges). */
  readonly merges: readonly ProfileMerge[];
  /**
   * The live profiles the skipped events resolve to, as the plan saw them then: a replay publishes their
   * identity map again (shared/identity/publish.ts), as the first attempt would have if it got that far.
   */
  readonly skippedProfiles: readonly LiveProfile[];
}

/** A profile merged into another by this plan. */
export interface ProfileMerge {
  readonly profileId: string;
  readonly mergedInto: string;
  /** The event whose identifiers joined the two profiles; null when the plan does not know it. */
  readonly messageId: string | null;
  /** Epoch ms: the plan's time, when the redirect is committed. */
  readonly at: number;
}

/** DynamoDB's limit of items per transaction. */
export const maxTransactionItems = 100;
/** Redirects followed from one identity before the graph is declared inconsistent. */
export const maxRedirectHops = 32;

/**
 * Plans `events` (of one shard, in shard order) against the graph `reader` shows.
 * @throws InconsistentGraphError when a redirect chain does not end, or a redirect points at no profile.
 */
export async function planEvents(
  reader: IdentityGraphReader,
  events: readonly ShardEvent[],
  context: PlanContext,
): Promise<Plan> {
  const extracted = events.map((shardEvent) => ({
    shardEvent,
    identifiers: eventIdentifiers(shardEvent.event, context.rules),
  }));
  const graph = await WorkingGraph.load(
    reader,
    extracted.flatMap(({ identifiers }) => lookups(identifiers)),
  );
  const planner = new Planner(graph, context);
  const applied: ShardEvent[] = [];
  const skipped: ShardEvent[] = [];
  const unresolved: ShardEvent[] = [];
  const skippedProfiles = new Map<string, LiveProfile>();
  let remaining: ShardEvent[] = [];
  for (const [index, { shardEvent, identifiers }] of extracted.entries()) {
    const identities = planner.identitiesOf(identifiers);
    if (identities.length === 0) {
      unresolved.push(shardEvent);
      continue;
    }
    if (!context.identityOnly && planner.alreadyApplied(shardEvent, identities)) {
      skipped.push(shardEvent);
      for (const profile of planner.profilesOf(identities)) skippedProfiles.set(profile.profileId, profile);
      continue;
    }
    // An event adds at most one item per identity and one per profile it merges (and one new profile).
    if (graph.writeCount() + 2 * identities.length + 1 > maxTransactionItems) {
      remaining = extracted.slice(index).map((entry) => entry.shardEvent);
      break;
    }
    planner.apply(shardEvent, identities);
    applied.push(shardEvent);
  }
  return {
    ...planner.result(),
    applied,
    skipped,
    unresolved,
    remaining,
    skippedProfiles: [...skippedProfiles.values()],
  };
}

/** The identities to read for an event: its own, and both readings of an alias's previousId. */
export function lookups(identifiers: EventIdentifiers): Identity[] {
  const { identities, previousId } = identifiers;
  if (previousId === undefined) return [...identities];
  return [...identities, { type: 'user_id', value: previousId }, { type: 'anonymous_id', value: previousId }];
}

interface Entry {
  /**
   * As read (a virtual profile, at version 0, when only its identity item exists); undefined for a profile this
   * plan creates.
   */
  readonly stored: StoredProfile | undefined;
  current: StoredProfile;
  touched: boolean;
}

/** The graph as read, and as the plan changes it. */
export class WorkingGraph {
  private readonly links = new Map<string, string>();
  private readonly read = new Map<string, { identity: Identity; profileId: string }>();
  private readonly newLinks = new Map<string, Identity>();
  private readonly entries = new Map<string, Entry>();

  private constructor() {}

  /** Reads the links of `identities` and every profile they lead to, following redirects to their end. */
  static async load(reader: IdentityGraphReader, identities: readonly Identity[]): Promise<WorkingGraph> {
    const graph = new WorkingGraph();
    const unique = [...new Map(identities.map((identity) => [identityKey(identity), identity])).values()];
    const linked = unique.length > 0 ? await reader.linkedProfiles(unique) : new Map<string, string>();
    for (const identity of unique) {
      const profileId = linked.get(identityKey(identity));
      if (profileId === undefined) continue;
      graph.links.set(identityKey(identity), profileId);
      graph.read.set(identityKey(identity), { identity, profileId });
    }
    let pending = [...new Set(graph.links.values())];
    for (let hop = 0; pending.length > 0; hop += 1) {
      if (hop > maxRedirectHops) {
        throw new InconsistentGraphError(`redirect chain longer than ${maxRedirectHops} hops`);
      }
      const profiles = await reader.profiles(pending);
      const next = new Set<string>();
      for (const profileId of pending) {
        let profile = profiles.get(profileId);
        if (profile === undefined) {
          // An identity may point at a profile with no item (created lazily, shared/identity/virtual-profile.ts);
          // a redirect may not: a merge always writes its survivor.
          if (hop > 0) {
            throw new InconsistentGraphError(
              `a redirect points at profile ${profileId}, which does not exist`,
            );
          }
          profile = virtualProfile(profileId, graph.identitiesReadAt(profileId));
        }
        graph.entries.set(profileId, { stored: profile, current: structuredClone(profile), touched: false });
        if (profile.kind === 'redirect' && !graph.entries.has(profile.mergedInto))
          next.add(profile.mergedInto);
      }
      pending = [...next];
    }
    return graph;
  }

  /** The identities read pointing at `profileId` (not through a redirect). */
  private identitiesReadAt(profileId: string): Identity[] {
    return [...this.read.values()]
      .filter((link) => link.profileId === profileId)
      .map((link) => link.identity);
  }

  /** The profile an identity is linked to, before following redirects. */
  linkOf(identity: Identity): string | undefined {
    return this.links.get(identityKey(identity));
  }

  /** The live profile at the end of the redirect chain from `profileId`. */
  resolve(profileId: string): string {
    let id = profileId;
    for (let hop = 0; hop <= this.entries.size; hop += 1) {
      const entry = this.entries.get(id);
      if (entry === undefined) throw new InconsistentGraphError(`profile ${id} was not read`);
      if (entry.current.kind === 'live') return id;
      id = entry.current.mergedInto;
    }
    throw new InconsistentGraphError(`redirect cycle through profile ${profileId}`);
  }

  live(profileId: string): LiveProfile {
    const current = this.entries.get(this.resolve(profileId))?.current;
    if (current?.kind !== 'live') throw new InconsistentGraphError(`profile ${profileId} is not live`);
    return current;
  }

  touch(profileId: string): void {
    const entry = this.entries.get(profileId);
    if (entry) entry.touched = true;
  }

  create(profile: LiveProfile): string {
    this.entries.set(profile.profileId, { stored: undefined, current: profile, touched: true });
    return profile.profileId;
  }

  link(identity: Identity, profileId: string): void {
    const profile = this.live(profileId);
    const values = profile.identities[identity.type] ?? [];
    values.push(identity.value);
    profile.identities[identity.type] = values;
    this.links.set(identityKey(identity), profile.profileId);
    this.newLinks.set(identityKey(identity), identity);
    this.touch(profile.profileId);
  }

  /** Merges two live profiles: the older survives, the other becomes a redirect to it. Returns the survivor. */
  merge(a: string, b: string, rules: IdentityRules, now: number): string {
    const [survivor, loser] = this.survives(this.live(a), this.live(b))
      ? [this.live(a), this.live(b)]
      : [this.live(b), this.live(a)];
    mergeProfiles(survivor, loser, rules);
    const entry = this.entries.get(loser.profileId);
    if (entry === undefined) throw new InconsistentGraphError(`profile ${loser.profileId} was not read`);
    // A profile created within this plan was never stored: nothing redirects from it, nothing to remember.
    if (entry.stored === undefined) survivor.merged = survivor.merged.filter((id) => id !== loser.profileId);
    entry.current = {
      kind: 'redirect',
      profileId: loser.profileId,
      version: loser.version,
      mergedInto: survivor.profileId,
      updatedAt: now,
    };
    entry.touched = true;
    this.touch(survivor.profileId);
    return survivor.profileId;
  }

  /** How many items committing the plan so far writes. */
  writeCount(): number {
    let count = this.newLinks.size;
    for (const entry of this.entries.values()) {
      if (entry.touched && (entry.stored !== undefined || entry.current.kind === 'live')) count += 1;
    }
    return count;
  }

  writes(now: number): GraphWrites {
    const creates: LiveProfile[] = [];
    const updates: { profile: LiveProfile; expectedVersion: number }[] = [];
    const redirects: { profileId: string; expectedVersion: number; mergedInto: string }[] = [];
    for (const [profileId, entry] of this.entries) {
      if (!entry.touched) continue;
      const { stored, current } = entry;
      if (current.kind === 'redirect') {
        // A profile created and merged away within the plan never existed for anyone else. A virtual one
        // becomes a redirect item at version 0: one that must not exist yet (the store puts it).
        if (stored !== undefined) {
          redirects.push({ profileId, expectedVersion: stored.version, mergedInto: this.resolve(profileId) });
        }
      } else if (stored === undefined || isVirtual(stored)) {
        // Nothing but one identity: its identity item says it all, so the profile item is not written.
        if (!isJustOneIdentity(current)) creates.push({ ...current, version: 1, updatedAt: now });
      } else {
        updates.push({
          profile: { ...current, version: stored.version + 1, updatedAt: now },
          expectedVersion: stored.version,
        });
      }
    }
    const links = [...this.newLinks].map(([key, identity]) => ({
      identity,
      profileId: this.resolve(this.links.get(key) ?? ''),
    }));
    return { creates, updates, redirects, links };
  }

  /**
   * Whether `a` survives a merge with `b`. A profile created by this plan was never stored, so it is the newer
   * whatever the clocks say (its `createdAt` may equal a stored one's to the millisecond, or precede it when
   * another writer's clock runs ahead): a stored profile always survives it, and no stored profile becomes a
   * redirect to one just made. A virtual profile counts as stored: its identity item is. Otherwise the older
   * survives.
   */
  private survives(a: LiveProfile, b: LiveProfile): boolean {
    const aIsNew = this.entries.get(a.profileId)?.stored === undefined;
    const bIsNew = this.entries.get(b.profileId)?.stored === undefined;
    return aIsNew === bIsNew ? isOlder(a, b) : bIsNew;
  }

  /** Identities read pointing at a merged profile: shortcuts to their survivor. */
  repoints(): Repoint[] {
    const repoints: Repoint[] = [];
    for (const { identity, profileId } of this.read.values()) {
      const survivor = this.resolve(profileId);
      if (survivor !== profileId) repoints.push({ identity, from: profileId, to: survivor });
    }
    return repoints;
  }
}

/**
 * A profile read as its identity item alone (virtual-profile.ts): stored profiles start at version 1. It counts
 * as existing (it survives a profile created by the same plan), and its first write is a create.
 */
function isVirtual(profile: StoredProfile): boolean {
  return profile.kind === 'live' && profile.version === 0;
}

/** The older profile survives a merge; equal creation times fall back to the id, so both sides agree. */
function isOlder(a: LiveProfile, b: LiveProfile): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.profileId < b.profileId);
}

class Planner {
  private readonly summaries = new Map<string, EventSummary[]>();
  private readonly refusals: {
    refusal: Omit<Refusal, 'profileId' | 'heldBy'>;
    anchor: string;
    holder?: string;
  }[] = [];
  /** Merged profile id → messageId of the event that merged it. */
  private readonly mergedBy = new Map<string, string>();

  constructor(
    private readonly graph: WorkingGraph,
    private readonly context: PlanContext,
  ) {}

  /** The event's identities, with an alias's previousId read as the user id it is known as, else an anonymous id. */
  identitiesOf(identifiers: EventIdentifiers): Identity[] {
    const { identities, previousId } = identifiers;
    if (previousId === undefined) return [...identities];
    const asUser = { type: 'user_id', value: previousId };
    const previous =
      this.graph.linkOf(asUser) !== undefined ? asUser : { type: 'anonymous_id', value: previousId };
    const all = new Map([...identities, previous].map((identity) => [identityKey(identity), identity]));
    return [...all.values()].sort((a, b) => compareIdentities(a, b, this.context.rules));
  }

  alreadyApplied(shardEvent: ShardEvent, identities: readonly Identity[]): boolean {
    const digest = messageDigest(shardEvent.event.messageId);
    const { shardId, ownSequenceNumbers } = this.context;
    for (const identity of identities) {
      const linked = this.graph.linkOf(identity);
      if (linked === undefined) continue;
      const profile = this.graph.live(linked);
      const mark = profile.seq[shardId];
      if (
        mark !== undefined &&
        !ownSequenceNumbers.has(mark) &&
        compareSequenceNumbers(shardEvent.sequenceNumber, mark) <= 0
      ) {
        return true;
      }
      if (profile.recent.includes(digest)) return true;
    }
    return false;
  }

  /** Copies of the live profiles the identities resolve to, as they are now. */
  profilesOf(identities: readonly Identity[]): LiveProfile[] {
    const profiles = new Map<string, LiveProfile>();
    for (const identity of identities) {
      const linked = this.graph.linkOf(identity);
      if (linked === undefined) continue;
      const profile = this.graph.live(linked);
      if (!profiles.has(profile.profileId)) profiles.set(profile.profileId, structuredClone(profile));
    }
    return [...profiles.values()];
  }

  apply(shardEvent: ShardEvent, identities: readonly Identity[]): void {
    const { graph, context } = this;
    const { rules } = context;
    const [first, ...others] = identities;
    if (first === undefined) return;
    let anchor: string;
    const firstLinked = graph.linkOf(first);
    if (firstLinked === undefined) {
      anchor = graph.create(emptyProfile(context.newProfileId(), context.now));
      graph.link(first, anchor);
    } else {
      anchor = graph.resolve(firstLinked);
    }
    for (const identity of others) {
      const linked = graph.linkOf(identity);
      if (linked === undefined) {
        const problem = roomFor(graph.live(anchor), { [identity.type]: 1 }, rules);
        if (problem === undefined) graph.link(identity, anchor);
        else this.refuse(shardEvent, identity, problem, anchor);
        continue;
      }
      const holder = graph.resolve(linked);
      if (holder === anchor) continue;
      const problem = roomFor(graph.live(anchor), graph.live(holder).identities, rules);
      if (problem === undefined) {
        const survivor = graph.merge(anchor, holder, rules, context.now);
        this.mergedBy.set(survivor === anchor ? holder : anchor, shardEvent.event.messageId);
        anchor = survivor;
      } else this.refuse(shardEvent, identity, problem, anchor, holder);
    }

    if (context.identityOnly) return;
    const profile = graph.live(anchor);
    applyEvent(profile, shardEvent.event, rules);
    profile.seq[context.shardId] = shardEvent.sequenceNumber;
    profile.recent.push(messageDigest(shardEvent.event.messageId));
    if (profile.recent.length > profileLimits.maxRecentMessages) profile.recent.shift();
    graph.touch(anchor);
    const summaries = this.summaries.get(anchor) ?? [];
    summaries.push(summarise(shardEvent.event));
    this.summaries.set(anchor, summaries);
  }

  result(): Pick<Plan, 'writes' | 'recentEvents' | 'refusals' | 'repoints' | 'merges'> {
    const { graph } = this;
    const writes = graph.writes(this.context.now);
    const recent = new Map<string, EventSummary[]>();
    for (const [anchor, events] of this.summaries) {
      const profileId = graph.resolve(anchor);
      recent.set(profileId, [...(recent.get(profileId) ?? []), ...events]);
    }
    return {
      writes,
      merges: writes.redirects.map(({ profileId, mergedInto }) => ({
        profileId,
        mergedInto,
        messageId: this.mergedBy.get(profileId) ?? null,
        at: this.context.now,
      })),
      recentEvents: [...recent].map(([profileId, events]) => ({ profileId, events })),
      refusals: this.refusals.map(({ refusal, anchor, holder }) => ({
        ...refusal,
        profileId: graph.resolve(anchor),
        ...(holder === undefined ? {} : { heldBy: graph.resolve(holder) }),
      })),
      repoints: graph.repoints(),
    };
  }

  private refuse(
    shardEvent: ShardEvent,
    identity: Identity,
    reason: string,
    anchor: string,
    holder?: string,
  ): void {
    const { messageId, timestamp } = shardEvent.event;
    this.refusals.push({ refusal: { messageId, at: timestamp, identity, reason }, anchor, holder });
  }
}

/**
 * Whether `profile` may take `incoming` identities (type → values, or a count of one) within the limits; the
 * broken rule when not.
 */
export function roomFor(
  profile: LiveProfile,
  incoming: Readonly<Record<string, readonly string[] | number>>,
  rules: IdentityRules,
): string | undefined {
  let total = identityCount(profile);
  for (const [type, values] of Object.entries(incoming)) {
    const count = typeof values === 'number' ? values : values.length;
    total += count;
    const limit = rules.limit(type);
    if (identityCount(profile, type) + count > limit) return `${type}: at most ${limit} per profile`;
  }
  if (total > rules.maxIdentitiesPerProfile) {
    return `at most ${rules.maxIdentitiesPerProfile} identities per profile`;
  }
  return undefined;
}

function summarise(event: CollectedEvent): EventSummary {
  return {
    messageId: event.messageId,
    type: event.type,
    ...(event.event === undefined ? {} : { event: event.event }),
    ...(event.name === undefined ? {} : { name: event.name }),
    timestamp: event.timestamp,
    source: event.source,
    channel: event.channel,
  };
}
