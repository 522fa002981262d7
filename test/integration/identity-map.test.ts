import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBucketDir } from '../../infra/local/paths.ts';
import { basicAuth, post, startTestPlatform, type TestPlatform } from './local-platform.ts';

describe('the identity map in the lake, on the local stack', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  });

  afterAll(async () => {
    await platform?.dispose();
  });

  async function send(...messages: Record<string, unknown>[]): Promise<void> {
    for (const message of messages) {
      const response = await post(
        platform,
        '/v1/batch',
        { batch: [message] },
        {
          authorization: basicAuth(platform.webKey),
        },
      );
      expect(response.status).toBe(200);
    }
  }

  it('stitches an anonymous visit and the login that ends it to the one profile the API returns', async () => {
    // Prepare: three page views before signing in, then the identify that links the browser to the user.
    const page = (name: string, time: string) => ({
      type: 'page',
      anonymousId: 'a-lake-visit',
      name,
      timestamp: `2026-11-22T${time}Z`,
    });
    await send(page('Home', '10:00:00.000'), page('Product', '10:01:00.000'), page('Cart', '10:02:00.000'));
    await platform.drain();
    await send({
      type: 'identify',
      userId: 'u-lake',
      anonymousId: 'a-lake-visit',
      traits: { email: 'lake@example.com' },
      timestamp: '2026-11-22T10:03:00.000Z',
    });
    await platform.drain();

    // Act
    await platform.runScheduled('compact');
    const stitched = await platform.sql(
      `SELECT profile_id, count(*) AS events FROM events_stitched
       WHERE anonymous_id = 'a-lake-visit' OR user_id = 'u-lake' GROUP BY profile_id`,
    );
    const response = await fetch(`${platform.url}/v1/profiles/user_id/u-lake`, {
      headers: { authorization: `Bearer ${platform.secrets.adminToken}` },
    });
    const profile = (await response.json()) as { profileId: string };
    const map = await platform.sql(
      `SELECT id_type, profile_id FROM identity_map WHERE profile_id = ? ORDER BY id_type`,
      [profile.profileId],
    );

    // Assess
    expect(response.status).toBe(200);
    expect(stitched).toEqual([{ profile_id: profile.profileId, events: 4 }]);
    expect(map).toEqual([
      { id_type: 'anonymous_id', profile_id: profile.profileId },
      { id_type: 'email_sha256', profile_id: profile.profileId },
      { id_type: 'user_id', profile_id: profile.profileId },
    ]);
  });

  it('took the daily snapshot on that run and merged the landed identity map files', () => {
    // Act
    const lakeDir = localBucketDir(platform.paths, 'lake');
    const today = new Date().toISOString().slice(0, 10);
    const partition = join(lakeDir, 'identity_links', `dt=${today}`);
    const files = existsSync(partition) ? readdirSync(partition) : [];

    // Assess: the resolver's files were dated by their commit (today), so the snapshot's sit beside them.
    expect(
      files.some((name) => name.startsWith('snapshot-') && name.endsWith('.parquet._S3rver_object')),
    ).toBe(true);
    expect(files.some((name) => name.startsWith('land-'))).toBe(false);
    expect(existsSync(join(lakeDir, '_identity_snapshot', 'last._S3rver_object'))).toBe(true);
  });
});
