/** Reads back what the lake holds, the way a query engine would: every Parquet file under a prefix. */
import { decodeParquet } from '../../../shared/lake/parquet.ts';
import type { LakeRow } from '../../../shared/lake/rows.ts';
import type { LakeTable } from '../../../shared/lake/schema.ts';
import type { MemoryObjectStore } from './memory-object-store.ts';

export async function rowsUnder(
  store: MemoryObjectStore,
  table: LakeTable,
  prefix: string,
): Promise<LakeRow[]> {
  const rows: LakeRow[] = [];
  for (const key of store.keys(prefix).filter((candidate) => candidate.endsWith('.parquet'))) {
    const body = await store.get(key);
    if (body !== undefined) rows.push(...(await decodeParquet(table, body, { key })));
  }
  return rows;
}

export async function messageIdsUnder(
  store: MemoryObjectStore,
  table: LakeTable,
  prefix: string,
): Promise<string[]> {
  return (await rowsUnder(store, table, prefix)).map((row) => String(row.message_id)).sort();
}
