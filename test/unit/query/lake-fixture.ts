/** A lake in a temporary local data dir, laid out the way s3rver stores the lake bucket's objects. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BasicType, type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import { eventsTable, type LakeColumnType, type LakeTable } from '../../../shared/lake/schema.ts';

export interface TempLake {
  /** What CDP_DATA_DIR would be. */
  readonly dataDir: string;
  /** s3rver's folder of the lake bucket. */
  readonly lakeDir: string;
  remove(): Promise<void>;
}

export async function tempLake(): Promise<TempLake> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cdp-query-'));
  const lakeDir = join(dataDir, 's3', 'lake');
  mkdirSync(lakeDir, { recursive: true });
  return { dataDir, lakeDir, remove: () => rm(dataDir, { recursive: true, force: true }) };
}

export type LakeValue = string | number | Date | null;

const parquetTypes: Record<LakeColumnType, BasicType> = {
  string: 'STRING',
  timestamp: 'TIMESTAMP',
  int: 'INT32',
  double: 'DOUBLE',
  // JSON text in a plain string column: the views must not depend on the writer marking it as JSON.
  json: 'STRING',
};

/**
 * Writes `rows` as the Parquet object `key` of the lake bucket, with s3rver's metadata and md5 side files.
 * Only the columns the rows name are written, so tests can also leave columns out.
 */
export function writeLakeObject(
  lakeDir: string,
  table: LakeTable,
  key: string,
  rows: readonly Record<string, LakeValue>[],
): void {
  const names = table.columns.map((column) => column.name).filter((name) => rows.some((row) => name in row));
  const columnData: ColumnSource[] = names.map((name) => {
    const type = table.columns.find((column) => column.name === name)?.type ?? 'string';
    return { name, type: parquetTypes[type], data: rows.map((row) => row[name] ?? null) };
  });
  const objectPath = join(lakeDir, `${key}._S3rver_object`);
  mkdirSync(dirname(objectPath), { recursive: true });
  writeFileSync(objectPath, new Uint8Array(parquetWriteBuffer({ columnData })));
  writeFileSync(`${objectPath}.md5`, '0123456789abcdef0123456789abcdef');
  writeFileSync(
    join(lakeDir, `${key}._S3rver_metadata.json`),
    '{"content-type":"application/vnd.apache.parquet"}',
  );
}

/** Writes event rows as the lake holds them: one Parquet object per UTC day of `timestamp` (the dt partition). */
export function writeEventsByDay(lakeDir: string, events: readonly Record<string, LakeValue>[]): void {
  const byDay = new Map<string, Record<string, LakeValue>[]>();
  for (const row of events) {
    const day = (row.timestamp as Date).toISOString().slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), row]);
  }
  for (const [day, rows] of byDay) {
    writeLakeObject(lakeDir, eventsTable, `events/dt=${day}/part.parquet`, rows);
  }
}
