import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../infra/cli/cli.ts';
import { basicAuth, post, startTestPlatform, type TestPlatform } from './local-platform.ts';

describe('collection from HTTP to the Parquet lake on the local stack', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  });

  afterAll(async () => {
    await platform?.dispose();
  });

  it('lands events from plain HTTP calls, a mixed batch, a browser-style call and the Segment Node library', async () => {
    // Prepare: the server source authenticates with Basic auth, the web source with the key in the body.
    const server = { authorization: basicAuth(platform.serverKey) };

    // Act
    const single = await Promise.all([
      post(platform, '/v1/track', { userId: 'u1', event: 'Signed Up', properties: { plan: 'pro' } }, server),
      post(platform, '/v1/identify', { userId: 'u1', traits: { email: 'ann@example.com' } }, server),
      post(platform, '/v1/page', { anonymousId: 'a1', name: 'Home' }, server),
    ]);
    const batch = await post(
      platform,
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: 'u2', event: 'Order Completed', properties: { revenue: 42.5 } },
          { type: 'screen', anonymousId: 'a2', name: 'Settings' },
          { type: 'group', userId: 'u2', groupId: 'g1', traits: { name: 'Acme' } },
          { type: 'alias', userId: 'u2', previousId: 'a2' },
          { type: 'track', userId: 'u3' },
        ],
        context: { app: { name: 'shop' } },
      },
      server,
    );
    const browser = await post(
      platform,
      '/v1/t',
      JSON.stringify({
        writeKey: platform.webKey,
        anonymousId: 'a3',
        event: 'Clicked',
        sentAt: new Date().toISOString(),
      }),
      { 'content-type': 'text/plain', origin: 'https://shop.example.com' },
    );
    const analytics = new Analytics({ writeKey: platform.serverKey, host: platform.url, flushInterval: 50 });
    analytics.track({ userId: 'u4', event: 'Product Viewed', properties: { product_id: 'p1' } });
    analytics.track({ userId: 'u4', event: 'Product Added', properties: { product_id: 'p1' } });
    analytics.identify({ userId: 'u4', traits: { plan: 'free' } });
    await analytics.closeAndFlush({ timeout: 20_000 });
    await platform.drain();

    // Assess: by hand, 5 track, 2 identify and one of each other type; the event without a name is quarantined.
    expect(single.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(batch.status).toBe(200);
    expect(browser.status).toBe(200);
    const byType = await platform.sql('select type, count(*)::int as n from events group by 1 order by 1');
    expect(byType).toEqual([
      { type: 'alias', n: 1 },
      { type: 'group', n: 1 },
      { type: 'identify', n: 2 },
      { type: 'page', n: 1 },
      { type: 'screen', n: 1 },
      { type: 'track', n: 5 },
    ]);
    const quarantined = await platform.sql('select source, reason, path from quarantine');
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]?.source).toBe('backend');
    expect(String(quarantined[0]?.reason)).toMatch(/event/);
  });

  it('keeps the source, channel, batch context and JSON properties of each event queryable', async () => {
    // Act
    const [order] = await platform.sql(
      `select source, channel, context->>'$.app.name' as app, (properties->>'$.revenue')::double as revenue,
              received_at >= timestamp and dt = strftime(timestamp, '%Y-%m-%d') as partitioned_by_event_date
       from events where event = ?`,
      ['Order Completed'],
    );
    const [browser] = await platform.sql('select source, channel from events where event = ?', ['Clicked']);

    // Assess
    expect(order).toEqual({
      source: 'backend',
      channel: 'server',
      app: 'shop',
      revenue: 42.5,
      partitioned_by_event_date: true,
    });
    expect(browser).toEqual({ source: 'website', channel: 'web' });
  });

  it('answers 401 to an unknown write key and stores nothing for it', async () => {
    // Act
    const response = await post(
      platform,
      '/v1/track',
      { userId: 'intruder', event: 'Nope' },
      { authorization: basicAuth('not-a-key') },
    );
    await platform.drain();

    // Assess
    expect(response.status).toBe(401);
    expect(await platform.sql("select * from events where user_id = 'intruder'")).toEqual([]);
  });

  it('accepts events with a write key made by `cdp sources add`, under that source and channel', async () => {
    // Prepare: the CLI talks to the table the platform reads, through the emulator endpoint in the environment.
    let stdout = '';
    const exitCode = await runCli(
      ['sources', 'add', '--name', 'store-pos', '--channel', 'pos', '--table', 'sources'],
      { stdout: (text) => (stdout += text), stderr: () => {}, env: process.env },
    );
    const writeKey = stdout.trim();

    // Act
    const response = await post(
      platform,
      '/v1/track',
      { userId: 'till-7', event: 'Order Completed' },
      { authorization: basicAuth(writeKey) },
    );
    await platform.drain();

    // Assess
    expect(exitCode).toBe(0);
    expect(writeKey).toMatch(/^wk_[0-9a-f]{32}$/);
    expect(response.status).toBe(200);
    expect(await platform.sql("select source, channel from events where user_id = 'till-7'")).toEqual([
      { source: 'store-pos', channel: 'pos' },
    ]);
  });

  it('serves the settings document the browser library bootstraps from, pointing back at this host', async () => {
    // Act
    const response = await fetch(`${platform.url}/v1/projects/${platform.webKey}/settings`);
    const settings = (await response.json()) as {
      integrations: Record<string, { apiKey: string; apiHost: string }>;
    };

    // Assess
    expect(response.status).toBe(200);
    const host = new URL(platform.url).host;
    expect(settings.integrations['Segment.io']?.apiHost).toBe(`${host}/v1`);
    expect(settings.integrations['Segment.io']?.apiKey).toBe(platform.webKey);
  });
});
