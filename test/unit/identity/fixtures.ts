/** Builders and an in-memory identity graph for the identity and profile tests. */
import { parseSettings } from '../../../shared/config/settings.ts';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import type { CollectedEvent, JsonObject } from '../../../shared/events/model.ts';
import { type Identity, identityKey } from '../../../shared/identity/identifiers.ts';
import type {
  GraphWrites,
  IdentityGraphStore,
  RecentEvents,
  Refusal,
  Repoint,
} from '../../../shared/identity/ports.ts';
import type { ResolveBatch } from '../../../shared/identity/resolve.ts';
import { type IdentityRules, identityRules } from '../../../shared/identity/rules.ts';
import { virtualProfile } from '../../../shared/identity/virtual-profile.ts';
import type { EventSummary, LiveProfile, StoredProfile } from '../../../shared/profiles/model.ts';
import type { ProfileReader } from '../../../shared/profiles/ports.ts';

/** The rules of an identity section (defaults for what it leaves out). */
export function rulesOf(identity: Record<string, unknown> = {}): IdentityRules {
  return identityRules(
    parseSettings({ sources: [{ name: 'website', channel: 'web' }], identity }, 'test').identity,
  );
}

export function event(overrides: Partial<CollectedEvent> = {}): CollectedEvent {
  return {
    messageId: 'msg-1',
    type: 'track',
    event: 'Product Viewed',
    context: {},
    timestamp: '2026-11-22T10:00:00.000Z',
    receivedAt: '2026-11-22T10:00:01.000Z',
    source: 'website',
    channel: 'web',
    enrichment: {},
    ...overrides,
  };
}

/** Stream records for `events`, numbered from `firstSequenceNumber` as a shard numbers them. */
export function batchOf(
  events: readonly CollectedEvent[],
  shardId = 'shard-1',
  firstSequenceNumber = 1,
): ResolveBatch {
  return {
    shardId,
    records: events.map((collected, index) => ({
      sequenceNumber: sequenceNumber(firstSequenceNumber + index),
      data: encodeEnvelope({ schema: 'cdp.event/1', event: collected }),
    })),
  };
}

/** Kinesis-like: fixed-width decimal, growing. */
export function sequenceNumber(n: number): string {
  return String(n).padStart(20, '0');
}

/** The identity graph in memory, with the store's conditions checked as DynamoDB checks them. */
export class MemoryGraphStore implements IdentityGraphStore, ProfileReader {
  readonly links = new Map<string, string>();
  readonly stored = new Map<string, StoredProfile>();
  readonly events = new Map<string, Map<string, EventSummary>>();
  readonly refusals = new Map<string, Refusal>();
  /** The scoring job's scores items, by profile id. */
  readonly scoreItems = new Map<string, JsonObject>();
  /** Ids of virtual profiles an erasure removed: a create or redirect of one fails, as on DynamoDB. */
  readonly tombstones = new Set<string>();
  /** Every commit that succeeded, as it was asked for. */
  readonly committed: GraphWrites[] = [];
  commits = 0;
  /** Runs before each commit is checked: a test makes another writer act in between here. */
  beforeCommit: (() => Promise<void>) | undefined;

  async linkedProfiles(identities: readonly Identity[]): Promise<ReadonlyMap<string, string>> {
    const found = new Map<string, string>();
    for (const identity of identities) {
      const profileId = this.links.get(identityKey(identity));
      if (profileId !== undefined) found.set(identityKey(identity), profileId);
    }
    return found;
  }

  async profiles(profileIds: readonly string[]): Promise<ReadonlyMap<string, StoredProfile>> {
    const found = new Map<string, StoredProfile>();
    for (const profileId of profileIds) {
      const profile = this.stored.get(profileId);
      if (profile !== undefined) found.set(profileId, structuredClone(profile));
    }
    return found;
  }

  async commit(writes: GraphWrites): Promise<boolean> {
    const hook = this.beforeCommit;
    if (hook) {
      // One interleaving per commit: the hook's own commits run without it.
      this.beforeCommit = undefined;
      await hook();
      this.beforeCommit = hook;
    }
    const absent = (profileId: string) => !this.stored.has(profileId) && !this.tombstones.has(profileId);
    // Version 0: a virtual profile, which has no item (and must still have none).
    const versionIs = (profileId: string, version: number) =>
      version === 0 ? absent(profileId) : this.stored.get(profileId)?.version === version;
    const ok =
      writes.creates.every((profile) => absent(profile.profileId)) &&
      writes.updates.every(({ profile, expectedVersion }) => versionIs(profile.profileId, expectedVersion)) &&
      writes.redirects.every(({ profileId, expectedVersion }) => versionIs(profileId, expectedVersion)) &&
      writes.links.every(({ identity }) => !this.links.has(identityKey(identity)));
    if (!ok) return false;
    const keys = [
      ...writes.creates.map((profile) => profile.profileId),
      ...writes.updates.map(({ profile }) => profile.profileId),
      ...writes.redirects.map(({ profileId }) => profileId),
    ];
    if (new Set(keys).size !== keys.length) throw new Error('a transaction writes one profile twice');
    for (const profile of writes.creates) this.stored.set(profile.profileId, structuredClone(profile));
    for (const { profile } of writes.updates) {
      const scores = (this.stored.get(profile.profileId) as LiveProfile | undefined)?.scores;
      this.stored.set(profile.profileId, structuredClone({ ...profile, ...(scores ? { scores } : {}) }));
    }
    for (const { profileId, expectedVersion, mergedInto } of writes.redirects) {
      this.stored.set(profileId, {
        kind: 'redirect',
        profileId,
        version: expectedVersion + 1,
        mergedInto,
        updatedAt: 0,
      });
    }
    for (const { identity, profileId } of writes.links) this.links.set(identityKey(identity), profileId);
    this.committed.push(structuredClone(writes));
    this.commits += 1;
    return true;
  }

  async recordEvents(recent: readonly RecentEvents[]): Promise<void> {
    for (const { profileId, events } of recent) {
      const kept = this.events.get(profileId) ?? new Map<string, EventSummary>();
      for (const summary of events) kept.set(summary.messageId, summary);
      this.events.set(profileId, kept);
    }
  }

  async recordRefusals(refusals: readonly Refusal[]): Promise<void> {
    for (const refusal of refusals) {
      this.refusals.set(`${refusal.messageId}/${identityKey(refusal.identity)}`, refusal);
    }
  }

  async repoint(repoints: readonly Repoint[]): Promise<void> {
    for (const { identity, from, to } of repoints) {
      if (this.links.get(identityKey(identity)) === from) this.links.set(identityKey(identity), to);
    }
  }

  async scores(profileId: string): Promise<JsonObject | undefined> {
    return this.scoreItems.get(profileId);
  }

  async recentEvents(profileIds: readonly string[], limit: number): Promise<EventSummary[]> {
    const all = new Map<string, EventSummary>();
    for (const profileId of profileIds) {
      for (const summary of this.events.get(profileId)?.values() ?? []) all.set(summary.messageId, summary);
    }
    return [...all.values()].sort((a, b) => b.timestamp.localeCompare(a.timestamp)).slice(0, limit);
  }

  /** The live profile an identity resolves to (a virtual one when its profile has no item). */
  profileOf(type: string, value: string): LiveProfile | undefined {
    let profileId = this.links.get(identityKey({ type, value }));
    if (profileId !== undefined && !this.stored.has(profileId) && !this.tombstones.has(profileId)) {
      return virtualProfile(profileId, [{ type, value }]);
    }
    for (let hop = 0; profileId !== undefined && hop < 100; hop += 1) {
      const profile: StoredProfile | undefined = this.stored.get(profileId);
      if (profile?.kind === 'live') return profile;
      profileId = profile?.mergedInto;
    }
    return undefined;
  }

  /** The live profiles, the virtual ones (identity items pointing at no profile item) included. */
  live(): LiveProfile[] {
    const stored = [...this.stored.values()].filter(
      (profile): profile is LiveProfile => profile.kind === 'live',
    );
    return [...stored, ...this.virtual()];
  }

  /** Profiles known by their identity item alone. */
  virtual(): LiveProfile[] {
    const identities = new Map<string, Identity[]>();
    for (const key of this.links.keys()) {
      const profileId = this.links.get(key) ?? '';
      if (this.stored.has(profileId) || this.tombstones.has(profileId)) continue;
      const separator = key.indexOf(':');
      const identity = { type: key.slice(0, separator), value: key.slice(separator + 1) };
      identities.set(profileId, [...(identities.get(profileId) ?? []), identity]);
    }
    return [...identities].map(([profileId, linked]) => virtualProfile(profileId, linked));
  }

  /** The people: each live profile's identity keys, sorted, the groups sorted. */
  partition(): string[][] {
    return this.live()
      .map((profile) =>
        Object.entries(profile.identities)
          .flatMap(([type, values]) => values.map((value) => `${type}:${value}`))
          .sort(),
      )
      .sort((a, b) => (a.join() < b.join() ? -1 : 1));
  }

  /** Every event counted, across people. */
  totalEvents(): number {
    return this.live().reduce(
      (sum, profile) =>
        sum + Object.values(profile.channels).reduce((n, activity) => n + (activity?.count ?? 0), 0),
      0,
    );
  }
}
