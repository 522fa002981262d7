import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient, s3Client } from '../../shared/adapters/aws-clients.ts';
import { basicAuth, post, startTestPlatform, type TestPlatform } from './local-platform.ts';

describe('the lake under replays, client retries and poison records', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  });

  afterAll(async () => {
    await platform?.dispose();
  });

  it('holds one row per messageId after a client retry and two replays of the stream', async () => {
    // Prepare: 20 distinct events, sent twice as a client retrying a timed-out request would.
    const batch = Array.from({ length: 20 }, (_, index) => ({
      type: 'track',
      messageId: `replay-${index}`,
      userId: `replay-user-${index % 3}`,
      event: 'Replayed',
    }));
    const auth = { authorization: basicAuth(platform.serverKey) };
    expect((await post(platform, '/v1/batch', { batch }, auth)).status).toBe(200);
    expect((await post(platform, '/v1/batch', { batch }, auth)).status).toBe(200);
    await platform.drain();

    // Act: the consumer re-reads the whole stream twice, then the scheduled compaction runs.
    await platform.replay('land');
    await platform.drain();
    await platform.replay('land');
    await platform.drain();
    await platform.runScheduled('compact');

    // Assess
    const [counts] = await platform.sql(
      "select count(*)::int as n_rows, count(distinct message_id)::int as n_ids from events where event = 'Replayed'",
    );
    expect(counts).toEqual({ n_rows: 20, n_ids: 20 });
  });

  it('sends a poison record to the failure destination while the records around it land', async () => {
    // Prepare: a record that is not an event envelope, between two good events of the same partition key.
    const auth = { authorization: basicAuth(platform.serverKey) };
    const poison = 'this is not an event envelope';
    await post(platform, '/v1/track', { userId: 'poison-neighbour', event: 'Before' }, auth);
    await kinesisClient().send(
      new PutRecordCommand({
        StreamName: 'events',
        PartitionKey: 'poison-neighbour',
        Data: Buffer.from(poison),
      }),
    );
    await post(platform, '/v1/track', { userId: 'poison-neighbour', event: 'After' }, auth);

    // Act: the retry from the poison record on lands "After" a second time until compaction removes it, as
    // Lambda retries every record from a failed item's sequence number on.
    await platform.drain(120_000);
    await platform.runScheduled('compact');

    // Assess
    const landed = await platform.sql(
      "select event from events where user_id = 'poison-neighbour' order by event",
    );
    expect(landed.map((row) => row.event)).toEqual(['After', 'Before']);
    const listed = await s3Client().send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'aws/lambda/' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key ?? '');
    expect(keys.length).toBeGreaterThan(0);
    const bodies = await Promise.all(
      keys.map(async (key) => {
        const object = await s3Client().send(new GetObjectCommand({ Bucket: 'lake', Key: key }));
        return JSON.parse(await (object.Body?.transformToString() ?? '')) as {
          payload: { Records: { kinesis: { data: string } }[] };
        };
      }),
    );
    const failedData = bodies.flatMap((body) =>
      body.payload.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString()),
    );
    expect(failedData).toContain(poison);
  });
});
