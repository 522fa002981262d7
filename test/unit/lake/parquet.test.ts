import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { LakeFileError } from '../../../shared/lake/errors.ts';
import { decodeParquet, encodeParquet } from '../../../shared/lake/parquet.ts';
import { eventRow, type LakeRow, quarantineRow } from '../../../shared/lake/rows.ts';
import { eventsTable, type LakeTable, quarantineTable } from '../../../shared/lake/schema.ts';
import { collectedEvent, quarantinedEvent } from './envelopes.ts';

describe('encodeParquet and decodeParquet', () => {
  it('give back the rows written, nulls, millisecond times, digests and non-ASCII text included', async () => {
    // Prepare
    const rows: LakeRow[] = [
      eventRow(
        collectedEvent({
          messageId: 'a',
          timestamp: '2026-11-22T23:59:59.999Z',
          userId: 'Zoë 🦆',
          context: { traits: { email: 'zoe@example.com' } },
        }),
      ),
      eventRow(
        collectedEvent({ messageId: 'b', properties: undefined, sentAt: undefined, userId: undefined }),
      ),
    ];

    // Act
    const decoded = await decodeParquet(eventsTable, encodeParquet(eventsTable, rows));

    // Assess
    expect(decoded).toEqual(rows);
  });

  it('decodes only the columns asked for', async () => {
    // Prepare
    const rows = [
      quarantineRow(quarantinedEvent({ messageId: 'q1' })),
      quarantineRow(quarantinedEvent({ messageId: 'q2' })),
    ];

    // Act
    const decoded = await decodeParquet(quarantineTable, encodeParquet(quarantineTable, rows), {
      columns: ['message_id'],
    });

    // Assess
    expect(decoded).toEqual([{ message_id: 'q1' }, { message_id: 'q2' }]);
  });

  it('reads columns a file predates as null', async () => {
    // Prepare: a file written before `channel` and `schema_version` existed.
    const older: LakeTable = {
      ...quarantineTable,
      columns: quarantineTable.columns.filter(
        (column) => !['channel', 'schema_version'].includes(column.name),
      ),
    };
    const row = quarantineRow(quarantinedEvent());
    const bytes = encodeParquet(older, [row]);

    // Act
    const [decoded] = await decodeParquet(quarantineTable, bytes);

    // Assess
    expect(decoded).toEqual({ ...row, channel: null, schema_version: null });
  });

  it('declares strings and JSON as UTF-8 byte arrays, times as INT64 milliseconds and ints as INT32, snappy-compressed', () => {
    // Prepare
    const bytes = encodeParquet(quarantineTable, [quarantineRow(quarantinedEvent())]);

    // Act
    const metadata = parquetMetadata(bytes.buffer as ArrayBuffer);

    // Assess
    const leaf = (name: string) => metadata.schema.find((element) => element.name === name);
    expect(metadata.schema.slice(1).map((element) => element.name)).toEqual(
      quarantineTable.columns.map((c) => c.name),
    );
    expect(leaf('raw')).toMatchObject({
      type: 'BYTE_ARRAY',
      converted_type: 'UTF8',
      repetition_type: 'OPTIONAL',
    });
    expect(leaf('received_at')).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' });
    expect(leaf('schema_version')).toMatchObject({ type: 'INT32' });
    const codecs = metadata.row_groups.flatMap((group) =>
      group.columns.map((column) => column.meta_data?.codec),
    );
    expect(new Set(codecs)).toEqual(new Set(['SNAPPY']));
  });

  it('declares json columns as plain strings, which is what the Glue tables say', () => {
    // Prepare
    const bytes = encodeParquet(eventsTable, [eventRow(collectedEvent())]);

    // Act
    const properties = parquetMetadata(bytes.buffer as ArrayBuffer).schema.find(
      (element) => element.name === 'properties',
    );

    // Assess
    expect(properties).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
  });

  it('refuses bytes that are not Parquet, naming the object', async () => {
    // Prepare
    const bytes = new TextEncoder().encode('not parquet at all');

    // Act
    const decoding = decodeParquet(eventsTable, bytes, { key: 'events/dt=2026-11-22/land-x.parquet' });

    // Assess
    await expect(decoding).rejects.toThrow(LakeFileError);
    await expect(decoding).rejects.toMatchObject({ key: 'events/dt=2026-11-22/land-x.parquet' });
  });
});
