/**
 * The scoring job on the local stack: orders through the collector, resolution and landing drained, then
 * `cdp score` and the scheduled `score` function score the two buyers and the one visitor who never bought (a
 * prospect) — the profile API shows their scores and the lake's `scores` table has their rows, one per person
 * however often the date is scored.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../infra/cli/cli.ts';
import { EMULATOR_CREDENTIALS } from '../../infra/local/emulators.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { runCdp } from '../fixtures/cli.ts';
import { basicAuth, post, startTestPlatform, type TestPlatform } from './local-platform.ts';

const dayMs = 86_400_000;
/** The date the schedule scores (yesterday, UTC), and times relative to it so the test holds on any day. */
const today = Math.floor(Date.now() / dayMs);
const asOf = new Date((today - 1) * dayMs).toISOString().slice(0, 10);
const daysAgo = (days: number) => new Date((today - days) * dayMs + 10 * 3_600_000).toISOString();

describe('the scoring job on the local stack', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
    const order = (userId: string, at: string, revenue: number) => ({
      type: 'track',
      event: 'Order Completed',
      userId,
      properties: { order_id: `${userId}-${at}`, revenue },
      timestamp: at,
    });
    // ann: two occasions, 40 spent, last 2 days before the as-of date; bob: one, 5 spent, 39 days before;
    // cid: page views only.
    const page = (userId: string, at: string) => ({ type: 'page', name: 'Home', userId, timestamp: at });
    const response = await post(
      platform,
      '/v1/batch',
      {
        batch: [
          order('ann', daysAgo(10), 10),
          order('ann', daysAgo(3), 30),
          order('bob', daysAgo(40), 5),
          page('cid', daysAgo(5)),
          page('cid', daysAgo(4)),
        ],
      },
      { authorization: basicAuth(platform.serverKey) },
    );
    expect(response.status).toBe(200);
    await platform.drain();
  });

  afterAll(async () => {
    await platform?.dispose();
  });

  async function scoresOf(userId: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${platform.url}/v1/profiles/user_id/${userId}`, {
      headers: { authorization: `Bearer ${platform.secrets.adminToken}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { scores: Record<string, unknown> }).scores;
  }

  it('cdp score writes RFM scores to the buyers, Prospects to the visitor, and the scores partition of the date', async () => {
    // Act
    let out = '';
    let err = '';
    const code = await runCli(['score', '--as-of', asOf, '--data-dir', platform.paths.root], {
      stdout: (text) => (out += text),
      stderr: (text) => (err += text),
      env: process.env,
    });

    // Assess: by hand as in test/unit/scoring/job.test.ts: ann R 3, F 3, M 3 (Loyal Customers), bob 1, 1, 1
    // (Lost); two customers are too few for the models, so RFM only
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`scored 2 customer(s) and 1 prospect(s) as of ${asOf}`);
    expect(out).toContain('profiles: 3 written, 0 unchanged, 0 merged (skipped), 0 without a profile');
    expect(out).toContain('segments: Lost 1, Loyal Customers 1, Prospects 1');
    expect(await scoresOf('ann')).toEqual({
      asOf,
      horizon: '39w',
      rfm: { r: 3, f: 3, m: 3, segment: 'Loyal Customers' },
    });
    expect(await scoresOf('bob')).toMatchObject({ rfm: { r: 1, f: 1, m: 1, segment: 'Lost' } });
    expect(await scoresOf('cid')).toEqual({ asOf, horizon: '39w', rfm: { segment: 'Prospects' } });
    const rows = await platform.sql(
      'SELECT rfm_segment, frequency, total_spend FROM scores WHERE dt = ? ORDER BY rfm_segment',
      [asOf],
    );
    expect(rows).toEqual([
      { rfm_segment: 'Lost', frequency: 0, total_spend: 5 },
      { rfm_segment: 'Loyal Customers', frequency: 1, total_spend: 40 },
      { rfm_segment: 'Prospects', frequency: null, total_spend: 0 },
    ]);
  });

  it('the daily score function scores the same date again: profiles unchanged, the partition replaced', async () => {
    // Act
    const summary = (await platform.runScheduled('score')) as {
      asOf: string;
      profiles: Record<string, number>;
      lake: { replaced: number };
    };

    // Assess
    expect(summary.asOf).toBe(asOf);
    expect(summary.profiles).toEqual({ written: 0, unchanged: 3, redirected: 0, missing: 0 });
    expect(summary.lake.replaced).toBe(1);
    expect(await platform.sql('SELECT count(*) AS rows FROM scores WHERE dt = ?', [asOf])).toEqual([
      { rows: 3 },
    ]);
  });

  it("erasing a scored person removes their scores item with their profile's partition", async () => {
    // Prepare: cid's profile id, and the table as the functions see it
    const response = await fetch(`${platform.url}/v1/profiles/user_id/cid`, {
      headers: { authorization: `Bearer ${platform.secrets.adminToken}` },
    });
    const { profileId } = (await response.json()) as { profileId: string };
    const client = new DynamoDBClient({
      endpoint: platform.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: EMULATOR_CREDENTIALS,
    });
    const table = new DynamoDbProfileStore({ client, tableName: 'profiles' });
    const before = await table.scores(profileId);

    // Act
    const erased = await runCdp([
      'profile',
      'delete',
      'user_id:cid',
      '--wait',
      '--data-dir',
      platform.paths.root,
    ]);

    // Assess
    expect(erased.code).toBe(0);
    expect(before).toEqual({ asOf, horizon: '39w', rfm: { segment: 'Prospects' } });
    expect(await table.scores(profileId)).toBeUndefined();
    client.destroy();
  });
});
