/**
 * Inbound webhooks: checking that a request comes from whom it claims to, and turning its JSON events into the
 * rows the mapping engine reads (one NDJSON line per event), so a webhook's events are mapped exactly as an
 * exported file of the same events would be.
 *
 * Two kinds:
 * - `sendgrid`: Twilio SendGrid's signed Event Webhook. SendGrid signs `timestamp + body` (the
 *   `X-Twilio-Email-Event-Webhook-Timestamp` header's text followed by the raw body) with ECDSA P-256 over
 *   SHA-256; the signature (`X-Twilio-Email-Event-Webhook-Signature`) is base64 of the DER-encoded signature,
 *   the verification key base64 of the DER-encoded public key (SubjectPublicKeyInfo), as SendGrid's settings
 *   show it.
 * - `generic`: any tool that can sign its body with a shared secret: `X-Cdp-Signature: sha256=<hex>`, the
 *   HMAC-SHA256 of the raw body. No timestamp: a replayed body carries the same natural keys, hence the same
 *   messageIds, and the lake keeps one row each.
 */
import { Buffer } from 'node:buffer';
import { createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { WebhookBodyError, WebhookSignatureError } from './errors.ts';

export const webhookKinds = ['sendgrid', 'generic'] as const;
export type WebhookKind = (typeof webhookKinds)[number];

export const sendGridSignatureHeader = 'x-twilio-email-event-webhook-signature';
export const sendGridTimestampHeader = 'x-twilio-email-event-webhook-timestamp';
export const genericSignatureHeader = 'x-cdp-signature';

/**
 * How far a SendGrid timestamp may be from now. SendGrid documents none; five minutes is what Stripe and the
 * Standard Webhooks specification use, and bounds how long a captured request can be replayed.
 */
export const sendGridToleranceSeconds = 300;

export interface SignedRequest {
  /** The raw body exactly as received: the signature covers these bytes. */
  readonly body: Uint8Array;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly now: Date;
}

/** Throws `WebhookSignatureError` unless the request carries SendGrid's valid, fresh signature. */
export function verifySendGridSignature(request: SignedRequest, verificationKey: string): void {
  const signature = request.headers[sendGridSignatureHeader];
  const timestamp = request.headers[sendGridTimestampHeader];
  if (!signature || !timestamp) {
    throw new WebhookSignatureError(`missing ${sendGridSignatureHeader} or ${sendGridTimestampHeader}`);
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookSignatureError('timestamp is not epoch seconds');
  const age = Math.abs(request.now.getTime() / 1000 - Number(timestamp));
  if (age > sendGridToleranceSeconds) {
    throw new WebhookSignatureError(`timestamp is more than ${sendGridToleranceSeconds} s from now`);
  }
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), request.body]);
  let valid: boolean;
  try {
    const key = createPublicKey({ key: Buffer.from(verificationKey, 'base64'), format: 'der', type: 'spki' });
    valid = verify('sha256', signed, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch (error) {
    throw new WebhookSignatureError('signature cannot be verified', { cause: error });
  }
  if (!valid) throw new WebhookSignatureError('signature does not match');
}

/** Throws `WebhookSignatureError` unless `X-Cdp-Signature` is `sha256=` the HMAC-SHA256 of the body in hex. */
export function verifyGenericSignature(request: SignedRequest, secret: string): void {
  const header = request.headers[genericSignatureHeader];
  const presented = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  if (presented === undefined) {
    throw new WebhookSignatureError(`missing or malformed ${genericSignatureHeader} (sha256=<hex>)`);
  }
  const expected = createHmac('sha256', secret).update(request.body).digest();
  if (!timingSafeEqual(expected, Buffer.from(presented, 'hex'))) {
    throw new WebhookSignatureError('signature does not match');
  }
}

export function verifyWebhookSignature(kind: WebhookKind, request: SignedRequest, secret: string): void {
  if (kind === 'sendgrid') verifySendGridSignature(request, secret);
  else verifyGenericSignature(request, secret);
}

/**
 * A webhook's JSON (one object, or an array of objects as SendGrid posts) as NDJSON: one event per line, in
 * order, so the mapping engine reads it as it reads an exported file.
 */
export function webhookEventsAsNdjson(body: Uint8Array): Uint8Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    throw new WebhookBodyError('body is not JSON', { cause: error });
  }
  const events = Array.isArray(parsed) ? parsed : [parsed];
  const lines = events.map((event, index) => {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new WebhookBodyError(`event ${index} is not a JSON object`);
    }
    return JSON.stringify(event);
  });
  return Buffer.from(lines.length === 0 ? '' : `${lines.join('\n')}\n`, 'utf8');
}
