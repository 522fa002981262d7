import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS, waitUntil } from '../../infra/local/emulators.ts';
import type { ImportSummary } from '../../shared/import/run.ts';
import { startTestPlatform, type TestPlatform } from './local-platform.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'import');

describe('a file dropped into the local imports bucket', () => {
  let platform: TestPlatform;
  /** A client of the user's own, as `aws s3 cp --endpoint-url` would use. */
  let s3: S3Client;

  const runObjects = async (prefix: string) =>
    (await s3.send(new ListObjectsV2Command({ Bucket: 'imports', Prefix: prefix }))).Contents?.map(
      (object) => object.Key ?? '',
    ) ?? [];
  const read = async (key: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: 'imports', Key: key }))).Body?.transformToString() ?? '';

  beforeAll(async () => {
    platform = await startTestPlatform();
    s3 = new S3Client({
      endpoint: platform.endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: EMULATOR_CREDENTIALS,
    });
  });

  afterAll(async () => {
    s3?.destroy();
    await platform?.dispose();
  });

  it('is imported as its source by the import function: events in the lake, summary and rejects beside it', async () => {
    // Prepare: a key with a space and non-ASCII characters, which S3 URL-encodes in its notification.
    const key = 'imports/pos/2024 März/pos orders.csv';
    const runs = 'runs/pos/2024 März/pos orders.csv/';

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: 'imports',
        Key: key,
        Body: readFileSync(join(fixtures, 'pos-orders.csv')),
      }),
    );
    // The notification reaches the runtime on its own; the summary is the import's last write.
    await waitUntil(
      async () => (await runObjects(runs)).some((name) => name.endsWith('/summary.json')),
      30_000,
      'the import summary',
    );
    await platform.drain();

    // Assess
    const stored = await runObjects(runs);
    const summaryKey = stored.find((name) => name.endsWith('/summary.json')) ?? '';
    const summary = JSON.parse(await read(summaryKey)) as ImportSummary;
    expect(summary).toMatchObject({
      status: 'completed',
      source: 'pos',
      channel: 'pos',
      input: `s3://imports/${key}`,
      rows: { read: 12, imported: 4, duplicates: 2, rejected: 6 },
      events: 3,
    });
    const parts = stored.filter((name) => name.includes('/rejects/part-'));
    expect(parts).toHaveLength(1);
    const rejects = await read(parts[0] ?? '');
    expect(rejects.startsWith('record,line,field,reason,value,raw\r\n')).toBe(true);
    expect(rejects.split('\r\n').filter((line) => /^\d+,\d+,/.test(line))).toHaveLength(6);
    expect(
      await platform.sql(
        `select properties->>'$.order_id' as order_id, source, count(*)::int as copies
         from events where event = 'Order Completed' group by all order by order_id`,
      ),
    ).toEqual([
      { order_id: 'A-1001', source: 'pos', copies: 1 },
      { order_id: 'A-1002', source: 'pos', copies: 1 },
      { order_id: 'A-1007', source: 'pos', copies: 1 },
    ]);
  });

  it('of a source the configuration does not know leaves a summary saying so, and sends nothing', async () => {
    // Act
    await s3.send(
      new PutObjectCommand({ Bucket: 'imports', Key: 'imports/nobody/a.csv', Body: 'id\r\n1\r\n' }),
    );
    await waitUntil(async () => (await runObjects('runs/nobody/a.csv/')).length > 0, 30_000, 'the summary');

    // Assess
    const [summaryKey] = await runObjects('runs/nobody/a.csv/');
    const summary = JSON.parse(await read(summaryKey ?? '')) as ImportSummary;
    expect(summary).toMatchObject({ status: 'failed', error: 'no source nobody in cdp.config.json' });
  });
});
