/**
 * The lake's tables as DuckDB views over the Parquet objects the S3 emulator (s3rver) stores, so the same SQL
 * runs locally and on Athena. Each view exposes exactly the columns of `schema.ts` with the types Athena's
 * tables read back as, plus the `dt` partition (text `YYYY-MM-DD`, Athena's partition type) last.
 */
import { join } from 'node:path';
import type { LakeColumnType, LakeTable } from './schema.ts';

/** s3rver stores the object `k` as the file `<bucket dir>/k._S3rver_object`, beside metadata and md5 files. */
export const s3rverObjectSuffix = '._S3rver_object';

/** DuckDB's spelling of each lake column type. */
export const duckDbColumnTypes: Readonly<Record<LakeColumnType, string>> = {
  string: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  int: 'INTEGER',
  double: 'DOUBLE',
  // JSON rather than VARCHAR so that `properties->>'$.revenue'` works; results still carry the JSON text.
  json: 'JSON',
};

/** The glob matching every Parquet object of `table` in the bucket folder `lakeDir`, e.g. `events/dt=…/a.parquet`. */
export function lakeObjectsGlob(lakeDir: string, table: LakeTable): string {
  return join(lakeDir, table.prefix, `${table.partition.name}=*`, `*.parquet${s3rverObjectSuffix}`);
}

/**
 * `CREATE OR REPLACE VIEW` for `table`: over the objects matching `objectsGlob`, or, when the table has no
 * objects yet (DuckDB rejects a glob that matches nothing), over no rows with the same columns. The typed
 * empty relation is also unioned by name with the files, so a column that no file has yet reads as NULL.
 * The glob is expanded at every query, so objects written after the view was created are seen.
 */
export function lakeViewSql(table: LakeTable, objectsGlob: string | undefined): string {
  const columns = [...table.columns, { name: table.partition.name, type: 'string' as const }];
  const typed = (value: (name: string) => string) =>
    columns
      .map((c) => `CAST(${value(c.name)} AS ${duckDbColumnTypes[c.type]}) AS ${identifier(c.name)}`)
      .join(', ');
  const empty = `SELECT ${typed(() => 'NULL')} WHERE false`;
  const files =
    objectsGlob === undefined
      ? ''
      : ` UNION ALL BY NAME SELECT * FROM read_parquet(${literal(objectsGlob)}, hive_partitioning = true, ` +
        `union_by_name = true, hive_types = {${literal(table.partition.name)}: VARCHAR})`;
  return `CREATE OR REPLACE VIEW ${identifier(table.name)} AS SELECT ${typed(identifier)} FROM (${empty}${files})`;
}

function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
