/**
 * `SqlEngine` on DuckDB, for the local mode: SQL over the Parquet objects the S3 emulator stores, through
 * views with the lake's table names (`shared/lake/duckdb-views.ts`), the views over them that Athena has too
 * (`identity_map` and `events_stitched`, which the analyses read: `shared/lake/views.ts`) and Athena's spelling
 * of functions (`shared/lake/athena-dialect.ts`). DuckDB runs in
 * memory and only reads the files, so it is safe to query while `npm start` is writing the lake.
 *
 * Results follow `shared/lake/result-values.ts`; column types are DuckDB's names (`VARCHAR`, `TIMESTAMP`,
 * `JSON`, …).
 *
 * @example
 * const engine = await DuckDbSqlEngine.open({ lakeDir: localBucketDir(localPaths(), 'lake') });
 * const { rows } = await engine.query('SELECT count(*) AS n FROM events WHERE dt = ?', ['2026-11-22']);
 * await engine.close();
 */
import {
  arrayFromArrayValue,
  arrayFromListValue,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBValueConverter,
  fromVariantValue,
  type Json,
  JsonDuckDBValueConverter,
  objectArrayFromMapValue,
  objectFromStructValue,
  objectFromUnionValue,
} from '@duckdb/node-api';
import { CdpError } from '../errors.ts';
import { athenaDialectMacros } from '../lake/athena-dialect.ts';
import { lakeObjectsGlob, lakeViewSql } from '../lake/duckdb-views.ts';
import {
  isoUtcTimestamp,
  jsonSafeDecimal,
  jsonSafeFloat,
  jsonSafeInteger,
  uniqueColumnNames,
} from '../lake/result-values.ts';
import { type LakeTable, lakeTables } from '../lake/schema.ts';
import { createViewSql, lakeViews } from '../lake/views.ts';
import type { QueryColumn, QueryResult, SqlEngine } from '../ports.ts';

export class DuckDbSqlEngineError extends CdpError {}

/** The query could not be prepared or run; the message is DuckDB's. */
export class DuckDbQueryError extends DuckDbSqlEngineError {
  constructor(
    message: string,
    readonly sql: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DuckDbSqlEngineOptions {
  /** The folder the S3 emulator keeps the lake bucket's objects in: `localBucketDir(localPaths(), 'lake')`. */
  readonly lakeDir: string;
}

type Param = string | number | boolean | null;

export class DuckDbSqlEngine implements SqlEngine {
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  readonly #lakeDir: string;
  /** Whether each table's view was last defined over files (true) or over no rows (false). */
  readonly #viewHasFiles = new Map<string, boolean>();
  /** One statement at a time on the connection, and view refreshes never interleave with a query. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection, lakeDir: string) {
    this.#instance = instance;
    this.#connection = connection;
    this.#lakeDir = lakeDir;
  }

  static async open(options: DuckDbSqlEngineOptions): Promise<DuckDbSqlEngine> {
    // Parquet, JSON and ICU are built in; nothing may be downloaded at run time.
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    // The lake's timestamps are UTC, and Athena has no session time zone: casts and date parts must agree.
    await connection.run(`SET TimeZone = 'UTC'`);
    for (const macro of athenaDialectMacros) await connection.run(macro.sql);
    const engine = new DuckDbSqlEngine(instance, connection, options.lakeDir);
    await engine.#serialized(() => engine.#refreshViews());
    // Views are bound when queried, so these follow every later redefinition of the tables' views.
    for (const view of lakeViews) await connection.run(createViewSql(view));
    return engine;
  }

  query(sql: string, params: readonly Param[] = []): Promise<QueryResult> {
    return this.#serialized(async () => {
      await this.#refreshViews();
      return this.#run(sql, params);
    });
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    this.#connection.closeSync();
    this.#instance.closeSync();
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task, task);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** A table's first object makes its view read files; its view reads no rows again if all are deleted. */
  async #refreshViews(): Promise<void> {
    for (const table of lakeTables) {
      const glob = lakeObjectsGlob(this.#lakeDir, table);
      const hasFiles = await this.#anyFileMatches(glob);
      if (this.#viewHasFiles.get(table.name) === hasFiles) continue;
      await this.#defineView(table, hasFiles ? glob : undefined);
      this.#viewHasFiles.set(table.name, hasFiles);
    }
  }

  async #anyFileMatches(glob: string): Promise<boolean> {
    const reader = await this.#connection.runAndReadAll('SELECT 1 FROM glob(?) LIMIT 1', [glob]);
    return reader.currentRowCount > 0;
  }

  async #defineView(table: LakeTable, glob: string | undefined): Promise<void> {
    try {
      await this.#connection.run(lakeViewSql(table, glob));
    } catch (error) {
      throw new DuckDbSqlEngineError(`cannot define the ${table.name} view: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  async #run(sql: string, params: readonly Param[]): Promise<QueryResult> {
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await this.#connection.prepare(sql);
    } catch (error) {
      throw new DuckDbQueryError(messageOf(error), sql, { cause: error });
    }
    try {
      if (prepared.parameterCount !== params.length) {
        throw new DuckDbQueryError(
          `the query has ${prepared.parameterCount} ? placeholders but ${params.length} parameters were given`,
          sql,
        );
      }
      for (const [index, value] of params.entries()) bind(prepared, index + 1, value);
      const reader = await prepared.runAndReadAll().catch((error: unknown) => {
        throw new DuckDbQueryError(messageOf(error), sql, { cause: error });
      });
      const names = uniqueColumnNames(reader.columnNames());
      const columns: QueryColumn[] = reader
        .columnTypes()
        .map((type, i) => ({ name: names[i] ?? '', type: typeName(type) }));
      const rows = reader.convertRows(jsonSafeValue).map((values) => {
        const row: Record<string, unknown> = {};
        names.forEach((name, i) => {
          row[name] = values[i] ?? null;
        });
        return row;
      });
      return { columns, rows, stats: { engine: 'duckdb' } };
    } finally {
      prepared.destroySync();
    }
  }
}

function bind(prepared: DuckDBPreparedStatement, index: number, value: Param): void {
  if (value === null) prepared.bindNull(index);
  else if (typeof value === 'string') prepared.bindVarchar(index, value);
  else if (typeof value === 'boolean') prepared.bindBoolean(index, value);
  else if (Number.isSafeInteger(value)) prepared.bindBigInt(index, BigInt(value));
  else prepared.bindDouble(index, value);
}

/** DuckDB reports JSON as a VARCHAR with the alias JSON; the alias is the name analysts know. */
function typeName(type: DuckDBType): string {
  return type.alias ?? type.toString();
}

/** Converts DuckDB values to the conventions of `result-values.ts`, nested values included. */
const jsonSafeValue: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return jsonSafeInteger(value as bigint);
    case DuckDBTypeId.DECIMAL:
      return jsonSafeDecimal(String(value));
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return jsonSafeFloat(value as number);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return isoUtcTimestamp(String(value));
    case DuckDBTypeId.LIST:
      return arrayFromListValue(value, type, converter);
    case DuckDBTypeId.ARRAY:
      return arrayFromArrayValue(value, type, converter);
    case DuckDBTypeId.STRUCT:
      return objectFromStructValue(value, type, converter);
    case DuckDBTypeId.MAP:
      return objectArrayFromMapValue(value, type, converter);
    case DuckDBTypeId.UNION:
      return objectFromUnionValue(value, type, converter);
    case DuckDBTypeId.VARIANT:
      return fromVariantValue(value, type, converter);
    default:
      return JsonDuckDBValueConverter(value as DuckDBValue, type, JsonDuckDBValueConverter);
  }
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
