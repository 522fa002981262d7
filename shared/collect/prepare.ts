/**
 * From a parsed request body to per-message results: each message either becomes a `CollectedEvent` or is
 * quarantined with its reason, in input order. Shared by the HTTP collector and the bulk importers.
 */
import { Buffer } from 'node:buffer';
import { z } from 'zod';
import { type EdgeFacts, enrichMessage } from '../events/enrich.ts';
import { applyIpPrivacy } from '../events/ip.ts';
import { deepMerge, isJsonObject, jsonByteLength } from '../events/json.ts';
import { limits } from '../events/limits.ts';
import { derivedMessageId, randomMessageId } from '../events/message-id.ts';
import type { CollectedEvent, JsonObject, MessageType, QuarantinedEvent } from '../events/model.ts';
import { correctedTimestamp, hasFourDigitYear, parseIsoTimestamp } from '../events/timestamps.ts';
import { joinPath, validateMessage } from '../events/validate.ts';
import { InvalidRequestError } from './errors.ts';

/** What a request posts: one message of a type (`/v1/track`, `/v1/t`, …) or a batch (`/v1/batch`, `/v1/b`). */
export type Endpoint = MessageType | 'batch';

export type PreparedMessage =
  | { readonly ok: true; readonly index: number; readonly event: CollectedEvent }
  | { readonly ok: false; readonly index: number; readonly quarantined: QuarantinedEvent };

/** Batch-level fields that apply to every item (the Segment HTTP API's batch envelope). */
interface BatchDefaults {
  readonly context?: JsonObject;
  readonly integrations?: JsonObject;
  readonly sentAt?: string;
}

const batchEnvelope = z.object(
  {
    batch: z
      .array(z.unknown(), { error: 'must be an array of messages' })
      .min(1, 'must contain at least one message')
      .max(limits.batchEvents, `must contain at most ${limits.batchEvents} messages`),
    context: z.custom<JsonObject>(isJsonObject, { error: 'must be an object' }).nullish(),
    integrations: z.custom<JsonObject>(isJsonObject, { error: 'must be an object' }).nullish(),
    sentAt: z
      .string({ error: 'must be an ISO-8601 timestamp' })
      .refine((value) => parseIsoTimestamp(value) !== undefined, 'must be an ISO-8601 timestamp')
      .nullish(),
  },
  { error: 'request body must be a JSON object' },
);

/**
 * Validates and enriches the messages of a parsed body. Problems with one message quarantine that message;
 * problems with the request as a whole (not an object, no `batch` array, more than 2,500 messages, a bad
 * batch-level field) throw `InvalidRequestError` and nothing is kept.
 *
 * Batch-level `context` is deep-merged into each item's and `integrations` shallow-merged, the item winning
 * every conflict; an item's `sentAt` wins over the batch's.
 *
 * @example prepareMessages({ batch: [{ type: 'track', event: 'Signed Up', userId: 'u1' }] }, 'batch', edge)
 *   // → [{ ok: true, index: 0, event: { messageId: 'cdp-…', type: 'track', … } }]
 */
export function prepareMessages(body: unknown, endpoint: Endpoint, edge: EdgeFacts): PreparedMessage[] {
  if (endpoint !== 'batch') {
    if (!isJsonObject(body)) throw new InvalidRequestError('request body must be a JSON object');
    return [prepareItem(body, 0, '', endpoint, {}, edge)];
  }
  const parsed = batchEnvelope.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidRequestError(issue?.message ?? 'is not a batch', joinPath('', issue?.path ?? []));
  }
  const { batch, context, integrations, sentAt } = parsed.data;
  const defaults: BatchDefaults = {
    ...(context ? { context } : {}),
    ...(integrations ? { integrations } : {}),
    ...(sentAt ? { sentAt } : {}),
  };
  return batch.map((item, index) => prepareItem(item, index, `batch[${index}]`, undefined, defaults, edge));
}

function prepareItem(
  item: unknown,
  index: number,
  path: string,
  endpointType: MessageType | undefined,
  defaults: BatchDefaults,
  edge: EdgeFacts,
): PreparedMessage {
  const quarantine = (reason: string, where: string): PreparedMessage => ({
    ok: false,
    index,
    quarantined: quarantined(item, reason, where, edge),
  });
  // The limit applies to what the client sent, before the batch's fields are merged in.
  const size = jsonByteLength(item);
  if (size > limits.eventBytes)
    return quarantine(`message is ${size} bytes; the limit is ${limits.eventBytes}`, path);
  if (!isJsonObject(item)) return quarantine('must be an object', path);
  const merged = withBatchDefaults(item, defaults);
  // The batch's context is copied into every item: bound what that makes, or a small request could become
  // gigabytes of stream records.
  const mergedSize = jsonByteLength(merged);
  if (mergedSize > limits.eventBytes) {
    return quarantine(
      `message is ${mergedSize} bytes with the batch's context and integrations; the limit is ${limits.eventBytes}`,
      path,
    );
  }
  const validation = validateMessage(merged, { path, endpointType });
  if (!validation.ok) return quarantine(validation.reason, validation.path);
  if (!hasFourDigitYear(correctedTimestamp({ ...validation.message, receivedAt: edge.receivedAt }))) {
    return quarantine(
      'corrected by sentAt, the event time falls outside the years 0000–9999',
      joinPath(path, ['timestamp']),
    );
  }
  // Without a messageId, the content and the client's timestamp identify a message, so a retried request
  // dedupes; without a timestamp either, two identical calls may well be two events, so each gets its own id.
  const messageId =
    validation.message.messageId ??
    (validation.message.originalTimestamp ? derivedMessageId(edge.source.name, merged) : randomMessageId());
  return { ok: true, index, event: enrichMessage(validation.message, messageId, edge) };
}

function withBatchDefaults(item: JsonObject, defaults: BatchDefaults): JsonObject {
  const merged: JsonObject = { ...item };
  if (defaults.context && (item.context === undefined || isJsonObject(item.context))) {
    merged.context = deepMerge(defaults.context, item.context ?? {});
  }
  if (defaults.integrations && (item.integrations === undefined || isJsonObject(item.integrations))) {
    merged.integrations = { ...defaults.integrations, ...(item.integrations ?? {}) };
  }
  if (defaults.sentAt !== undefined && item.sentAt == null) merged.sentAt = defaults.sentAt;
  return merged;
}

/** The input kept for the quarantine, without the write key (a credential) and bounded to the event limit. */
function quarantined(item: unknown, reason: string, path: string, edge: EdgeFacts): QuarantinedEvent {
  const input = isJsonObject(item) ? quarantinedInput(item, edge) : item;
  const messageId = isJsonObject(item) ? usableMessageId(item.messageId) : undefined;
  return {
    messageId: messageId ?? derivedMessageId(edge.source.name, input),
    reason,
    path,
    raw: boundedText(JSON.stringify(input) ?? 'null', limits.eventBytes),
    receivedAt: edge.receivedAt.toISOString(),
    source: edge.source.name,
    channel: edge.source.channel,
  };
}

/** The input as kept in the quarantine: without the write key (a credential), the IP as the privacy setting says. */
function quarantinedInput({ writeKey: _writeKey, ...rest }: JsonObject, edge: EdgeFacts): JsonObject {
  if (!isJsonObject(rest.context) || typeof rest.context.ip !== 'string') return rest;
  const { ip, ...context } = rest.context;
  const kept = applyIpPrivacy(ip, edge.ipPrivacy);
  return { ...rest, context: kept === undefined ? context : { ...context, ip: kept } };
}

function usableMessageId(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= limits.messageIdLength
    ? value
    : undefined;
}

/** The first `maxBytes` of the UTF-8 text; a character cut in half at the end is dropped. */
function boundedText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.byteLength <= maxBytes) return text;
  return bytes
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
