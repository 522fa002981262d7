/**
 * Stream shapes → lake rows, one column per `schema.ts` column, and the date partition each row belongs to.
 * Event rows carry emails and phone numbers as digests, in plain text only if the settings say so
 * (personal-data.ts).
 */
import type { CollectedEvent, JsonObject, QuarantinedEvent, StreamEnvelope } from '../events/model.ts';
import {
  defaultLakePrivacy,
  identifierDigests,
  type LakePrivacy,
  withoutPlainIdentifiers,
} from './personal-data.ts';
import { eventsTable, LAKE_SCHEMA_VERSION, type LakeTable, quarantineTable } from './schema.ts';

/** What a lake cell holds in memory: `string` for string and json columns, `Date` for timestamps. */
export type LakeValue = string | number | Date | null;
export type LakeRow = { readonly [column: string]: LakeValue };

export type EventRow = {
  readonly message_id: string;
  readonly type: string;
  readonly event: string | null;
  readonly name: string | null;
  readonly category: string | null;
  readonly user_id: string | null;
  readonly anonymous_id: string | null;
  readonly group_id: string | null;
  readonly previous_id: string | null;
  readonly timestamp: Date;
  readonly original_timestamp: Date | null;
  readonly sent_at: Date | null;
  readonly received_at: Date;
  readonly source: string;
  readonly channel: string;
  readonly marketing_channel: string | null;
  readonly utm_source: string | null;
  readonly utm_medium: string | null;
  readonly utm_campaign: string | null;
  readonly utm_term: string | null;
  readonly utm_content: string | null;
  readonly page_url: string | null;
  readonly page_path: string | null;
  readonly page_referrer: string | null;
  readonly ip: string | null;
  readonly browser: string | null;
  readonly os: string | null;
  readonly device_type: string | null;
  readonly properties: string | null;
  readonly traits: string | null;
  readonly context: string;
  readonly integrations: string | null;
  readonly schema_version: number;
  readonly email_sha256: string | null;
  readonly phone_sha256: string | null;
};

export type QuarantineRow = {
  readonly message_id: string;
  readonly reason: string;
  readonly path: string;
  readonly raw: string;
  readonly received_at: Date;
  readonly source: string;
  readonly channel: string;
  readonly schema_version: number;
};

/** The timestamp column whose UTC date is a table's `dt` partition. */
export const partitionTimeColumn: Readonly<Record<string, string>> = {
  [eventsTable.name]: 'timestamp',
  [quarantineTable.name]: 'received_at',
  // Written by identity resolution (shared/identity/publish.ts); its rows are built there.
  identity_links: 'resolved_at',
  identity_merges: 'merged_at',
};

/** A row bound for the lake, with the table and the `dt` partition it goes to. */
export interface LakeRecord {
  readonly table: LakeTable;
  /** `YYYY-MM-DD`, UTC. */
  readonly dt: string;
  readonly messageId: string;
  /** Epoch milliseconds of `received_at`, to keep the earliest copy of a duplicate. */
  readonly receivedAt: number;
  readonly row: LakeRow;
}

/**
 * @param privacy whether emails and phone numbers stay in plain text in the JSON columns, and how they are
 *   normalised before hashing; the settings' defaults (digests only) when left out.
 */
export function eventRow(collected: CollectedEvent, privacy: LakePrivacy = defaultLakePrivacy): EventRow {
  const digests = identifierDigests(collected, privacy.identityRules);
  const event = privacy.plaintextIdentifiers
    ? collected
    : withoutPlainIdentifiers(collected, privacy.identityRules);
  const { campaign, page, userAgent } = event.enrichment;
  return {
    message_id: event.messageId,
    type: event.type,
    event: event.event ?? null,
    name: event.name ?? null,
    category: event.category ?? null,
    user_id: event.userId ?? null,
    anonymous_id: event.anonymousId ?? null,
    group_id: event.groupId ?? null,
    previous_id: event.previousId ?? null,
    timestamp: new Date(event.timestamp),
    original_timestamp: optionalDate(event.originalTimestamp),
    sent_at: optionalDate(event.sentAt),
    received_at: new Date(event.receivedAt),
    source: event.source,
    channel: event.channel,
    marketing_channel: event.enrichment.marketingChannel ?? null,
    utm_source: campaign?.source ?? null,
    utm_medium: campaign?.medium ?? null,
    utm_campaign: campaign?.name ?? null,
    utm_term: campaign?.term ?? null,
    utm_content: campaign?.content ?? null,
    page_url: page?.url ?? null,
    page_path: page?.path ?? null,
    page_referrer: page?.referrer ?? null,
    ip: event.enrichment.ip ?? null,
    browser: userAgent?.browser ?? null,
    os: userAgent?.os ?? null,
    device_type: userAgent?.deviceType ?? null,
    properties: optionalJson(event.properties),
    traits: optionalJson(event.traits),
    context: JSON.stringify(event.context),
    integrations: optionalJson(event.integrations),
    schema_version: LAKE_SCHEMA_VERSION,
    email_sha256: digests.email_sha256,
    phone_sha256: digests.phone_sha256,
  };
}

/**
 * The input as received, plain identifiers included: it is the evidence of what was wrong with it, and an
 * erasure finds a person's inputs by their plain identifiers and removes them.
 */
export function quarantineRow(quarantined: QuarantinedEvent): QuarantineRow {
  return {
    message_id: quarantined.messageId,
    reason: quarantined.reason,
    path: quarantined.path,
    raw: quarantined.raw,
    received_at: new Date(quarantined.receivedAt),
    source: quarantined.source,
    channel: quarantined.channel,
    schema_version: LAKE_SCHEMA_VERSION,
  };
}

/** Where an envelope goes: events by the date of their corrected time, quarantine by the date received. */
export function lakeRecord(envelope: StreamEnvelope, privacy: LakePrivacy = defaultLakePrivacy): LakeRecord {
  if (envelope.schema === 'cdp.event/1') {
    const row = eventRow(envelope.event, privacy);
    return {
      table: eventsTable,
      dt: utcDate(row.timestamp),
      messageId: row.message_id,
      receivedAt: row.received_at.getTime(),
      row,
    };
  }
  const row = quarantineRow(envelope.quarantined);
  return {
    table: quarantineTable,
    dt: utcDate(row.received_at),
    messageId: row.message_id,
    receivedAt: row.received_at.getTime(),
    row,
  };
}

/** `YYYY-MM-DD` of the instant in UTC, e.g. `2026-11-22` for `2026-11-22T23:59:59.999Z`. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function optionalDate(iso: string | undefined): Date | null {
  return iso === undefined ? null : new Date(iso);
}

function optionalJson(value: JsonObject | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
