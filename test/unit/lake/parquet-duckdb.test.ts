import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeParquet } from '../../../shared/lake/parquet.ts';
import { eventRow } from '../../../shared/lake/rows.ts';
import { eventsTable } from '../../../shared/lake/schema.ts';
import { collectedEvent } from './envelopes.ts';

describe('a landed Parquet file read by DuckDB, an independent reader', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function query(file: string, sql: string): Promise<Record<string, unknown>[]> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const prepared = await connection.prepare(sql);
      prepared.bindVarchar(1, file);
      return (await prepared.runAndReadAll()).getRowObjectsJS();
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  function writeTemp(bytes: Uint8Array): string {
    const dir = mkdtempSync(join(tmpdir(), 'lake-'));
    dirs.push(dir);
    const file = join(dir, 'events.parquet');
    writeFileSync(file, bytes);
    return file;
  }

  it('has every schema column with the SQL type its lake type promises', async () => {
    // Prepare
    const file = writeTemp(encodeParquet(eventsTable, [eventRow(collectedEvent())]));
    const sqlType = {
      string: 'VARCHAR',
      json: 'VARCHAR',
      timestamp: 'TIMESTAMP',
      int: 'INTEGER',
      double: 'DOUBLE',
    } as const;

    // Act
    const described = await query(file, 'describe select * from read_parquet($1)');

    // Assess
    expect(described.map((column) => [column.column_name, column.column_type])).toEqual(
      eventsTable.columns.map((column) => [column.name, sqlType[column.type]]),
    );
  });

  it('reads the values written: UTC times to the millisecond, JSON reachable by path, digests, nulls as NULL', async () => {
    // Prepare
    const rows = [
      eventRow(
        collectedEvent({
          messageId: 'm-1',
          timestamp: '2026-11-22T23:59:59.999Z',
          properties: { revenue: 12.5, currency: 'EUR' },
          context: { traits: { email: 'Ann@Example.com', phone: '+1 415 555 2671' } },
          enrichment: { campaign: { source: 'newsletter' } },
        }),
      ),
      eventRow(collectedEvent({ messageId: 'm-2', properties: undefined, sentAt: undefined })),
    ];
    const file = writeTemp(encodeParquet(eventsTable, rows));

    // Act
    const read = await query(
      file,
      `select message_id, epoch_ms(timestamp)::bigint as ms, strftime(timestamp, '%Y-%m-%d') as day,
              (properties->>'$.revenue')::double as revenue, properties->>'$.currency' as currency,
              utm_source, sent_at is null as no_sent_at, schema_version, email_sha256, phone_sha256,
              context->'$.traits' as traits
       from read_parquet($1) order by message_id`,
    );
    const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

    // Assess: 2026-11-22T23:59:59.999Z = 1795391999999 ms since the epoch (20 779 days × 86 400 000 + 86 399 999).
    expect(read).toEqual([
      {
        message_id: 'm-1',
        ms: 1795391999999n,
        day: '2026-11-22',
        revenue: 12.5,
        currency: 'EUR',
        utm_source: 'newsletter',
        no_sent_at: false,
        schema_version: 2,
        email_sha256: sha256('ann@example.com'),
        phone_sha256: sha256('+14155552671'),
        traits: '{}',
      },
      {
        message_id: 'm-2',
        ms: 1795341600000n,
        day: '2026-11-22',
        revenue: null,
        currency: null,
        utm_source: null,
        no_sent_at: true,
        schema_version: 2,
        email_sha256: null,
        phone_sha256: null,
        traits: null,
      },
    ]);
  });
});
