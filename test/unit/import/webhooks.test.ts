import { Buffer } from 'node:buffer';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookBodyError, WebhookSignatureError } from '../../../shared/import/errors.ts';
import {
  verifyGenericSignature,
  verifySendGridSignature,
  webhookEventsAsNdjson,
} from '../../../shared/import/webhooks.ts';

/** A SendGrid-style key pair: the verification key as SendGrid shows it (base64 of the DER public key). */
function sendGridKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    verificationKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

function sendGridHeaders(
  privateKey: ReturnType<typeof sendGridKeys>['privateKey'],
  timestamp: string,
  body: string,
) {
  const signature = sign('sha256', Buffer.from(timestamp + body), { key: privateKey, dsaEncoding: 'der' });
  return {
    'x-twilio-email-event-webhook-signature': signature.toString('base64'),
    'x-twilio-email-event-webhook-timestamp': timestamp,
  };
}

const now = new Date('2026-11-22T12:00:00Z');
const nowSeconds = String(now.getTime() / 1000);
const body = '[{"email":"ann@example.com","event":"open","sg_event_id":"ev1","timestamp":1795435200}]';

describe('verifySendGridSignature', () => {
  it('accepts a body signed with the private key of the verification key', () => {
    // Prepare
    const { privateKey, verificationKey } = sendGridKeys();
    const headers = sendGridHeaders(privateKey, nowSeconds, body);

    // Act
    const verify = () => verifySendGridSignature({ body: Buffer.from(body), headers, now }, verificationKey);

    // Assess
    expect(verify).not.toThrow();
  });

  it('refuses a tampered body', () => {
    // Prepare
    const { privateKey, verificationKey } = sendGridKeys();
    const headers = sendGridHeaders(privateKey, nowSeconds, body);
    const tampered = Buffer.from(body.replace('open', 'click'));

    // Act
    const verify = () => verifySendGridSignature({ body: tampered, headers, now }, verificationKey);

    // Assess
    expect(verify).toThrow(new WebhookSignatureError('signature does not match'));
  });

  it('refuses a signature made with another key', () => {
    // Prepare
    const ours = sendGridKeys();
    const theirs = sendGridKeys();
    const headers = sendGridHeaders(theirs.privateKey, nowSeconds, body);

    // Act
    const verify = () =>
      verifySendGridSignature({ body: Buffer.from(body), headers, now }, ours.verificationKey);

    // Assess
    expect(verify).toThrow(WebhookSignatureError);
  });

  it('refuses a timestamp more than five minutes away, and accepts one just inside', () => {
    // Prepare: 301 s and 300 s before now.
    const { privateKey, verificationKey } = sendGridKeys();
    const stale = String(now.getTime() / 1000 - 301);
    const edge = String(now.getTime() / 1000 - 300);

    // Act
    const verifyAt = (timestamp: string) => () =>
      verifySendGridSignature(
        { body: Buffer.from(body), headers: sendGridHeaders(privateKey, timestamp, body), now },
        verificationKey,
      );

    // Assess
    expect(verifyAt(stale)).toThrow(/more than 300 s from now/);
    expect(verifyAt(edge)).not.toThrow();
  });

  it('refuses a request without the signature headers', () => {
    // Prepare
    const { verificationKey } = sendGridKeys();

    // Act
    const verify = () =>
      verifySendGridSignature({ body: Buffer.from(body), headers: {}, now }, verificationKey);

    // Assess
    expect(verify).toThrow(/missing x-twilio-email-event-webhook-signature/);
  });
});

describe('verifyGenericSignature', () => {
  const secret = 'whs_test';
  const hmac = (text: string) => createHmac('sha256', secret).update(text).digest('hex');

  it('accepts sha256=<hex of the HMAC of the body>', () => {
    // Act
    const verify = () =>
      verifyGenericSignature(
        { body: Buffer.from(body), headers: { 'x-cdp-signature': `sha256=${hmac(body)}` }, now },
        secret,
      );

    // Assess
    expect(verify).not.toThrow();
  });

  it('refuses a tampered body, and a malformed header', () => {
    // Prepare
    const headers = { 'x-cdp-signature': `sha256=${hmac(body)}` };

    // Act
    const tampered = () => verifyGenericSignature({ body: Buffer.from(`${body} `), headers, now }, secret);
    const malformed = () =>
      verifyGenericSignature(
        { body: Buffer.from(body), headers: { 'x-cdp-signature': hmac(body) }, now },
        secret,
      );

    // Assess
    expect(tampered).toThrow(new WebhookSignatureError('signature does not match'));
    expect(malformed).toThrow(/malformed x-cdp-signature/);
  });
});

describe('webhookEventsAsNdjson', () => {
  it('writes an array of events, or one event, as one JSON line each', () => {
    // Act
    const array = Buffer.from(webhookEventsAsNdjson(Buffer.from('[{"a":1},{"b":{"c":2}}]'))).toString();
    const single = Buffer.from(webhookEventsAsNdjson(Buffer.from('{"a":1}'))).toString();

    // Assess
    expect(array).toBe('{"a":1}\n{"b":{"c":2}}\n');
    expect(single).toBe('{"a":1}\n');
  });

  it('refuses a body that is not JSON, or holds something other than objects', () => {
    // Act
    const notJson = () => webhookEventsAsNdjson(Buffer.from('event=open'));
    const notObjects = () => webhookEventsAsNdjson(Buffer.from('[{"a":1}, 2]'));

    // Assess
    expect(notJson).toThrow(new WebhookBodyError('body is not JSON'));
    expect(notObjects).toThrow(new WebhookBodyError('event 1 is not a JSON object'));
  });
});
