import { Buffer } from 'node:buffer';
import { generateKeyPairSync, sign } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, startTestPlatform, type TestPlatform } from './local-platform.ts';

const secretEnv = 'CDP_SECRET_SENDGRID_VERIFICATION_KEY';

describe('HTTP bulk import and webhooks on the local stack, into the lake', () => {
  let platform: TestPlatform;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  async function send(path: string, body: string | Buffer, headers: Record<string, string>) {
    const response = await fetch(`${platform.url}${path}`, { method: 'POST', headers, body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    // The SendGrid verification key the repository's cdp.config.json refers to, as an operator would set it.
    process.env[secretEnv] = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    platform = await startTestPlatform();
  });

  afterAll(async () => {
    await platform?.dispose();
    delete process.env[secretEnv];
  });

  it('lands a CSV and an NDJSON body posted to /v1/import/{source}, and signed SendGrid events', async () => {
    // Prepare
    const csv =
      'order_id,order_time,store_id,member_id,phone,email,sku,product_name,category,unit_price,qty,order_total,currency,payment\n' +
      'H-1,2024-03-01 09:30:00,S01,M-1,,,TEA-01,Green tea,Tea,12.50,2,25.00,CNY,cash\n';
    const ndjson =
      '{"event_id":"h1","event":"delivered","email":"ann@example.com","timestamp":1709280000,"message_id":"m1"}\n' +
      '{"event_id":"h2","event":"open","email":"ann@example.com","timestamp":1709283600,"message_id":"m1"}\n';
    const events = JSON.stringify([
      {
        email: 'bob@example.com',
        timestamp: 1709287200,
        event: 'delivered',
        sg_event_id: 'sg-a',
        sg_message_id: 'x1',
      },
      {
        email: 'bob@example.com',
        timestamp: 1709290800,
        event: 'click',
        sg_event_id: 'sg-b',
        sg_message_id: 'x1',
        url: 'https://shop.example.com/sale',
      },
    ]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + events), {
      key: privateKey,
      dsaEncoding: 'der',
    });
    const pos = {
      authorization: basicAuth(platform.secrets.writeKeys.pos ?? ''),
      'content-type': 'text/csv',
    };
    const esp = {
      authorization: basicAuth(platform.secrets.writeKeys.esp ?? ''),
      'content-type': 'application/x-ndjson',
    };

    // Act: the CSV twice, the NDJSON plain and gzipped (the same events), the webhook once.
    const orders = await send('/v1/import/pos', csv, pos);
    const ordersAgain = await send('/v1/import/pos', csv, pos);
    const engagement = await send('/v1/import/esp', ndjson, esp);
    const gzipped = await send('/v1/import/esp', gzipSync(Buffer.from(ndjson)), {
      ...esp,
      'content-encoding': 'gzip',
    });
    const webhook = await send('/v1/webhooks/sendgrid', events, {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signature.toString('base64'),
      'x-twilio-email-event-webhook-timestamp': timestamp,
    });
    const forged = await send('/v1/webhooks/sendgrid', events.replace('click', 'open'), {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signature.toString('base64'),
      'x-twilio-email-event-webhook-timestamp': timestamp,
    });
    await platform.drain();
    await platform.runScheduled('compact');

    // Assess: 09:30 in Shanghai is 01:30Z; 1709280000 is 2024-03-01T08:00:00Z, each next event an hour later.
    expect([orders.status, ordersAgain.status, engagement.status, gzipped.status, webhook.status]).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect(forged.status).toBe(401);
    expect(orders.json.rows).toEqual({ read: 1, imported: 1, duplicates: 0, rejected: 0 });
    expect(webhook.json.rows).toEqual({ read: 2, imported: 2, duplicates: 0, rejected: 0 });
    expect(
      await platform.sql(
        `select source, channel, event, count(*)::int as copies, strftime(timestamp, '%Y-%m-%dT%H:%M:%S') as happened,
                properties->>'$.link_url' as link
         from events where source in ('pos', 'esp', 'sendgrid') group by all order by happened`,
      ),
    ).toEqual([
      {
        source: 'pos',
        channel: 'pos',
        event: 'Order Completed',
        copies: 1,
        happened: '2024-03-01T01:30:00',
        link: null,
      },
      {
        source: 'esp',
        channel: 'email',
        event: 'Email Delivered',
        copies: 1,
        happened: '2024-03-01T08:00:00',
        link: null,
      },
      {
        source: 'esp',
        channel: 'email',
        event: 'Email Opened',
        copies: 1,
        happened: '2024-03-01T09:00:00',
        link: null,
      },
      {
        source: 'sendgrid',
        channel: 'email',
        event: 'Email Delivered',
        copies: 1,
        happened: '2024-03-01T10:00:00',
        link: null,
      },
      {
        source: 'sendgrid',
        channel: 'email',
        event: 'Email Link Clicked',
        copies: 1,
        happened: '2024-03-01T11:00:00',
        link: 'https://shop.example.com/sale',
      },
    ]);
  });
});
