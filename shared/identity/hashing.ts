/**
 * Digests of identifiers, for where the plain value must not be kept: the lake (email and phone are published
 * as SHA-256 of the normalised value, the form ad platforms and Segment's `externalIds` encoding `sha256` use)
 * and the suppression list of erased people (a digest of the whole identity, type included).
 */
import { createHash } from 'node:crypto';
import { type Identity, identityKey } from './identifiers.ts';

/** Identifier types the lake keeps as digests unless the privacy settings keep plain text too. */
export const hashedInLake: ReadonlySet<string> = new Set(['email', 'phone']);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The identity as the lake publishes it: email and phone as `<type>_sha256` with the hex digest of the
 * normalised value; other types as they are.
 * @example lakeIdentity({ type: 'email', value: 'ann@example.com' })
 *   // { type: 'email_sha256', value: sha256Hex('ann@example.com') }
 */
export function lakeIdentity(identity: Identity): Identity {
  return hashedInLake.has(identity.type)
    ? { type: `${identity.type}_sha256`, value: sha256Hex(identity.value) }
    : identity;
}

/**
 * The key of an identity in the suppression list: a digest of `type:value`, so the list never holds an
 * erased person's identifiers in plain text.
 */
export function suppressionKey(identity: Identity): string {
  return sha256Hex(identityKey(identity));
}
