/**
 * What one event does to a profile: activity per channel, counts per event name and type, orders, traits
 * (latest by event time, with per-source precedence) and consent (latest by event time). Events may arrive in
 * any order: every field is a commutative summary (counts, sums, minima, maxima) or keeps the value with the
 * latest event time, so the profile does not depend on arrival order.
 */
import { isJsonObject } from '../events/json.ts';
import type { CollectedEvent, Json } from '../events/model.ts';
import { userTraits } from '../identity/extract.ts';
import type { IdentityRules } from '../identity/rules.ts';
import type { Channel } from '../ports.ts';
import { type Activity, type LiveProfile, profileLimits, type TraitValue } from './model.ts';

export const orderCompleted = 'Order Completed';
export const otherEventNames = '$other';

type Precedence = Pick<IdentityRules, 'traitPrecedence'>;

/** Applies `event` to `profile` in place. */
export function applyEvent(profile: LiveProfile, event: CollectedEvent, rules: Precedence): void {
  const at = Date.parse(event.timestamp);
  recordActivity(profile.channels, event.channel, { first: at, last: at, count: 1 });
  increment(profile.typeCounts, event.type, 1);
  // DynamoDB refuses empty names in maps: empty event names, trait keys and purposes are not kept.
  if (event.type === 'track' && event.event !== undefined && event.event !== '') {
    countEventName(profile.eventCounts, event.event, 1);
    if (event.event === orderCompleted) {
      recordOrders(profile, { count: 1, revenue: revenueOf(event.properties), first: at, last: at });
    }
  }
  for (const traits of userTraits(event)) {
    for (const [key, value] of Object.entries(traits)) {
      if (key !== '') setTrait(profile, key, { value, at, source: event.source }, rules);
    }
  }
  const preferences = consentPreferences(event);
  for (const [purpose, granted] of Object.entries(preferences)) {
    const current = profile.consent[purpose];
    if (current === undefined && Object.keys(profile.consent).length >= profileLimits.maxConsentPurposes)
      continue;
    if (current === undefined || at >= current.at) profile.consent[purpose] = { granted, at };
  }
}

/** `properties.revenue`, else `properties.total`, when it is a finite number; 0 otherwise. */
export function revenueOf(properties: CollectedEvent['properties']): number {
  for (const key of ['revenue', 'total']) {
    const value = properties?.[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return 0;
}

export function recordActivity(
  channels: LiveProfile['channels'],
  channel: Channel,
  activity: Activity,
): void {
  const current = channels[channel];
  if (current === undefined) {
    channels[channel] = { ...activity };
    return;
  }
  current.first = Math.min(current.first, activity.first);
  current.last = Math.max(current.last, activity.last);
  current.count += activity.count;
}

export function recordOrders(profile: LiveProfile, orders: LiveProfile['orders']): void {
  const current = profile.orders;
  current.count += orders.count;
  current.revenue = roundCents(current.revenue + orders.revenue);
  current.first = minDefined(current.first, orders.first);
  current.last = maxDefined(current.last, orders.last);
}

export function increment(counts: Record<string, number>, key: string, by: number): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export function countEventName(counts: Record<string, number>, name: string, by: number): void {
  const key = name.slice(0, profileLimits.maxEventNameLength);
  const known = key in counts || Object.keys(counts).length < profileLimits.maxEventNames;
  increment(counts, known ? key : otherEventNames, by);
}

/**
 * Keeps the value with the highest source precedence, and among equals the latest event time; ties in both go
 * to the value applied last.
 */
export function setTrait(profile: LiveProfile, key: string, candidate: TraitValue, rules: Precedence): void {
  const current = profile.traits[key];
  if (current === undefined) {
    if (Object.keys(profile.traits).length >= profileLimits.maxTraits) return;
    if (JSON.stringify(candidate.value).length > profileLimits.maxTraitBytes) return;
    profile.traits[key] = candidate;
    return;
  }
  if (!traitWins(candidate, current, rules)) return;
  if (JSON.stringify(candidate.value).length > profileLimits.maxTraitBytes) return;
  profile.traits[key] = candidate;
}

export function traitWins(candidate: TraitValue, current: TraitValue, rules: Precedence): boolean {
  const difference = rules.traitPrecedence(candidate.source) - rules.traitPrecedence(current.source);
  return difference > 0 || (difference === 0 && candidate.at >= current.at);
}

function consentPreferences(event: CollectedEvent): Record<string, boolean> {
  const consent = event.context.consent;
  if (!isJsonObject(consent)) return {};
  const preferences: Json | undefined = consent.categoryPreferences;
  if (!isJsonObject(preferences)) return {};
  const granted: Record<string, boolean> = {};
  for (const [purpose, value] of Object.entries(preferences)) {
    if (purpose !== '' && typeof value === 'boolean') granted[purpose] = value;
  }
  return granted;
}

/** Revenue is money: sums are kept to the cent so that the order of additions cannot show. */
function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}

export function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

export function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
