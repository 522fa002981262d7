import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../infra/cli/cli.ts';
import { startTestPlatform, type TestPlatform } from './local-platform.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'import');
const mappings = join(import.meta.dirname, '..', '..', 'mappings');

describe('cdp import onto the local stack, into the lake', () => {
  let platform: TestPlatform;

  /** `npx cdp import <file> --source <source>` against this platform's Kinesis and data dir. */
  async function cdpImport(file: string, source: string, ...extra: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(
      [
        'import',
        join(fixtures, file),
        '--source',
        source,
        '--mapping',
        join(mappings, `${source}.json`),
        '--kinesis-endpoint',
        platform.endpoints.kinesis,
        '--data-dir',
        platform.paths.root,
        ...extra,
      ],
      {
        stdout: (text) => {
          out += text;
        },
        stderr: (text) => {
          err += text;
        },
        env: process.env,
      },
    );
    return { code, out, err };
  }

  const orders = () =>
    platform.sql(
      `select properties->>'$.order_id' as order_id, source, channel, count(*)::int as copies,
              json_array_length(properties->'$.products')::int as products,
              properties->>'$.products[0].sku' as first_sku,
              (properties->>'$.products[0].quantity')::int as first_quantity,
              (properties->>'$.total')::double as total
       from events where event = 'Order Completed' group by all order by order_id`,
    );

  beforeAll(async () => {
    platform = await startTestPlatform();
  });

  afterAll(async () => {
    await platform?.dispose();
  });

  it('lands a POS file as one Order Completed row per order with its products, and CRM contacts as identify rows', async () => {
    // Act
    const pos = await cdpImport('pos-orders.csv', 'pos');
    const crm = await cdpImport('crm-contacts.csv', 'crm');
    await platform.drain();

    // Assess
    // The lake keeps the contacts' emails and phones (mobiles read in CN, E.164) as digests only, by default.
    const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    expect(pos.code).toBe(0);
    expect(pos.out).toMatch(/imported +4 +as 3 events/);
    expect(crm.code).toBe(0);
    expect(await orders()).toEqual([
      {
        order_id: 'A-1001',
        source: 'pos',
        channel: 'pos',
        copies: 1,
        products: 2,
        first_sku: 'TEA-01',
        first_quantity: 2,
        total: 40,
      },
      {
        order_id: 'A-1002',
        source: 'pos',
        channel: 'pos',
        copies: 1,
        products: 1,
        first_sku: 'TEA-02',
        first_quantity: 2,
        total: 176,
      },
      {
        order_id: 'A-1007',
        source: 'pos',
        channel: 'pos',
        copies: 1,
        products: 1,
        first_sku: 'GFT-03',
        first_quantity: 1,
        total: 1288,
      },
    ]);
    expect(
      await platform.sql(
        `select type, source, channel, user_id, anonymous_id, traits->>'$.email' as email, email_sha256,
                phone_sha256, strftime(timestamp, '%Y-%m-%dT%H:%M:%S') as at
         from events where source = 'crm' order by anonymous_id`,
      ),
    ).toEqual([
      {
        type: 'identify',
        source: 'crm',
        channel: 'crm',
        user_id: 'U-1',
        anonymous_id: 'crm-C-001',
        email: null,
        email_sha256: sha256('ann.smith@example.com'),
        phone_sha256: sha256('+8613800138000'),
        at: '2024-03-01T02:00:00',
      },
      {
        type: 'identify',
        source: 'crm',
        channel: 'crm',
        user_id: null,
        anonymous_id: 'crm-C-002',
        email: null,
        email_sha256: sha256('wang@example.cn'),
        phone_sha256: sha256('+8613912345678'),
        at: '2024-03-02T01:15:00',
      },
    ]);
  });

  it('keeps one row per order when the same file comes again, forced or not, and when another file repeats an order', async () => {
    // Act: the same command (nothing to do), forced again, and a second export that repeats A-1001.
    const again = await cdpImport('pos-orders.csv', 'pos');
    const forced = await cdpImport('pos-orders.csv', 'pos', '--restart');
    const overlapping = await cdpImport('pos-orders-2.csv', 'pos');
    await platform.drain();
    await platform.runScheduled('compact');

    // Assess
    expect(again.out).toContain(': already imported');
    expect(forced.out).toMatch(/imported +4 +as 3 events/);
    expect(overlapping.code).toBe(0);
    expect((await orders()).map((row) => [row.order_id, row.copies])).toEqual([
      ['A-1001', 1],
      ['A-1002', 1],
      ['A-1007', 1],
      ['A-2001', 1],
    ]);
  });
});
