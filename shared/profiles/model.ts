/**
 * The unified customer profile as resolution keeps it: compact (times are epoch milliseconds, at most a few
 * hundred identities, bounded maps) because every batch that touches a person rewrites it, and DynamoDB bills
 * one write unit per KB. `profileView` (view.ts) turns it into what the profile API answers.
 */

import type { Json, JsonObject } from '../events/model.ts';
import type { Channel } from '../ports.ts';

/** First and last event time (epoch ms) and number of events, overall or on one channel. */
export interface Activity {
  first: number;
  last: number;
  count: number;
}

export interface TraitValue {
  readonly value: Json;
  /** Event time (epoch ms) of the event that set it. */
  readonly at: number;
  /** The source that sent it: trait precedence is per source. */
  readonly source: string;
}

export interface Consent {
  readonly granted: boolean;
  /** Event time (epoch ms) of the event that said so. */
  readonly at: number;
}

export interface Orders {
  count: number;
  /** Sum of `properties.revenue` (else `total`) of `Order Completed` events, in their currencies as sent. */
  revenue: number;
  first?: number;
  last?: number;
}

/** A profile that is a person: what resolution maintains. Mutable only inside a resolution plan's working copy. */
export interface LiveProfile {
  readonly kind: 'live';
  readonly profileId: string;
  /** Incremented by every write; writes are conditional on it (optimistic concurrency). */
  version: number;
  /** When the profile was created (epoch ms): the oldest of two merged profiles survives. */
  readonly createdAt: number;
  updatedAt: number;
  /** Type → normalised values. */
  identities: Record<string, string[]>;
  traits: Record<string, TraitValue>;
  channels: Partial<Record<Channel, Activity>>;
  /** Track events by name; `$other` once `maxEventNames` names are counted. */
  eventCounts: Record<string, number>;
  /** Events by message type. */
  typeCounts: Record<string, number>;
  orders: Orders;
  /** By purpose, from `context.consent.categoryPreferences`. */
  consent: Record<string, Consent>;
  /** Idempotency: shard id → sequence number of the last event of that shard applied here. */
  seq: Record<string, string>;
  /** Idempotency: digests of the last `maxRecentMessages` messageIds applied here, oldest first. */
  recent: string[];
  /** Profiles merged into this one (they redirect here); their recent events are this person's too. */
  merged: string[];
  /** The scoring job's, from the profile's scores item (`withScores`): only the API's view carries them. */
  readonly scores?: JsonObject;
}

/** A profile merged into another: every identifier that pointed here now means `mergedInto`. */
export interface RedirectProfile {
  readonly kind: 'redirect';
  readonly profileId: string;
  version: number;
  readonly mergedInto: string;
  updatedAt: number;
}

export type StoredProfile = LiveProfile | RedirectProfile;

/** What the recent-events list keeps of an event. */
export interface EventSummary {
  readonly messageId: string;
  readonly type: string;
  readonly event?: string;
  readonly name?: string;
  /** Corrected event time, ISO-8601 UTC. */
  readonly timestamp: string;
  readonly source: string;
  readonly channel: Channel;
}

/** Limits that keep a profile compact. */
export const profileLimits = {
  /** Distinct track event names counted; later names count under `$other`. */
  maxEventNames: 100,
  /** Longest event name counted as itself; longer names are cut. */
  maxEventNameLength: 100,
  /** Distinct traits kept; later keys are ignored. */
  maxTraits: 100,
  /** Largest trait value kept, as JSON text; larger values are ignored. */
  maxTraitBytes: 1024,
  /** Consent purposes kept. */
  maxConsentPurposes: 50,
  /**
   * messageId digests kept for idempotency (6 bytes each): a message sent again after more than this many
   * later messages of the same person counts twice. 32 keeps a typical profile under 1 KB (one write unit).
   */
  maxRecentMessages: 32,
} as const;

export function emptyProfile(profileId: string, now: number): LiveProfile {
  return {
    kind: 'live',
    profileId,
    version: 0,
    createdAt: now,
    updatedAt: now,
    identities: {},
    traits: {},
    channels: {},
    eventCounts: {},
    typeCounts: {},
    orders: { count: 0, revenue: 0 },
    consent: {},
    seq: {},
    recent: [],
    merged: [],
  };
}

export function identityCount(profile: LiveProfile, type?: string): number {
  if (type !== undefined) return profile.identities[type]?.length ?? 0;
  return Object.values(profile.identities).reduce((sum, values) => sum + values.length, 0);
}
