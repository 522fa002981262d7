/**
 * Union of two profiles of one person: identities, activity, counts and orders add up; traits and consent keep
 * the winning value of either side; the idempotency marks of both are kept, so an event applied to either side
 * is never applied to the union again.
 */
import type { IdentityRules } from '../identity/rules.ts';
import { compareSequenceNumbers } from '../identity/sequence.ts';
import type { Channel } from '../ports.ts';
import { countEventName, increment, recordActivity, recordOrders, setTrait } from './apply.ts';
import { type LiveProfile, profileLimits } from './model.ts';

/** Merges `loser` into `survivor` in place; `loser` is left as it was (the caller turns it into a redirect). */
export function mergeProfiles(
  survivor: LiveProfile,
  loser: LiveProfile,
  rules: Pick<IdentityRules, 'traitPrecedence'>,
): void {
  for (const [type, values] of Object.entries(loser.identities)) {
    const into = survivor.identities[type] ?? [];
    for (const value of values) if (!into.includes(value)) into.push(value);
    survivor.identities[type] = into;
  }
  for (const [channel, activity] of Object.entries(loser.channels)) {
    if (activity) recordActivity(survivor.channels, channel as Channel, activity);
  }
  for (const [type, count] of Object.entries(loser.typeCounts)) increment(survivor.typeCounts, type, count);
  for (const [name, count] of Object.entries(loser.eventCounts))
    countEventName(survivor.eventCounts, name, count);
  recordOrders(survivor, loser.orders);
  for (const [key, value] of Object.entries(loser.traits)) setTrait(survivor, key, value, rules);
  for (const [purpose, consent] of Object.entries(loser.consent)) {
    const current = survivor.consent[purpose];
    if (current === undefined || consent.at > current.at) survivor.consent[purpose] = consent;
  }
  for (const [shard, sequenceNumber] of Object.entries(loser.seq)) {
    const current = survivor.seq[shard];
    if (current === undefined || compareSequenceNumbers(sequenceNumber, current) > 0) {
      survivor.seq[shard] = sequenceNumber;
    }
  }
  const recent = [...new Set([...loser.recent, ...survivor.recent])];
  survivor.recent = recent.slice(Math.max(0, recent.length - profileLimits.maxRecentMessages));
  survivor.merged = [...new Set([...survivor.merged, ...loser.merged, loser.profileId])];
}
