import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbDocuments } from '../../shared/adapters/aws-clients.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { ERASURE_LAKE_DELAY_ENV, SUPPRESSION_CACHE_ENV } from '../../shared/privacy/timing.ts';
import { runCdp } from '../fixtures/cli.ts';
import { basicAuth, post, startTestPlatform, type TestPlatform } from './local-platform.ts';

const config = {
  sources: [
    { name: 'website', channel: 'web', allowedOrigins: ['*'] },
    { name: 'backend', channel: 'server' },
  ],
};

/** Ann's rows in the events table, by her ids (as sent, spaces and all) and by her email's digest. */
const annRows =
  "select count(*)::int as n from events where trim(user_id) = 'u-ann' or anonymous_id = 'a-ann' or email_sha256 = ?";
/** Bob's rows: after the erasure, the whole events table must be these and nothing else. */
const bobRows = "select count(*)::int as n from events where user_id = 'u-bob' or anonymous_id = 'a-bob'";
const allRows = 'select count(*)::int as n from events';
const annDigest = createHash('sha256').update('ann@example.com').digest('hex');

describe('erasure on the local stack', () => {
  let platform: TestPlatform;
  let admin: Record<string, string>;
  const saved = { cache: process.env[SUPPRESSION_CACHE_ENV], delay: process.env[ERASURE_LAKE_DELAY_ENV] };

  beforeAll(async () => {
    // The test cannot wait out AWS's minutes: landing reads the suppression list for every batch, and the
    // lake pass may start at once. Both are read at cold start, so before the platform loads the handlers.
    process.env[SUPPRESSION_CACHE_ENV] = '0';
    process.env[ERASURE_LAKE_DELAY_ENV] = '0';
    platform = await startTestPlatform({ config });
    admin = { authorization: `Bearer ${platform.secrets.adminToken}` };
  });

  afterAll(async () => {
    await platform?.dispose();
    for (const [name, value] of [
      [SUPPRESSION_CACHE_ENV, saved.cache],
      [ERASURE_LAKE_DELAY_ENV, saved.delay],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  async function send(...messages: Record<string, unknown>[]): Promise<void> {
    const auth = { authorization: basicAuth(platform.webKey) };
    for (const message of messages) {
      const response = await post(platform, '/v1/batch', { batch: [message] }, auth);
      expect(response.status).toBe(200);
    }
  }

  async function api(method: string, path: string) {
    const response = await fetch(`${platform.url}${path}`, { method, headers: admin });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function count(sql: string, params: string[] = []): Promise<number> {
    const [row] = await platform.sql(sql, params);
    return Number(row?.n);
  }

  it('erases a person: profile at once, lake rows with the upkeep, and late events are dropped and counted', async () => {
    // Prepare: Ann browses anonymously, logs in, buys; one of her calls is quarantined. Bob visits.
    await send(
      { type: 'page', anonymousId: 'a-ann', name: 'Home', timestamp: '2026-11-20T10:00:00.000Z' },
      {
        type: 'identify',
        anonymousId: 'a-ann',
        userId: 'u-ann',
        traits: { email: 'Ann@Example.com' },
        timestamp: '2026-11-20T10:01:00.000Z',
      },
      { type: 'track', userId: 'u-ann', event: 'Order Completed', timestamp: '2026-11-21T09:00:00.000Z' },
      { type: 'track', userId: 'u-ann', timestamp: '2026-11-21T09:01:00.000Z' },
      // The lake keeps ids as sent; resolution trims them, so this is Ann's too.
      { type: 'track', userId: ' u-ann ', event: 'Cart Viewed', timestamp: '2026-11-21T09:02:00.000Z' },
      { type: 'page', anonymousId: 'a-bob', name: 'Home', timestamp: '2026-11-20T11:00:00.000Z' },
      { type: 'identify', anonymousId: 'a-bob', userId: 'u-bob', timestamp: '2026-11-20T11:01:00.000Z' },
    );
    await platform.drain();
    await platform.runScheduled('compact');
    const annProfile = await api('GET', '/v1/profiles/user_id/u-ann');
    const annProfileIds = JSON.stringify(
      [annProfile.json.profileId, ...(annProfile.json.mergedProfileIds as string[])].map(String),
    );
    const annLinks = `select count(*)::int as n from identity_links
      where id_value in ('u-ann', 'a-ann', ?) or list_contains(?::varchar[], profile_id)`;
    const before = {
      ann: await count(annRows, [annDigest]),
      padded: await count("select count(*)::int as n from events where user_id = ' u-ann '"),
      bob: await count(bobRows),
      all: await count(allRows),
      quarantined: await count("select count(*)::int as n from quarantine where raw like '%u-ann%'"),
      links: await count(annLinks, [annDigest, annProfileIds]),
    };
    expect(annProfile.status).toBe(200);

    // Act 1: the erasure request over HTTP, then again through the CLI as an operator would repeat it.
    const response = await fetch(`${platform.url}/v1/profiles/email/Ann%40Example.com`, {
      method: 'DELETE',
      headers: admin,
    });
    const accepted = (await response.json()) as { erasureId: string; status: string };
    const { erasureId } = accepted;
    const deleted = await runCdp([
      'profile',
      'delete',
      'email:Ann@Example.com',
      '--wait',
      '--data-dir',
      platform.paths.root,
    ]);
    const afterDelete = await api('GET', `/v1/erasures/${erasureId}`);
    const lookups = await Promise.all(
      [
        ['user_id', 'u-ann'],
        ['anonymous_id', 'a-ann'],
        ['email', 'ann@example.com'],
      ].map(([type, value]) => api('GET', `/v1/profiles/${type}/${value}`)),
    );

    // Assess 1
    expect(before).toMatchObject({ ann: 4, padded: 1, bob: 2, all: 6, quarantined: 1 });
    expect(before.links).toBeGreaterThan(0);
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(`/v1/erasures/${erasureId}`);
    expect(accepted.status).toBe('profile_erased');
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.out)).toMatchObject({ erasureId, status: 'profile_erased' });
    expect(deleted.err).toMatch(/next hourly lake upkeep/);
    expect(afterDelete.status).toBe(200);
    expect(afterDelete.json).toMatchObject({
      status: 'profile_erased',
      identities: { user_id: 1, anonymous_id: 1, email: 1 },
      results: { identitiesSuppressed: 3, lateEventsDropped: 0 },
    });
    expect(lookups.map((lookup) => lookup.status)).toEqual([404, 404, 404]);
    expect((await api('GET', '/v1/profiles/user_id/u-bob')).status).toBe(200);

    // Act 2: the hourly lake upkeep, run now as a user would: `cdp run compact`.
    const upkeep = await runCdp(['run', 'compact', '--data-dir', platform.paths.root]);
    const completed = await api('GET', `/v1/erasures/${erasureId}`);

    // Assess 2
    expect(upkeep.code).toBe(0);
    expect(JSON.parse(upkeep.out)).toMatchObject({
      functionName: 'compact',
      result: { erasures: { completed: [erasureId] } },
    });
    expect(completed.json).toMatchObject({
      status: 'completed',
      results: {
        lake: {
          events: { rowsRemoved: 4 },
          quarantine: { rowsRemoved: 1 },
          identity_links: { rowsRemoved: before.links },
        },
      },
    });
    expect(await count(annRows, [annDigest])).toBe(0);
    expect(await count("select count(*)::int as n from quarantine where raw like '%u-ann%'")).toBe(0);
    expect(await count(annLinks, [annDigest, annProfileIds])).toBe(0);
    expect(await count(allRows)).toBe(before.bob);

    // Act 3: Ann's app, still logged in, sends a late event; the stream consumers and the upkeep run.
    await send({
      type: 'track',
      userId: 'u-ann',
      event: 'Product Viewed',
      timestamp: '2026-11-22T08:00:00.000Z',
    });
    await platform.drain();
    await platform.runScheduled('compact');
    const status = await runCdp(['profile', 'erasure', erasureId, '--data-dir', platform.paths.root]);

    // Assess 3
    expect((await api('GET', '/v1/profiles/user_id/u-ann')).status).toBe(404);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ status: 'completed', results: { lateEventsDropped: 1 } });
    expect(await count(annRows, [annDigest])).toBe(0);
    expect(await count(allRows)).toBe(before.bob);
  });
  it('keeps a refused link in the audit as a digest, never as the value another person may own', async () => {
    // Prepare: Bob logs in on Dan's device; Dan's anonymous id is refused for Bob's profile.
    const store = new DynamoDbProfileStore({ tableName: 'profiles' });
    const refusal = {
      messageId: 'm-refused',
      at: '2026-11-22T10:00:00.000Z',
      identity: { type: 'anonymous_id', value: 'a-dan-device' },
      profileId: 'p-bob-audit',
      heldBy: 'p-dan-audit',
      reason: 'user_id: at most 1 per profile',
    };

    // Act
    await store.recordRefusals([refusal]);
    const { Items = [] } = await dynamoDbDocuments().send(
      new QueryCommand({
        TableName: 'profiles',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'p#p-bob-audit' },
      }),
    );

    // Assess: the digest is SHA-256 of `type:value`, computed here with node:crypto.
    const digest = createHash('sha256').update('anonymous_id:a-dan-device').digest('hex');
    expect(Items).toHaveLength(1);
    expect(Items[0]).toMatchObject({
      messageId: 'm-refused',
      identityType: 'anonymous_id',
      identityDigest: digest,
      heldBy: 'p-dan-audit',
    });
    expect(JSON.stringify(Items)).not.toContain('a-dan-device');
  });
});
