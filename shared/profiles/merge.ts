/**
 * Union of two profiles of one person: identities, activity, counts and orders add up; traits and consent keep
 * the winning value of either side; the messageId digests of both are kept, so an event applied to either side
 * is recognised on the union. The per-shard marks keep only what holds for the union: a mark says that every
 * event of its shard up to it that resolved to its profile was applied, so the union's mark is the lower of the
 * two, and none when either side has none for that shard. (The higher would be wrong after a partly failed
 * batch: its other units may have marked one side past a failed event of the other side, which Lambda then
 * delivers again — the union must not skip it.)
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
  const seq: Record<string, string> = {};
  for (const [shard, mark] of Object.entries(survivor.seq)) {
    const other = loser.seq[shard];
    if (other !== undefined) seq[shard] = compareSequenceNumbers(other, mark) < 0 ? other : mark;
  }
  survivor.seq = seq;
  const recent = [...new Set([...loser.recent, ...survivor.recent])];
  survivor.recent = recent.slice(Math.max(0, recent.length - profileLimits.maxRecentMessages));
  survivor.merged = [...new Set([...survivor.merged, ...loser.merged, loser.profileId])];
}
