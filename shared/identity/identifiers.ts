/**
 * Identities: a typed identifier value (`email` `ann@example.com`) that belongs to at most one profile. Values
 * are always normalised (normalise.ts) before they are compared, stored or looked up.
 */

export interface Identity {
  /** `user_id`, `anonymous_id`, `email`, `phone`, `device_id`, an externalIds type or a trait identifier. */
  readonly type: string;
  readonly value: string;
}

/** The identifier types every event may carry, with their normalisation (normalise.ts). */
export const builtInTypes = ['user_id', 'anonymous_id', 'email', 'phone', 'device_id'] as const;

/** What an identifier type name may look like: it is part of storage keys and of the profile API's paths. */
export const identifierTypePattern = /^[a-z][a-z0-9_]{0,39}$/;

/** Longest identifier value kept, in characters; longer values are not identifiers but payloads. */
export const maxIdentifierLength = 256;

/**
 * One string per identity, unique across types: the type cannot contain `:`.
 *
 * @example identityKey({ type: 'email', value: 'ann@example.com' }) === 'email:ann@example.com'
 */
export function identityKey(identity: Identity): string {
  return `${identity.type}:${identity.value}`;
}
