/**
 * Which lake rows and stream failure records belong to the people being erased. One matcher holds every
 * pending erasure at once, so a single pass over the lake serves them all; each match names the erasure it
 * belongs to (the first that claims it), for the job's counts.
 *
 * | Table | A row is the person's when |
 * |---|---|
 * | events | `user_id`, `anonymous_id` or `previous_id`, normalised as resolution does (trimmed), is one of their user or anonymous ids, or `email_sha256` / `phone_sha256` is the digest of one of their emails / phones (or one of their `*_sha256` identities) |
 * | quarantine | `raw` contains one of their identifier values as a JSON string (emails compared in lower case) |
 * | identity_links | `profile_id` is one of their profiles, or (`id_type`, `id_value`) is one of their identities as the lake publishes it |
 * | identity_merges | `merged_profile_id` or `into_profile_id` is one of their profiles |
 * | scores | `profile_id` is one of their profiles |
 */

import { eventIdentifiers } from '../identity/extract.ts';
import { lakeIdentity, sha256Hex } from '../identity/hashing.ts';
import { type Identity, identityKey } from '../identity/identifiers.ts';
import { normaliseIdentifier } from '../identity/normalise.ts';
import { lookups } from '../identity/plan.ts';
import type { IdentityRules } from '../identity/rules.ts';
import { decodeEnvelope } from '../lake/envelope.ts';
import type { LakeRow } from '../lake/rows.ts';
import type { LakeTable } from '../lake/schema.ts';

/** One person to remove from the lake. */
export interface ErasureTarget {
  readonly erasureId: string;
  readonly identities: readonly Identity[];
  readonly profileIds: readonly string[];
}

/** The columns each table's matching reads (the rest of a file is read only when it has a match). */
export const matchColumns: Readonly<Record<string, readonly string[]>> = {
  events: ['user_id', 'anonymous_id', 'previous_id', 'email_sha256', 'phone_sha256'],
  quarantine: ['raw'],
  identity_links: ['id_type', 'id_value', 'profile_id'],
  identity_merges: ['merged_profile_id', 'into_profile_id'],
  scores: ['profile_id'],
};

/** Lookups from a value to the erasure it belongs to, one per kind of match. */
class Claims {
  readonly #owners = new Map<string, string>();

  claim(value: string, erasureId: string): void {
    if (!this.#owners.has(value)) this.#owners.set(value, erasureId);
  }

  owner(value: unknown): string | undefined {
    return typeof value === 'string' ? this.#owners.get(value) : undefined;
  }
}

export class ErasureMatcher {
  private readonly userIds = new Claims();
  private readonly anonymousIds = new Claims();
  private readonly emailDigests = new Claims();
  private readonly phoneDigests = new Claims();
  private readonly lakeIdentities = new Claims();
  private readonly identityKeys = new Claims();
  private readonly profileIds = new Claims();
  /** `"value"` as it appears in JSON text; `lowerCase` for emails, which are normalised to lower case. */
  private readonly needles: { text: string; lowerCase: boolean; erasureId: string }[] = [];

  constructor(targets: readonly ErasureTarget[]) {
    for (const { erasureId, identities, profileIds } of targets) {
      for (const profileId of profileIds) this.profileIds.claim(profileId, erasureId);
      for (const identity of identities) {
        const { type, value } = identity;
        this.identityKeys.claim(identityKey(identity), erasureId);
        const published = lakeIdentity(identity);
        this.lakeIdentities.claim(identityKey(published), erasureId);
        if (type === 'user_id') this.userIds.claim(value, erasureId);
        if (type === 'anonymous_id') this.anonymousIds.claim(value, erasureId);
        if (type === 'email') this.emailDigests.claim(sha256Hex(value), erasureId);
        if (type === 'phone') this.phoneDigests.claim(sha256Hex(value), erasureId);
        if (type === 'email_sha256') this.emailDigests.claim(value, erasureId);
        if (type === 'phone_sha256') this.phoneDigests.claim(value, erasureId);
        this.needles.push({ text: JSON.stringify(value), lowerCase: type === 'email', erasureId });
      }
    }
  }

  /** The columns `rowOwner` needs for `table`; empty for a table the matcher does not know. */
  columns(table: LakeTable): readonly string[] {
    return matchColumns[table.name] ?? [];
  }

  /**
   * The erasure a row of `table` belongs to, if any; `row` needs only the table's `columns`. Events keep their
   * ids as sent (`" u-ann "`), so they are normalised with `rules` as resolution does before they are compared.
   */
  rowOwner(table: LakeTable, row: LakeRow, rules: IdentityRules): string | undefined {
    switch (table.name) {
      case 'events':
        return (
          this.idOwner(this.userIds, 'user_id', row.user_id, rules) ??
          this.idOwner(this.anonymousIds, 'anonymous_id', row.anonymous_id, rules) ??
          this.idOwner(this.userIds, 'user_id', row.previous_id, rules) ??
          this.idOwner(this.anonymousIds, 'anonymous_id', row.previous_id, rules) ??
          this.emailDigests.owner(row.email_sha256) ??
          this.phoneDigests.owner(row.phone_sha256)
        );
      case 'quarantine':
        return typeof row.raw === 'string' ? this.textOwner(row.raw) : undefined;
      case 'identity_links':
        return (
          this.profileIds.owner(row.profile_id) ??
          (typeof row.id_type === 'string' && typeof row.id_value === 'string'
            ? this.lakeIdentities.owner(identityKey({ type: row.id_type, value: row.id_value }))
            : undefined)
        );
      case 'identity_merges':
        return this.profileIds.owner(row.merged_profile_id) ?? this.profileIds.owner(row.into_profile_id);
      case 'scores':
        return this.profileIds.owner(row.profile_id);
      default:
        return undefined;
    }
  }

  /**
   * The erasure a stream record (a `StreamEnvelope` as the stream carried it) belongs to: an event's
   * identifiers as resolution reads them; a quarantined input's or an unreadable record's text searched as
   * quarantine rows are.
   */
  recordOwner(data: Uint8Array, rules: IdentityRules): string | undefined {
    try {
      const envelope = decodeEnvelope(data);
      if (envelope.schema === 'cdp.event/1') {
        for (const identity of lookups(eventIdentifiers(envelope.event, rules))) {
          const owner = this.identityKeys.owner(identityKey(identity));
          if (owner !== undefined) return owner;
        }
        return undefined;
      }
      return this.textOwner(envelope.quarantined.raw);
    } catch {
      // Not an envelope (the poison record that made the batch fail, perhaps): search its text.
      return this.textOwner(new TextDecoder().decode(data));
    }
  }

  /** The owner of an id column's value in the form resolution stored it (a null or blocked value has none). */
  private idOwner(claims: Claims, type: string, value: unknown, rules: IdentityRules): string | undefined {
    if (value === null || value === undefined) return undefined;
    const normalised = normaliseIdentifier(type, value, rules);
    return normalised.ok ? claims.owner(normalised.value) : undefined;
  }

  private textOwner(text: string): string | undefined {
    let lower: string | undefined;
    for (const needle of this.needles) {
      if (text.includes(needle.text)) return needle.erasureId;
      if (needle.lowerCase) {
        lower ??= text.toLowerCase();
        if (lower.includes(needle.text)) return needle.erasureId;
      }
    }
    return undefined;
  }
}
