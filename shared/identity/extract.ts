/**
 * The identifiers an event carries: `userId`, `anonymousId`, `traits.email` / `traits.phone` (also from
 * `context.traits`), `context.device.id`, every user entry of `context.externalIds`, and the trait keys the
 * settings declare as identifiers for the event's source — each normalised, junk left out.
 */
import { isJsonObject } from '../events/json.ts';
import type { CollectedEvent, Json, JsonObject } from '../events/model.ts';
import { type Identity, identifierTypePattern, identityKey } from './identifiers.ts';
import { normaliseIdentifier } from './normalise.ts';
import type { IdentityRules } from './rules.ts';

/** Identities taken from one event at most, strongest first; a larger set is a payload, not a person. */
export const maxIdentitiesPerEvent = 25;

export interface EventIdentifiers {
  /** Normalised, without duplicates, strongest first (the settings' priority, then type and value). */
  readonly identities: readonly Identity[];
  /**
   * The normalised `previousId` of an alias call. Whether it is a `user_id` or an `anonymous_id` depends on the
   * graph: the resolver links it as the user id it is known as, else as an anonymous id.
   */
  readonly previousId?: string;
  /** Identifier values present but blocked or invalid: they link nothing. */
  readonly dropped: number;
}

/**
 * @example eventIdentifiers({ ...event, userId: 'u1', traits: { email: 'Ann@Example.com' } }, rules).identities
 *   // [{ type: 'user_id', value: 'u1' }, { type: 'email', value: 'ann@example.com' }]
 */
export function eventIdentifiers(event: CollectedEvent, rules: IdentityRules): EventIdentifiers {
  const found = new Map<string, Identity>();
  let dropped = 0;
  const add = (type: string, raw: Json | undefined) => {
    if (raw === undefined) return;
    const normalised = normaliseIdentifier(type, raw, rules);
    if (!normalised.ok) {
      dropped += 1;
      return;
    }
    const identity = { type, value: normalised.value };
    found.set(identityKey(identity), identity);
  };

  add('user_id', event.userId);
  add('anonymous_id', event.anonymousId);
  const traitSets = userTraits(event);
  for (const traits of traitSets) {
    add('email', traits.email);
    add('phone', traits.phone);
    for (const key of rules.traitIdentifiers(event.source)) add(key, traits[key]);
  }
  const device = objectAt(event.context, 'device');
  if (device) add('device_id', device.id);
  const externalIds = event.context.externalIds;
  if (Array.isArray(externalIds)) {
    for (const entry of externalIds) {
      if (!isJsonObject(entry)) continue;
      const type = externalIdType(entry);
      if (type === undefined) dropped += 1;
      else add(type, entry.id);
    }
  }

  let previousId: string | undefined;
  if (event.type === 'alias' && event.previousId !== undefined) {
    const normalised = normaliseIdentifier('anonymous_id', event.previousId, rules);
    if (normalised.ok) previousId = normalised.value;
    else dropped += 1;
  }

  const identities = [...found.values()].sort((a, b) => compareIdentities(a, b, rules));
  return {
    identities: identities.slice(0, maxIdentitiesPerEvent),
    ...(previousId === undefined ? {} : { previousId }),
    dropped: dropped + Math.max(0, identities.length - maxIdentitiesPerEvent),
  };
}

/** Strongest first: the settings' priority, then type name, then value, so the order never depends on input. */
export function compareIdentities(a: Identity, b: Identity, rules: IdentityRules): number {
  return (
    rules.rank(a.type) - rules.rank(b.type) || compareText(a.type, b.type) || compareText(a.value, b.value)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The person's traits an event carries: identify's `traits` (a group's traits are the group's) and `context.traits`. */
export function userTraits(event: CollectedEvent): JsonObject[] {
  const sets: JsonObject[] = [];
  const contextTraits = objectAt(event.context, 'traits');
  if (contextTraits) sets.push(contextTraits);
  if (event.type === 'identify' && event.traits) sets.push(event.traits);
  return sets;
}

/**
 * The identifier type of a Segment externalIds entry (`{ id, type, collection, encoding }`): its type in lower
 * case, suffixed with a non-trivial encoding (`email_sha256`); undefined for other collections than users.
 */
function externalIdType(entry: JsonObject): string | undefined {
  const { type, collection, encoding } = entry;
  if (typeof type !== 'string') return undefined;
  if (collection !== undefined && collection !== null && collection !== 'users') return undefined;
  const suffix = typeof encoding === 'string' && encoding !== '' && encoding !== 'none' ? `_${encoding}` : '';
  const name = `${type}${suffix}`
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  return identifierTypePattern.test(name) ? name : undefined;
}

function objectAt(object: JsonObject, key: string): JsonObject | undefined {
  const value = object[key];
  return isJsonObject(value) ? value : undefined;
}
