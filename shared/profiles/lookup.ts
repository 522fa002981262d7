/**
 * Finding a person by any of their identifiers, as the profile API and `cdp profile get` do: the value is
 * normalised as resolution normalises it, then redirects are followed to the surviving profile.
 */
import { InconsistentGraphError } from '../identity/errors.ts';
import { identifierTypePattern, identityKey } from '../identity/identifiers.ts';
import { normaliseIdentifier } from '../identity/normalise.ts';
import { maxRedirectHops } from '../identity/plan.ts';
import type { IdentityGraphReader } from '../identity/ports.ts';
import type { IdentityRules } from '../identity/rules.ts';
import { virtualProfile } from '../identity/virtual-profile.ts';
import { InvalidProfileRequestError } from './errors.ts';
import type { EventSummary, LiveProfile } from './model.ts';
import type { ProfileReader } from './ports.ts';

/** Most events the recent-events endpoint answers with. */
export const maxRecentEventsLimit = 200;

/**
 * The live profile `type`/`value` belongs to; undefined when no profile holds it (a blocked or unusable value
 * never does). A virtual profile (a new visitor's identity item, whose profile item is not written yet) is
 * answered as what it is: that one identity, no activity, `version` 0.
 * @throws InvalidProfileRequestError when `type` is not an identifier type name.
 *
 * @example await findProfile(reader, 'email', ' Ann@Example.com', rules) // ann@example.com's profile
 */
export async function findProfile(
  reader: IdentityGraphReader,
  type: string,
  value: string,
  rules: IdentityRules,
): Promise<LiveProfile | undefined> {
  if (!identifierTypePattern.test(type)) {
    throw new InvalidProfileRequestError(`"${type.slice(0, 40)}" is not an identifier type`);
  }
  const normalised = normaliseIdentifier(type, value, rules);
  if (!normalised.ok) return undefined;
  const identity = { type, value: normalised.value };
  let profileId = (await reader.linkedProfiles([identity])).get(identityKey(identity));
  for (let hop = 0; profileId !== undefined && hop <= maxRedirectHops; hop += 1) {
    const profile = (await reader.profiles([profileId])).get(profileId);
    // The identity's own profile may have no item yet (created lazily): the person is that one identity.
    if (profile === undefined) return hop === 0 ? virtualProfile(profileId, [identity]) : undefined;
    if (profile.kind === 'live') return profile;
    profileId = profile.mergedInto;
  }
  if (profileId === undefined) return undefined;
  throw new InconsistentGraphError(`redirect chain from ${identityKey(identity)} does not end`);
}

/**
 * The profile with the scores the scoring job keeps beside it. Only the person's own: scores written beside
 * a profile merged into theirs were computed from part of their purchases and are never shown.
 */
export async function withScores(reader: ProfileReader, profile: LiveProfile): Promise<LiveProfile> {
  const scores = await reader.scores(profile.profileId);
  return scores === undefined ? profile : { ...profile, scores };
}

/** The person's recent events, stitched across the profiles merged into theirs, newest first. */
export function recentEventsOf(
  reader: ProfileReader,
  profile: LiveProfile,
  limit: number,
): Promise<EventSummary[]> {
  return reader.recentEvents([profile.profileId, ...profile.merged], limit);
}

/**
 * The `limit` query parameter: a whole number from 1 to `maxRecentEventsLimit`, 20 when absent.
 * @throws InvalidProfileRequestError otherwise.
 */
export function parseLimit(text: string | undefined): number {
  if (text === undefined || text === '') return 20;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxRecentEventsLimit) {
    throw new InvalidProfileRequestError(`limit must be a whole number from 1 to ${maxRecentEventsLimit}`);
  }
  return limit;
}
