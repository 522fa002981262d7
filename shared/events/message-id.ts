/** Deterministic message ids for inputs that came without one. */
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson, isJsonObject } from './json.ts';

/**
 * A stable id for a message without `messageId`: a digest of the source and the message's canonical JSON, so a
 * client that retries the same request produces the same id and the copies dedupe downstream. `sentAt` and
 * `writeKey` are left out because a retry legitimately changes the first and the source already stands for the
 * second. Only used when the message has a timestamp: two identical messages with neither id nor time may
 * well be two events, and get `randomMessageId()` instead.
 *
 * @example derivedMessageId('website', { type: 'track', event: 'x', userId: 'u' }) // 'cdp-' + 64 hex digits
 */
export function derivedMessageId(sourceName: string, message: unknown): string {
  const material = isJsonObject(message) ? withoutRetryNoise(message) : message;
  const digest = createHash('sha256')
    .update(sourceName)
    .update('\u0000')
    .update(canonicalJson(material))
    .digest('hex');
  return `cdp-${digest}`;
}

/** An id for a message that nothing identifies: neither a messageId nor a client timestamp. */
export function randomMessageId(): string {
  return `cdp-${randomUUID()}`;
}

function withoutRetryNoise(message: Record<string, unknown>): Record<string, unknown> {
  const { sentAt: _sentAt, writeKey: _writeKey, messageId: _messageId, ...rest } = message;
  return rest;
}
