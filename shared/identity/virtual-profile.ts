/**
 * Lazy profile creation (docs/identity.md, "Virtual profiles"): a new visitor's first identity costs one write —
 * its identity item, pointing at a profile id that has no item yet. Until something more than that one identity
 * is known of the person, the profile is "virtual": every reader builds it from the identity item alone, and
 * the first write that gives it a second identity, an applied event or a merge creates (or redirects) it.
 */
import { emptyProfile, identityCount, type LiveProfile } from '../profiles/model.ts';
import type { Identity } from './identifiers.ts';
import { profileCreatedAt } from './profile-id.ts';

/**
 * The profile an identity item points at when that profile has no item: empty apart from the identities read
 * pointing at it, created when its id says, at `version` 0 — stored profiles start at 1, so 0 means "not stored",
 * and writing it is a create that must find no item there.
 *
 * @example virtualProfile('01jd3m5t7q4x9v2k8c6w1e0rfy', [{ type: 'anonymous_id', value: 'a-1' }])
 */
export function virtualProfile(profileId: string, identities: readonly Identity[]): LiveProfile {
  const profile = emptyProfile(profileId, profileCreatedAt(profileId));
  for (const { type, value } of identities) {
    const values = profile.identities[type] ?? [];
    if (!values.includes(value)) values.push(value);
    profile.identities[type] = values;
  }
  return profile;
}

/**
 * Whether a profile is nothing but one identity — no event applied, nothing merged into it: its identity item
 * says all of it, so the profile item is not written (it stays, or becomes, virtual).
 */
export function isJustOneIdentity(profile: LiveProfile): boolean {
  return identityCount(profile) === 1 && Object.keys(profile.seq).length === 0 && profile.merged.length === 0;
}
