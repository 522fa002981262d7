/**
 * Decoding stream records for the lake. The check covers what the lake relies on (ids, times that parse,
 * the shape of the enrichment); the objects the lake stores as JSON text are only checked to be objects,
 * because a record that came out of `JSON.parse` cannot hold anything but JSON.
 */
import { z } from 'zod';
import { isJsonObject } from '../events/json.ts';
import { type JsonObject, messageTypes, type StreamEnvelope } from '../events/model.ts';
import { channels } from '../ports.ts';
import { InvalidStreamRecordError } from './errors.ts';

/** Years outside 0000–9999 have no `YYYY-MM-DD` date partition. */
const FIRST_INSTANT = Date.parse('0000-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

const instant = z.string().refine((text) => {
  const millis = Date.parse(text);
  return !Number.isNaN(millis) && millis >= FIRST_INSTANT && millis <= LAST_INSTANT;
}, 'not a date-time between years 0000 and 9999');

const jsonObject = z.custom<JsonObject>(isJsonObject, 'not a JSON object');

const enrichment = z.object({
  ip: z.string().optional(),
  userAgent: z
    .object({
      browser: z.string().optional(),
      browserVersion: z.string().optional(),
      os: z.string().optional(),
      osVersion: z.string().optional(),
      deviceType: z.string().optional(),
    })
    .optional(),
  campaign: z
    .object({
      source: z.string().optional(),
      medium: z.string().optional(),
      name: z.string().optional(),
      term: z.string().optional(),
      content: z.string().optional(),
    })
    .optional(),
  marketingChannel: z.string().optional(),
  page: z
    .object({
      url: z.string().optional(),
      path: z.string().optional(),
      referrer: z.string().optional(),
      host: z.string().optional(),
    })
    .optional(),
});

const collectedEvent = z.object({
  messageId: z.string().min(1),
  type: z.enum(messageTypes),
  event: z.string().optional(),
  name: z.string().optional(),
  category: z.string().optional(),
  userId: z.string().optional(),
  anonymousId: z.string().optional(),
  groupId: z.string().optional(),
  previousId: z.string().optional(),
  properties: jsonObject.optional(),
  traits: jsonObject.optional(),
  context: jsonObject,
  integrations: jsonObject.optional(),
  timestamp: instant,
  originalTimestamp: instant.optional(),
  sentAt: instant.optional(),
  receivedAt: instant,
  source: z.string(),
  channel: z.enum(channels),
  enrichment,
});

const quarantinedEvent = z.object({
  messageId: z.string().min(1),
  reason: z.string(),
  path: z.string(),
  raw: z.string(),
  receivedAt: instant,
  source: z.string(),
  channel: z.enum(channels),
});

const envelopeSchema = z.discriminatedUnion('schema', [
  z.object({ schema: z.literal('cdp.event/1'), event: collectedEvent }),
  z.object({ schema: z.literal('cdp.quarantine/1'), quarantined: quarantinedEvent }),
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads one stream record (written by `encodeEnvelope` of shared/events/envelope.ts) and checks that its
 * payload has what the lake relies on: the collector validated it, but anything can be put on a stream, and
 * one bad record must not fail a batch.
 * @throws InvalidStreamRecordError when the bytes are not UTF-8 JSON, not a known envelope, or its payload
 * lacks what the lake needs.
 */
export function decodeEnvelope(data: Uint8Array): StreamEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(data));
  } catch (error) {
    throw new InvalidStreamRecordError('record is not UTF-8 JSON', { cause: error });
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidStreamRecordError(`record is not a lake envelope: ${summarise(parsed.error)}`);
  }
  return parsed.data;
}

function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
