/** The profile as the profile API answers it: JSON with ISO times and the identities as a list. */

import type { Json, JsonObject } from '../events/model.ts';
import { compareIdentities } from '../identity/extract.ts';
import type { Identity } from '../identity/identifiers.ts';
import type { IdentityRules } from '../identity/rules.ts';
import { maxDefined, minDefined } from './apply.ts';
import type { LiveProfile } from './model.ts';

export interface ProfileView {
  readonly profileId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Strongest first, as the identity settings rank them. */
  readonly identities: readonly Identity[];
  readonly traits: Readonly<Record<string, Json>>;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly channels: Readonly<Record<string, { firstSeen: string; lastSeen: string; events: number }>>;
  readonly events: {
    readonly total: number;
    readonly byName: Readonly<Record<string, number>>;
    readonly byType: Readonly<Record<string, number>>;
  };
  readonly orders: {
    readonly count: number;
    readonly revenue: number;
    readonly firstOrderAt?: string;
    readonly lastOrderAt?: string;
  };
  readonly consent: Readonly<Record<string, { granted: boolean; updatedAt: string }>>;
  readonly scores: JsonObject;
  readonly mergedProfileIds: readonly string[];
}

export function profileView(profile: LiveProfile, rules: IdentityRules): ProfileView {
  const identities = Object.entries(profile.identities)
    .flatMap(([type, values]) => values.map((value) => ({ type, value })))
    .sort((a, b) => compareIdentities(a, b, rules));
  const activities = Object.values(profile.channels).filter((activity) => activity !== undefined);
  const first = activities.reduce<number | undefined>(
    (min, activity) => minDefined(min, activity.first),
    undefined,
  );
  const last = activities.reduce<number | undefined>(
    (max, activity) => maxDefined(max, activity.last),
    undefined,
  );
  const { orders } = profile;
  return {
    profileId: profile.profileId,
    createdAt: iso(profile.createdAt),
    updatedAt: iso(profile.updatedAt),
    identities,
    traits: Object.fromEntries(Object.entries(profile.traits).map(([key, trait]) => [key, trait.value])),
    ...(first === undefined ? {} : { firstSeen: iso(first) }),
    ...(last === undefined ? {} : { lastSeen: iso(last) }),
    channels: Object.fromEntries(
      Object.entries(profile.channels).flatMap(([channel, activity]) =>
        activity === undefined
          ? []
          : [
              [
                channel,
                { firstSeen: iso(activity.first), lastSeen: iso(activity.last), events: activity.count },
              ],
            ],
      ),
    ),
    events: {
      total: activities.reduce((sum, activity) => sum + activity.count, 0),
      byName: { ...profile.eventCounts },
      byType: { ...profile.typeCounts },
    },
    orders: {
      count: orders.count,
      revenue: orders.revenue,
      ...(orders.first === undefined ? {} : { firstOrderAt: iso(orders.first) }),
      ...(orders.last === undefined ? {} : { lastOrderAt: iso(orders.last) }),
    },
    consent: Object.fromEntries(
      Object.entries(profile.consent).map(([purpose, consent]) => [
        purpose,
        { granted: consent.granted, updatedAt: iso(consent.at) },
      ]),
    ),
    scores: profile.scores ?? {},
    mergedProfileIds: [...profile.merged],
  };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
