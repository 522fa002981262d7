/**
 * The identity graph as resolution sees it: identities linked to profiles, profiles that may redirect to the
 * profile they were merged into, and the writes of one resolution step. One adapter per backend
 * (shared/adapters/dynamodb-profile-store.ts; an in-memory one in the tests).
 */
import type { EventSummary, LiveProfile, StoredProfile } from '../profiles/model.ts';
import type { Identity } from './identifiers.ts';

export interface IdentityGraphReader {
  /**
   * Identity key (`identityKey`) → id of the profile it was linked to, for the identities that are linked. That
   * profile may have no item: a virtual profile (virtual-profile.ts), which the identity item alone describes.
   */
  linkedProfiles(identities: readonly Identity[]): Promise<ReadonlyMap<string, string>>;
  /** Profile id → profile, for the profiles that have an item (a tombstone is none); read consistently. */
  profiles(profileIds: readonly string[]): Promise<ReadonlyMap<string, StoredProfile>>;
}

/** Everything one resolution step changes in the graph, written all together or not at all. */
export interface GraphWrites {
  /**
   * New profiles, written only if no item has their id (a virtual profile's first write is one of these). A
   * profile that is nothing but one identity is not among them: its identity item in `links` is all of it.
   */
  readonly creates: readonly LiveProfile[];
  /** New states of existing profiles, written only if they are still at `expectedVersion`. */
  readonly updates: readonly { readonly profile: LiveProfile; readonly expectedVersion: number }[];
  /**
   * Existing profiles merged into another, written only if they are still at `expectedVersion`; 0 is a virtual
   * profile, whose redirect is a new item, written only if no item has its id.
   */
  readonly redirects: readonly {
    readonly profileId: string;
    readonly expectedVersion: number;
    readonly mergedInto: string;
  }[];
  /** New identities, written only if the identity is not linked yet. */
  readonly links: readonly IdentityLink[];
}

export interface IdentityLink {
  readonly identity: Identity;
  readonly profileId: string;
}

/** An identity pointing at a merged profile, to point at its survivor instead (a shortcut, never required). */
export interface Repoint {
  readonly identity: Identity;
  readonly from: string;
  readonly to: string;
}

/** A link a merge rule refused, kept for audit. */
export interface Refusal {
  readonly messageId: string;
  /** The event's time, ISO-8601 UTC. */
  readonly at: string;
  readonly identity: Identity;
  /** The profile the event was attached to instead. */
  readonly profileId: string;
  /** The profile that holds the identity, when merging with it was refused. */
  readonly heldBy?: string;
  /** The rule, e.g. `user_id: at most 1 per profile`. */
  readonly reason: string;
}

/** Events of one profile to add to its recent-events list. */
export interface RecentEvents {
  readonly profileId: string;
  readonly events: readonly EventSummary[];
}

export interface IdentityGraphStore extends IdentityGraphReader {
  /**
   * Applies every write or none. Resolves `false` when a condition failed because another writer changed one of
   * the items first (the caller reads again and re-plans); rejects on any other failure.
   */
  commit(writes: GraphWrites): Promise<boolean>;
  /** Adds events to profiles' recent-events lists; idempotent (the keys derive from the events). */
  recordEvents(recent: readonly RecentEvents[]): Promise<void>;
  /** Keeps refused links for audit; idempotent. */
  recordRefusals(refusals: readonly Refusal[]): Promise<void>;
  /** Points each identity at `to` if it still points at `from`; best effort. */
  repoint(repoints: readonly Repoint[]): Promise<void>;
}
