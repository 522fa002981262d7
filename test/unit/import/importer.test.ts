import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  fixture,
  importedAt,
  importInput,
  MemoryRunStore,
  mappingOf,
  RecordingStream,
  readyMapping,
  shape,
} from './helpers.ts';

/** The messageId of an imported record: `imp-` and the SHA-256 of the source and the key's values. */
function importId(source: string, ...key: string[]): string {
  return `imp-${createHash('sha256')
    .update([source, ...key].join('\u0000'))
    .digest('hex')}`;
}

const library = { name: 'cdp-import', version: '1' };

describe('importing POS order lines (mappings/pos.json)', () => {
  it('groups the lines of each order into one Order Completed event with its products, shaped like a collected event', async () => {
    // Act
    const { summary, events } = await importInput({
      input: fixture('pos-orders.csv'),
      mapping: readyMapping('pos'),
      channel: 'pos',
    });

    // Assess: by hand from the fixture; 2024-03-01 09:30 in Shanghai is 01:30Z; only the walk-in order (no
    // member id) gets an anonymousId of its own.
    expect(summary.status).toBe('completed');
    expect(events.map(shape)).toEqual([
      {
        type: 'track',
        event: 'Order Completed',
        userId: 'M-1',
        properties: {
          order_id: 'A-1001',
          store_id: 'S01',
          total: 40,
          currency: 'CNY',
          payment_method: 'cash',
          products: [
            {
              product_id: 'TEA-01',
              sku: 'TEA-01',
              name: 'Green tea, 250g',
              category: 'Tea',
              price: 12.5,
              quantity: 2,
            },
            {
              product_id: 'CUP-02',
              sku: 'CUP-02',
              name: 'Mug "classic"',
              category: 'Kitchen',
              price: 15,
              quantity: 1,
            },
          ],
        },
        context: { library, traits: { phone: '+8613800138000', email: 'ann@example.com' } },
        timestamp: '2024-03-01T01:30:00.000Z',
        source: 'pos',
        channel: 'pos',
      },
      {
        type: 'track',
        event: 'Order Completed',
        anonymousId: 'pos-S01-A-1002',
        properties: {
          order_id: 'A-1002',
          store_id: 'S01',
          total: 176,
          currency: 'CNY',
          payment_method: 'wechat_pay',
          products: [
            {
              product_id: 'TEA-02',
              sku: 'TEA-02',
              name: '乌龙茶\r\n礼盒',
              category: '茶叶',
              price: 88,
              quantity: 2,
            },
          ],
        },
        context: { library },
        timestamp: '2024-03-02T06:05:00.000Z',
        source: 'pos',
        channel: 'pos',
      },
      {
        type: 'track',
        event: 'Order Completed',
        userId: 'M-3',
        properties: {
          order_id: 'A-1007',
          store_id: 'S02',
          total: 1288,
          currency: 'CNY',
          payment_method: 'alipay',
          products: [
            {
              product_id: 'GFT-03',
              sku: 'GFT-03',
              name: 'Gift box, large',
              category: 'Gifts',
              price: 1288,
              quantity: 1,
            },
          ],
        },
        context: { library },
        timestamp: '2024-03-07T10:45:10.000Z',
        source: 'pos',
        channel: 'pos',
      },
    ]);
    expect(events.map((event) => event.messageId)).toEqual([
      importId('pos', 'S01', 'A-1001'),
      importId('pos', 'S01', 'A-1002'),
      importId('pos', 'S02', 'A-1007'),
    ]);
    expect(events[0]?.receivedAt).toBe(importedAt.toISOString());
    expect(events[0]?.originalTimestamp).toBe('2024-03-01T01:30:00.000Z');
  });

  it('summarises rows read, imported, skipped as duplicates and rejected by reason, and lists every rejected row', async () => {
    // Act
    const { summary, runs } = await importInput({
      input: fixture('pos-orders.csv'),
      mapping: readyMapping('pos'),
      channel: 'pos',
    });

    // Assess: 12 rows (the all-empty row is not one); A-1001 repeated whole is a duplicate; A-1002 coming back
    // after other orders conflicts with the A-1002 already imported.
    expect(summary.rows).toEqual({ read: 12, imported: 4, duplicates: 2, rejected: 6 });
    expect(summary.events).toBe(3);
    expect(summary.rejectedByReason).toEqual({
      'properties.products[].quantity: must not be negative': 2,
      'timestamp: matches none of the formats YYYY-MM-DD HH:mm:ss, YYYY-MM-DD HH:mm, YYYY/M/D H:mm, YYYY年M月D日 H:mm, iso': 1,
      'properties.total: is not an amount': 1,
      'has 13 fields; the header has 14': 1,
      'store_id+order_id: has the order key of the order at record 3 with other rows (rows of one order must be within group.window rows of each other)': 1,
    });
    expect(summary.omittedByReason).toEqual({
      'traits.phone: is not a valid phone number': 1,
      'traits.email: has no valid domain': 1,
    });
    expect(runs.rejects.map(({ record, line, field, value }) => ({ record, line, field, value }))).toEqual([
      { record: 4, line: 6, field: 'properties.products[].quantity', value: '' },
      { record: 5, line: 7, field: 'properties.products[].quantity', value: '-1' },
      { record: 6, line: 8, field: 'timestamp', value: '03/04/2024' },
      { record: 9, line: 11, field: 'properties.total', value: 'abc' },
      { record: 11, line: 14, field: '', value: '' },
      { record: 10, line: 12, field: 'store_id+order_id', value: '' },
    ]);
    expect(runs.rejects[3]?.raw).toBe(
      'A-1005,2024-03-05 11:00:00,S01,,,,TEA-01,"Green tea, 250g",Tea,12.50,1,abc,CNY,cash',
    );
    expect(runs.csv().split('\r\n')[0]).toBe('record,line,field,reason,value,raw');
    expect(runs.summary).toEqual(summary);
  });

  it('imports nothing new when the same file comes again: the run says so, and a fresh run sends the same ids', async () => {
    // Prepare
    const runs = new MemoryRunStore();
    const first = await importInput({ input: fixture('pos-orders.csv'), mapping: readyMapping('pos'), runs });

    // Act
    const again = await importInput({ input: fixture('pos-orders.csv'), mapping: readyMapping('pos'), runs });
    const elsewhere = await importInput({ input: fixture('pos-orders.csv'), mapping: readyMapping('pos') });

    // Assess
    expect(again.summary.status).toBe('already-imported');
    expect(again.stream.puts).toBe(0);
    expect(again.summary.rows).toEqual(first.summary.rows);
    expect(elsewhere.events.map((event) => event.messageId)).toEqual(
      first.events.map((event) => event.messageId),
    );
  });

  it('gives a row repeated in another file the messageId it had in the first, so the lake keeps one', async () => {
    // Act
    const first = await importInput({ input: fixture('pos-orders.csv'), mapping: readyMapping('pos') });
    const second = await importInput({ input: fixture('pos-orders-2.csv'), mapping: readyMapping('pos') });

    // Assess
    expect(second.events.map((event) => event.messageId)).toEqual([
      importId('pos', 'S01', 'A-1001'),
      importId('pos', 'S03', 'A-2001'),
    ]);
    expect(second.events[0]).toEqual(first.events[0]);
  });

  it('starts over when the file changed since an interrupted run', async () => {
    // Prepare: a run of the first file that completed, then other content under the same run.
    const runs = new MemoryRunStore();
    await importInput({ input: fixture('pos-orders.csv'), mapping: readyMapping('pos'), runs });

    // Act
    const changed = await importInput({
      input: fixture('pos-orders-2.csv'),
      mapping: readyMapping('pos'),
      runs,
    });

    // Assess
    expect(changed.summary.status).toBe('completed');
    expect(changed.summary.resumedAfterRecord).toBe(0);
    expect(changed.summary.rows).toEqual({ read: 3, imported: 3, duplicates: 0, rejected: 0 });
  });
});

describe('resuming an interrupted import', () => {
  const mapping = () => readyMapping('pos');

  it('goes on after the last checkpoint when stopped, sending every event once and listing every reject once', async () => {
    // Prepare: one event per put, so there is a checkpoint after each; stop after the second.
    const complete = await importInput({ input: fixture('pos-orders.csv'), mapping: mapping() });
    const runs = new MemoryRunStore();
    const stream = new RecordingStream();
    const stop = new AbortController();
    let checkpoints = 0;
    const interrupted = await importInput({
      input: fixture('pos-orders.csv'),
      mapping: mapping(),
      runs,
      stream,
      deps: {
        batchSize: 1,
        signal: stop.signal,
        onProgress: () => {
          checkpoints += 1;
          if (checkpoints === 2) stop.abort();
        },
      },
    });

    // Act
    const resumed = await importInput({ input: fixture('pos-orders.csv'), mapping: mapping(), runs, stream });

    // Assess
    expect(interrupted.summary.status).toBe('interrupted');
    expect(interrupted.summary.checkpointRecord).toBeGreaterThan(0);
    expect(resumed.summary.status).toBe('completed');
    expect(resumed.summary.resumedAfterRecord).toBe(interrupted.summary.checkpointRecord);
    expect(stream.events.map((event) => event.messageId)).toEqual(
      complete.events.map((event) => event.messageId),
    );
    expect(resumed.summary.rows).toEqual(complete.summary.rows);
    expect(resumed.summary.rejectedByReason).toEqual(complete.summary.rejectedByReason);
    expect(runs.rejects.map((row) => row.record)).toEqual(complete.runs.rejects.map((row) => row.record));
  });

  it('stops at the last stored batch when the stream fails, and the next run sends the rest', async () => {
    // Prepare
    const complete = await importInput({ input: fixture('pos-orders.csv'), mapping: mapping() });
    const runs = new MemoryRunStore();
    const failing = new RecordingStream({ healthyPuts: 1 });
    const failed = await importInput({
      input: fixture('pos-orders.csv'),
      mapping: mapping(),
      runs,
      stream: failing,
      deps: { batchSize: 1 },
    });
    const healthy = new RecordingStream();

    // Act
    const resumed = await importInput({
      input: fixture('pos-orders.csv'),
      mapping: mapping(),
      runs,
      stream: healthy,
    });

    // Assess
    expect(failed.summary.status).toBe('failed');
    expect(failed.summary.error).toBe('1 of 1 records of a batch were not stored on the stream');
    expect(failed.summary.events).toBe(1);
    expect([...failing.events, ...healthy.events].map((event) => event.messageId)).toEqual(
      complete.events.map((event) => event.messageId),
    );
    expect(resumed.summary.rows).toEqual(complete.summary.rows);
    expect(runs.rejects).toHaveLength(complete.runs.rejects.length);
  });
});

describe('importing CRM contacts (mappings/crm.json)', () => {
  it('makes each contact an identify call with cleaned traits, and rejects bad values with their reason', async () => {
    // Act
    const { summary, events } = await importInput({
      input: fixture('crm-contacts.csv'),
      mapping: readyMapping('crm'),
      channel: 'crm',
    });

    // Assess
    expect(events.map(shape)[0]).toEqual({
      type: 'identify',
      userId: 'U-1',
      anonymousId: 'crm-C-001',
      traits: {
        crm_id: 'C-001',
        email: 'ann.smith@example.com',
        phone: '+8613800138000',
        firstName: 'Ann',
        lastName: 'Smith',
        name: 'Ann Smith',
        company: { name: 'Acme' },
        address: { city: '上海', country: 'CN' },
        birthday: '1990-05-17',
        tags: ['vip', 'newsletter'],
        vip: true,
        lifetime_value: 1234.5,
        createdAt: '2023-01-05T00:00:00.000Z',
      },
      context: { library },
      timestamp: '2024-03-01T02:00:00.000Z',
      source: 'crm',
      channel: 'crm',
    });
    expect(events[1]?.traits).toMatchObject({
      name: '王 小明',
      birthday: '1988-02-29',
      vip: true,
      phone: '+8613912345678',
    });
    expect(events.map((event) => event.messageId)).toEqual([
      importId('crm', 'C-001', '2024-03-01 10:00:00'),
      importId('crm', 'C-002', '2024/3/2 9:15'),
    ]);
    expect(summary.rows).toEqual({ read: 9, imported: 2, duplicates: 1, rejected: 6 });
    expect(summary.rejectedByReason).toEqual({
      'traits.email: has no valid domain': 1,
      'traits.phone: is not a valid phone number': 1,
      'traits.birthday: is not a calendar date': 1,
      'anonymousId: is missing': 1,
      'timestamp: matches none of the formats YYYY-MM-DD HH:mm:ss, YYYY-MM-DD HH:mm, YYYY/M/D H:mm, DD.MM.YYYY HH:mm, YYYY-MM-DD, iso': 1,
      'traits.lifetime_value: must not be negative': 1,
    });
  });

  it('reads a GBK-encoded export when told its encoding, and rejects its rows as not UTF-8 when not', async () => {
    // Prepare: the fixture re-encoded as Excel in a Chinese locale saves it.
    const gbk = iconv.encode(fixture('crm-contacts.csv').toString('utf8'), 'gbk');
    const mapping = readyMapping('crm');

    // Act
    const declared = await importInput({
      input: gbk,
      mapping: { ...mapping, input: { ...mapping.input, encoding: 'gbk' } },
    });
    const undeclared = await importInput({ input: gbk, mapping });
    const utf8 = await importInput({ input: fixture('crm-contacts.csv'), mapping });

    // Assess
    expect(declared.events).toEqual(utf8.events);
    expect(undeclared.summary.rejectedByReason).toMatchObject({
      "is not valid utf-8 text (declare the file's encoding, e.g. gbk)": 3,
    });
  });

  it('rejects a contact that repeats the natural key of an earlier one with other values', async () => {
    // Prepare
    const input = [
      'contact_id,updated_at,email',
      'C-1,2024-03-01,a@example.com',
      'C-1,2024-03-01,a@example.com',
      'C-1,2024-03-01,b@example.com',
    ].join('\n');
    const mapping = mappingOf({
      type: 'identify',
      naturalKey: ['contact_id', 'updated_at'],
      fields: {
        timestamp: { column: 'updated_at', formats: ['YYYY-MM-DD'] },
        anonymousId: { column: 'contact_id' },
        'traits.email': { column: 'email', as: 'email' },
      },
    });

    // Act
    const { summary, runs } = await importInput({ input, mapping });

    // Assess
    expect(summary.rows).toEqual({ read: 3, imported: 1, duplicates: 1, rejected: 1 });
    expect(runs.rejects[0]).toMatchObject({
      record: 3,
      field: 'naturalKey',
      reason: 'has the natural key of record 1 with other values',
    });
  });
});

describe('the other ready-made mappings', () => {
  it('names ESP engagement events by the email spec and rejects unknown kinds and broken lines', async () => {
    // Act
    const { summary, events } = await importInput({
      input: fixture('esp-events.ndjson'),
      mapping: readyMapping('esp'),
      channel: 'email',
    });

    // Assess
    expect(events.map((event) => [event.event, event.properties?.email_id, event.timestamp])).toEqual([
      ['Email Delivered', 'm1', '2024-03-01T08:00:00.000Z'],
      ['Email Opened', 'm1', '2024-03-01T09:00:00.000Z'],
      ['Email Link Clicked', 'm1', '2024-03-01T10:00:00.000Z'],
      ['Email Bounced', 'm2', '2024-03-01T08:00:00.000Z'],
      ['Unsubscribed', 'm1', '2024-03-02T09:00:00.000Z'],
      ['Email Marked as Spam', 'm3', '2024-03-02T09:00:00.000Z'],
    ]);
    expect(events[0]?.properties).toEqual({
      email_id: 'm1',
      email_subject: 'Spring sale',
      campaign_id: 'c1',
      campaign_name: 'Spring',
      list_id: 'l1',
    });
    expect(events[0]?.context).toEqual({ library, traits: { email: 'ann@example.com' } });
    expect(summary.rejectedByReason).toEqual({
      'event: has no entry in the lookup table': 1,
      'is not valid JSON': 1,
      'is not a JSON object': 1,
    });
  });

  it('imports tickets with their satisfaction score and comment, survey answers with their score, and social interactions', async () => {
    // Act
    const support = await importInput({
      input: fixture('support-tickets.csv'),
      mapping: readyMapping('support'),
      channel: 'support',
    });
    const surveys = await importInput({
      input: fixture('surveys.csv'),
      mapping: readyMapping('surveys'),
      channel: 'support',
    });
    const social = await importInput({
      input: fixture('social.ndjson'),
      mapping: readyMapping('social'),
      channel: 'social',
    });

    // Assess
    expect(support.events.map((event) => event.event)).toEqual([
      'Ticket Created',
      'Ticket Resolved',
      'Ticket Updated',
    ]);
    expect(support.events[1]?.properties).toMatchObject({
      satisfaction_score: 4,
      satisfaction_comment: '快速解决，谢谢！',
    });
    expect(support.summary.rejectedByReason).toEqual({
      'properties.satisfaction_score: must be at most 5': 1,
    });
    expect(
      surveys.events.map((event) => [event.properties?.score, event.properties?.comment, event.timestamp]),
    ).toEqual([
      [9, 'Great tea, fast delivery', '2024-03-05T12:00:00.000Z'],
      [3, '配送太慢了\n包装也破了', '2024-03-06T12:15:00.000Z'],
    ]);
    expect(surveys.summary.rejectedByReason).toEqual({
      'properties.score: must be at most 10': 1,
      'properties.score: is missing': 1,
    });
    expect(social.events.map((event) => [event.event, event.anonymousId])).toEqual([
      ['Social Comment Posted', 'weibo-5566'],
      ['Social Post Liked', 'weibo-5566'],
      ['Social Mention', 'instagram-ig-77'],
    ]);
  });
});

describe('grouping rows into orders', () => {
  const orderMapping = (group: Record<string, unknown>) =>
    mappingOf({
      naturalKey: ['order'],
      fields: {
        event: { value: 'Order Completed' },
        timestamp: { value: '2024-03-01T00:00:00Z' },
        anonymousId: { column: 'order' },
        'properties.order_id': { column: 'order' },
      },
      group: { by: 'order', item: { sku: { column: 'sku' } }, ...group },
    });

  it('collects the rows of orders that interleave when group.window allows the distance', async () => {
    // Prepare
    const input = 'order,sku\nA,1\nB,2\nA,3\nC,4\nB,5\n';

    // Act
    const { events } = await importInput({ input, mapping: orderMapping({ window: 3 }) });

    // Assess: no order had `window` rows without one of its rows, so all close at the end, in the order of
    // their latest row.
    expect(events.map((event) => [event.properties?.order_id, event.properties?.products])).toEqual([
      ['A', [{ sku: '1' }, { sku: '3' }]],
      ['C', [{ sku: '4' }]],
      ['B', [{ sku: '2' }, { sku: '5' }]],
    ]);
  });

  it('closes an order once group.window rows passed without one of its rows', async () => {
    // Prepare
    const input = 'order,sku\nA,1\nB,2\nC,3\nA,4\n';

    // Act
    const { events, summary } = await importInput({ input, mapping: orderMapping({ window: 2 }) });

    // Assess: at row 3, A's last row (1) is 2 rows back, so A closed; A's row 4 is a new A with other rows.
    expect(events.map((event) => event.properties?.order_id)).toEqual(['A', 'B', 'C']);
    expect(summary.rows).toEqual({ read: 4, imported: 3, duplicates: 0, rejected: 1 });
  });

  it('takes the order fields from the header row and the products from the line rows', async () => {
    // Prepare
    const input = 'kind,order,sku\nH,A,\nL,A,1\nL,A,2\nL,B,3\nH,C,\nH,C,\n';
    const mapping = orderMapping({ lines: { column: 'kind', in: ['L'] } });

    // Act
    const { events, summary } = await importInput({ input, mapping });

    // Assess
    expect(events.map((event) => event.properties?.products)).toEqual([[{ sku: '1' }, { sku: '2' }]]);
    expect(summary.rejectedByReason).toEqual({
      'order: order has no header row': 1,
      'order: order has 2 header rows': 2,
    });
  });

  it('rejects an order with more rows than group.maxRows, and rows without an order key', async () => {
    // Prepare
    const input = 'order,sku\nA,1\nA,2\nA,3\n,4\n';

    // Act
    const { summary, events } = await importInput({ input, mapping: orderMapping({ maxRows: 2 }) });

    // Assess
    expect(events).toEqual([]);
    expect(summary.rejectedByReason).toEqual({
      'order: order has more than 2 rows': 3,
      'order: is missing': 1,
    });
  });
});

describe('what every imported event goes through', () => {
  const simple = (fields: Record<string, unknown>) =>
    mappingOf({
      fields: {
        event: { column: 'event' },
        timestamp: { column: 'time' },
        anonymousId: { column: 'id' },
        ...fields,
      },
    });

  it('applies the spec validation and the size limit of the collector', async () => {
    // Prepare
    const input = `id,event,time,note\n1,,2024-03-01T00:00:00Z,x\n2,Big,2024-03-01T00:00:00Z,${'x'.repeat(33_000)}\n`;

    // Act
    const { summary } = await importInput({
      input,
      mapping: simple({ 'properties.note': { column: 'note' } }),
    });

    // Assess
    expect(Object.keys(summary.rejectedByReason)).toEqual([
      'event: track requires an event name',
      expect.stringMatching(/^message is \d+ bytes; the limit is 32768$/),
    ]);
  });

  it('sets a field with ifMissing only when the field it names got no value, wherever it stands in the file', async () => {
    // Prepare: the fallback comes first in the mapping.
    const mapping = mappingOf({
      fields: {
        anonymousId: { template: 'guest-{id}', ifMissing: 'userId' },
        userId: { column: 'member' },
        event: { column: 'event' },
        timestamp: { column: 'time' },
      },
    });
    const input = 'id,member,event,time\n1,M-1,Bought,2024-03-01T00:00:00Z\n2,,Bought,2024-03-01T00:00:00Z\n';

    // Act
    const { events } = await importInput({ input, mapping });

    // Assess
    expect(events.map((event) => [event.userId, event.anonymousId])).toEqual([
      ['M-1', undefined],
      [undefined, 'guest-2'],
    ]);
  });

  it('rejects a row whose natural key is missing', async () => {
    // Prepare: the mapping's natural key is the id column.
    const input = 'id,event,time,visitor\n,Orphan,2024-03-01T00:00:00Z,v-1\n';
    const mapping = mappingOf({
      fields: {
        event: { column: 'event' },
        timestamp: { column: 'time' },
        anonymousId: { column: 'visitor' },
      },
    });

    // Act
    const { summary } = await importInput({ input, mapping });

    // Assess
    expect(summary.rejectedByReason).toEqual({ 'naturalKey.id: is missing': 1 });
  });

  it('rejects events dated more than a day after the import', async () => {
    // Prepare: the import runs at 2026-11-22T12:00Z.
    const input = 'id,event,time\n1,Late,2026-11-23T11:00:00Z\n2,Future,2026-11-23T13:00:00Z\n';

    // Act
    const { summary, events } = await importInput({ input, mapping: simple({}) });

    // Assess
    expect(events.map((event) => event.event)).toEqual(['Late']);
    expect(summary.rejectedByReason).toEqual({ 'timestamp: is in the future': 1 });
  });

  it('applies the privacy setting to an imported IP address, as the collector does', async () => {
    // Prepare
    const input = 'id,event,time,ip\n1,Visited,2024-03-01T00:00:00Z,203.0.113.77\n';

    // Act
    const { events } = await importInput({ input, mapping: simple({ 'context.ip': { column: 'ip' } }) });

    // Assess
    expect(events[0]?.context.ip).toBe('203.0.113.0');
    expect(events[0]?.enrichment.ip).toBe('203.0.113.0');
  });

  it('puts events in batches of 500 and keeps their order', async () => {
    // Prepare
    const rows = Array.from({ length: 1_200 }, (_, index) => `${index},Counted,2024-03-01T00:00:00Z`);
    const input = `id,event,time\n${rows.join('\n')}\n`;
    const stream = new RecordingStream();

    // Act
    const { events } = await importInput({ input, mapping: simple({}), stream }, 4096);

    // Assess
    expect(stream.puts).toBe(3);
    expect(events).toHaveLength(1_200);
    expect(events.map((event) => event.anonymousId)).toEqual(rows.map((_, index) => String(index)));
  });

  it('sends nothing on a dry run but counts and rejects as a real run would', async () => {
    // Act
    const { summary, stream } = await importInput({
      input: fixture('pos-orders.csv'),
      mapping: readyMapping('pos'),
      request: { dryRun: true },
    });

    // Assess
    expect(stream.puts).toBe(0);
    expect(summary.dryRun).toBe(true);
    expect(summary.rows).toEqual({ read: 12, imported: 4, duplicates: 2, rejected: 6 });
  });

  it('keeps what was read before the input breaks off, and says where it broke', async () => {
    // Prepare: the third row opens a quote that is never closed.
    const input =
      'id,event,time\n1,A,2024-03-01T00:00:00Z\n2,B,2024-03-01T00:00:00Z\n3,"C,2024-03-01T00:00:00Z\n';

    // Act
    const { summary, events } = await importInput({ input, mapping: simple({}) });

    // Assess
    expect(summary.status).toBe('failed');
    expect(summary.error).toBe('the input is not valid CSV: a quote opened at line 4 is never closed');
    expect(events.map((event) => event.event)).toEqual(['A', 'B']);
    expect(summary.checkpointRecord).toBe(2);
  });

  it('fails the run before any row when the mapping reads a column the file lacks', async () => {
    // Act
    const { summary, stream } = await importInput({ input: 'id,when\n1,2024-03-01\n', mapping: simple({}) });

    // Assess
    expect(summary.status).toBe('failed');
    expect(summary.error).toBe(
      'the mapping reads the column "event", which the input lacks; its columns are "id", "when"',
    );
    expect(stream.puts).toBe(0);
  });
});
