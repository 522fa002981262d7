/**
 * Emails and phone numbers on their way into the lake. The lake is read by analysts and exported to other
 * tools, so by default it holds these identifiers only as SHA-256 digests of their normalised value (the
 * `email_sha256` / `phone_sha256` columns, the form ad platforms match on); `privacy.plaintextIdentifiersInLake`
 * keeps the plain values in the JSON columns as well. Digests are computed from the identifiers identity
 * resolution takes from the event, normalised by the same rules, so a digest in the lake equals the one the
 * identity map publishes and the one an erasure looks for.
 */
import type { RuntimeSettings } from '../config/settings.ts';
import { identitySettingsSchema } from '../config/settings.ts';
import { isJsonObject } from '../events/json.ts';
import type { CollectedEvent, Json, JsonObject } from '../events/model.ts';
import { eventIdentifiers } from '../identity/extract.ts';
import { hashedInLake, sha256Hex } from '../identity/hashing.ts';
import { normaliseIdentifier } from '../identity/normalise.ts';
import { type IdentityRules, identityRules } from '../identity/rules.ts';

/** How event rows treat personal identifiers. */
export interface LakePrivacy {
  /** Keep emails and phone numbers in plain text in the JSON columns, beside the digest columns. */
  readonly plaintextIdentifiers: boolean;
  /** The normalisation identity resolution applies, so that digests match the identity map's. */
  readonly identityRules: IdentityRules;
}

/** The options the runtime settings give: built once per cold start. */
export function lakePrivacy(settings: RuntimeSettings): LakePrivacy {
  return {
    plaintextIdentifiers: settings.privacy.plaintextIdentifiersInLake,
    identityRules: identityRules(settings.identity),
  };
}

/** The settings' defaults: digests only, identity rules as an empty `identity` section gives them. */
export const defaultLakePrivacy: LakePrivacy = {
  plaintextIdentifiers: false,
  identityRules: identityRules(identitySettingsSchema.parse({})),
};

export interface IdentifierDigests {
  readonly email_sha256: string | null;
  readonly phone_sha256: string | null;
}

/** A client-side digest as an `externalIds` entry with encoding `sha256` carries it: 64 lower-case hex digits. */
const hexDigest = /^[0-9a-f]{64}$/;

/**
 * SHA-256 (hex) of the strongest email and phone number identity resolution takes from the event (so a
 * blocked or invalid value gives none). Without a plain email (phone), an `externalIds` entry the client
 * already hashed (`email` + encoding `sha256`, lower-case hex) is taken as it is.
 *
 * @example identifierDigests({ ...event, context: { traits: { email: ' Ann@Example.com' } } }, rules)
 *   // { email_sha256: sha256Hex('ann@example.com'), phone_sha256: null }
 */
export function identifierDigests(event: CollectedEvent, rules: IdentityRules): IdentifierDigests {
  const { identities } = eventIdentifiers(event, rules);
  const digestOf = (type: string): string | null => {
    const plain = identities.find((identity) => identity.type === type);
    if (plain !== undefined) return sha256Hex(plain.value);
    const hashed = identities.find(
      (identity) => identity.type === `${type}_sha256` && hexDigest.test(identity.value),
    );
    return hashed?.value ?? null;
  };
  return { email_sha256: digestOf('email'), phone_sha256: digestOf('phone') };
}

/**
 * The event without plain emails and phone numbers where the spec puts them: the `email` and `phone` keys
 * of `traits`, `properties` and `context.traits` are removed (the digest columns stand for the person's;
 * a group's or a property's is not kept), and `context.externalIds` entries of type email or phone get their
 * `id` hashed and `encoding: 'sha256'` (Segment's convention; an id that does not normalise is left out).
 * Values elsewhere (free-text properties, ids built from an email) are not searched for.
 */
export function withoutPlainIdentifiers(event: CollectedEvent, rules: IdentityRules): CollectedEvent {
  const properties = withoutHashedKeys(event.properties);
  const traits = withoutHashedKeys(event.traits);
  const context = contextWithoutPlainIdentifiers(event.context, rules);
  if (properties === event.properties && traits === event.traits && context === event.context) return event;
  return {
    ...event,
    ...(properties === undefined ? {} : { properties }),
    ...(traits === undefined ? {} : { traits }),
    context,
  };
}

function contextWithoutPlainIdentifiers(context: JsonObject, rules: IdentityRules): JsonObject {
  const { traits, externalIds } = context;
  const plainTraits = isJsonObject(traits) ? withoutHashedKeys(traits) : traits;
  const hashedIds = Array.isArray(externalIds) ? hashExternalIds(externalIds, rules) : externalIds;
  if (plainTraits === traits && hashedIds === externalIds) return context;
  // Spreading keeps the keys in their place: the JSON text differs from the input only where it must.
  return {
    ...context,
    ...(plainTraits === undefined ? {} : { traits: plainTraits }),
    ...(hashedIds === undefined ? {} : { externalIds: hashedIds }),
  };
}

/** The object without its `email` and `phone` keys; the same object when it has neither. */
function withoutHashedKeys(object: JsonObject | undefined): JsonObject | undefined {
  if (object === undefined || !Object.keys(object).some((key) => hashedInLake.has(key))) return object;
  return Object.fromEntries(Object.entries(object).filter(([key]) => !hashedInLake.has(key)));
}

/** The same array when no entry holds a plain email or phone number. */
function hashExternalIds(entries: Json[], rules: IdentityRules): Json[] {
  if (!entries.some((entry) => plainIdentifierType(entry) !== undefined)) return entries;
  const hashed: Json[] = [];
  for (const entry of entries) {
    const type = plainIdentifierType(entry);
    if (type === undefined || !isJsonObject(entry)) {
      hashed.push(entry);
      continue;
    }
    const normalised = normaliseIdentifier(type, entry.id, rules);
    if (normalised.ok) hashed.push({ ...entry, id: sha256Hex(normalised.value), encoding: 'sha256' });
  }
  return hashed;
}

/**
 * `email` or `phone` for an externalIds entry holding one unencoded (type compared as resolution names it:
 * trimmed, lower case), whatever its collection; undefined otherwise.
 */
function plainIdentifierType(entry: Json): string | undefined {
  if (!isJsonObject(entry) || typeof entry.type !== 'string') return undefined;
  const { encoding } = entry;
  // Resolution reads any other encoding value (absent, null, a number) as none.
  if (typeof encoding === 'string' && encoding !== '' && encoding !== 'none') return undefined;
  const type = entry.type.trim().toLowerCase();
  return hashedInLake.has(type) ? type : undefined;
}
