/**
 * How a recent-events item holds its events: the summaries as tuples (`[messageId, type, event, name, time
 * (ms), source, channel]`: half a map's bytes), as JSON, compressed with raw DEFLATE into the binary attribute
 * `z`. DynamoDB bills writes per started KB: a batch's events of one person repeat their type, names, source and
 * channel, so they compress to about a third (14 events with random UUID messageIds: 1.4 KB → 0.5 KB), and an
 * item of up to ~30 events stays within one write unit. Items written before compression hold the tuples in
 * `events`; they are still read.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { channels } from '../ports.ts';
import type { EventSummary } from '../profiles/model.ts';

type EventTuple = [string, string, string | null, string | null, number, string, string];

const summaryTuple = z.tuple([
  z.string(),
  z.string(),
  z.string().nullable(),
  z.string().nullable(),
  z.number(),
  z.string(),
  z.enum(channels),
]);

/** The `z` attribute of an item holding `summaries`. */
export function encodeRecentEvents(summaries: readonly EventSummary[]): Uint8Array {
  const tuples: EventTuple[] = summaries.map(
    ({ messageId, type, event, name, timestamp, source, channel }) => [
      messageId,
      type,
      event ?? null,
      name ?? null,
      Date.parse(timestamp),
      source,
      channel,
    ],
  );
  return deflateRawSync(JSON.stringify(tuples));
}

/**
 * The events of an item, from `z` or, for an item written before compression, `events`; undefined when it is
 * malformed.
 */
export function decodeRecentEvents(item: Readonly<Record<string, unknown>>): EventSummary[] | undefined {
  let tuples: unknown = item.events;
  if (item.z instanceof Uint8Array) {
    try {
      tuples = JSON.parse(inflateRawSync(item.z).toString('utf8'));
    } catch {
      return undefined;
    }
  }
  const parsed = z.array(summaryTuple).safeParse(tuples);
  if (!parsed.success) return undefined;
  return parsed.data.map(([messageId, type, event, name, time, source, channel]) => ({
    messageId,
    type,
    ...(event === null ? {} : { event }),
    ...(name === null ? {} : { name }),
    timestamp: new Date(time).toISOString(),
    source,
    channel,
  }));
}
