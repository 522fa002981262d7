/**
 * Lake rows ↔ Parquet bytes. Column names and order are exactly `schema.ts`; every column is nullable
 * (the schema only ever grows by nullable columns). json columns are plain UTF-8 strings because the Glue
 * tables declare them `string`; timestamps are INT64 milliseconds, UTC.
 */
import { type FileMetaData, parquetMetadata, parquetReadObjects } from 'hyparquet';
import { type BasicType, type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import { LakeFileError } from './errors.ts';
import type { LakeRow, LakeValue } from './rows.ts';
import { LAKE_SCHEMA_VERSION, type LakeColumnType, type LakeTable } from './schema.ts';

const parquetType: Record<LakeColumnType, BasicType> = {
  string: 'STRING',
  json: 'STRING',
  timestamp: 'TIMESTAMP',
  int: 'INT32',
  double: 'DOUBLE',
};

/**
 * Writes rows as one snappy-compressed Parquet file with the table's columns.
 * @example encodeParquet(eventsTable, [eventRow(event)])
 */
export function encodeParquet(table: LakeTable, rows: readonly LakeRow[]): Uint8Array {
  const columnData: ColumnSource[] = table.columns.map((column) => ({
    name: column.name,
    type: parquetType[column.type],
    nullable: true,
    data: rows.map((row) => row[column.name] ?? null),
  }));
  const buffer = parquetWriteBuffer({
    columnData,
    codec: 'SNAPPY',
    // One row group up to the compactor's file limit: fewer, larger groups suit Athena's splits.
    rowGroupSize: 1_000_000,
    kvMetadata: [
      { key: 'cdp.lake.table', value: table.name },
      { key: 'cdp.lake.schema_version', value: String(LAKE_SCHEMA_VERSION) },
    ],
    createdBy: 'cdp lake',
  });
  return new Uint8Array(buffer);
}

/**
 * Reads a file written by `encodeParquet` (any schema version) into rows of the table's columns; columns the
 * file predates read as `null`. With `columns`, only those are decoded, e.g. `['message_id']`.
 * @throws LakeFileError when the bytes are not a readable Parquet file.
 */
export async function decodeParquet(
  table: LakeTable,
  bytes: Uint8Array,
  options: { readonly columns?: readonly string[]; readonly key?: string } = {},
): Promise<LakeRow[]> {
  const wanted = options.columns ?? table.columns.map((column) => column.name);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  let read: Record<string, unknown>[];
  try {
    metadata = parquetMetadata(file);
    const present = new Set(metadata.schema.slice(1).map((element) => element.name));
    const columns = wanted.filter((name) => present.has(name));
    read =
      columns.length === 0
        ? Array.from({ length: Number(metadata.num_rows) }, () => ({}))
        : await parquetReadObjects({ file, metadata, columns, rowFormat: 'object' });
  } catch (error) {
    throw new LakeFileError('cannot read Parquet file', options.key, { cause: error });
  }
  return read.map((cells) => {
    const row: Record<string, LakeValue> = {};
    for (const name of wanted) row[name] = lakeValue(cells[name]);
    return row;
  });
}

function lakeValue(cell: unknown): LakeValue {
  if (typeof cell === 'string' || typeof cell === 'number' || cell instanceof Date) return cell;
  if (typeof cell === 'bigint') return Number(cell);
  return null;
}
