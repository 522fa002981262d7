/**
 * The shapes that travel on the events stream. The collector (and later the importers) produce them; the lake,
 * identity resolution and everything downstream consume them.
 */
import type { Channel } from '../ports.ts';

export const messageTypes = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof messageTypes)[number];

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** What the platform derived from the request and the event at the edge. */
export interface Enrichment {
  /** Client IP after the privacy setting was applied; absent when dropped. */
  readonly ip?: string;
  readonly userAgent?: {
    readonly browser?: string;
    readonly browserVersion?: string;
    readonly os?: string;
    readonly osVersion?: string;
    /** `desktop` when the parser names no device type. */
    readonly deviceType?: string;
  };
  /** UTM parameters from `context.campaign`, else parsed from `context.page.url`. */
  readonly campaign?: {
    readonly source?: string;
    readonly medium?: string;
    readonly name?: string;
    readonly term?: string;
    readonly content?: string;
  };
  /** Acquisition channel: paid_search, organic_search, paid_social, organic_social, email, affiliate, display, referral, direct, other. */
  readonly marketingChannel?: string;
  readonly page?: {
    readonly url?: string;
    readonly path?: string;
    readonly referrer?: string;
    readonly host?: string;
  };
}

/** The fields of a Segment-spec message, with ids as strings. */
export interface SpecFields {
  readonly type: MessageType;
  readonly event?: string;
  readonly name?: string;
  readonly category?: string;
  readonly userId?: string;
  readonly anonymousId?: string;
  readonly groupId?: string;
  readonly previousId?: string;
  readonly properties?: JsonObject;
  readonly traits?: JsonObject;
  readonly context?: JsonObject;
  readonly integrations?: JsonObject;
}

/** A valid Segment-spec message after the edge: identified by `messageId`, times corrected, source known. */
export interface CollectedEvent extends SpecFields {
  readonly messageId: string;
  readonly context: JsonObject;
  /** Corrected event time: `receivedAt − (sentAt − originalTimestamp)`; ISO-8601 UTC. */
  readonly timestamp: string;
  /** The event time the client reported. */
  readonly originalTimestamp?: string;
  readonly sentAt?: string;
  readonly receivedAt: string;
  /** Name of the source whose write key sent it. */
  readonly source: string;
  readonly channel: Channel;
  readonly enrichment: Enrichment;
}

/** An input that broke the spec: kept with its reason, never dropped. */
export interface QuarantinedEvent {
  readonly messageId: string;
  readonly reason: string;
  /** Where in the input the problem is, e.g. `batch[3].event`. */
  readonly path: string;
  /** The input as received, re-serialised (bounded by the collector's size limits). */
  readonly raw: string;
  readonly receivedAt: string;
  readonly source: string;
  readonly channel: Channel;
}

/** The versioned record format of the events stream. */
export type StreamEnvelope =
  | { readonly schema: 'cdp.event/1'; readonly event: CollectedEvent }
  | { readonly schema: 'cdp.quarantine/1'; readonly quarantined: QuarantinedEvent };
