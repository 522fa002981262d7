/**
 * `SqlEngine` on Amazon Athena, over the Glue tables of the lake. A query is started in a workgroup (whose
 * settings give the result location and limits), polled with exponential backoff until it ends, and its
 * results read page by page, or, with `results: 'file'`, a SELECT's whole result streamed from the CSV file
 * Athena wrote to S3 (the scoring job's million rows: one GET instead of 1,000 sequential pages).
 * Parameters travel as Athena execution parameters, never in the query text.
 *
 * Results follow `shared/lake/result-values.ts`; column types are Athena's names (`varchar`, `bigint`,
 * `timestamp`, …). `stats` carries the bytes scanned and their cost at list price (`shared/pricing.ts`).
 *
 * @example
 * const engine = new AthenaSqlEngine({ workgroup: 'cdp', database: 'cdp' });
 * const { rows, stats } = await engine.query('SELECT count(*) AS n FROM events WHERE dt = ?', ['2026-11-22']);
 */
import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  type Row,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CdpError } from '../errors.ts';
import {
  isoUtcTimestamp,
  jsonSafeDecimal,
  jsonSafeFloat,
  jsonSafeInteger,
  uniqueColumnNames,
} from '../lake/result-values.ts';
import type { QueryColumn, QueryResult, SqlEngine } from '../ports.ts';
import { athenaQueryCostUsd } from '../pricing.ts';
import { athenaCsvRows } from './athena-result-csv.ts';
import { s3Client } from './aws-clients.ts';

export class AthenaSqlEngineError extends CdpError {}

/** Athena refused the query or ended it FAILED or CANCELLED; the message carries Athena's reason. */
export class AthenaQueryError extends AthenaSqlEngineError {
  constructor(
    message: string,
    readonly queryExecutionId: string | undefined,
    readonly state: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface AthenaPolling {
  /** Wait before the second status check; each later wait doubles, up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultAthenaPolling: AthenaPolling = { initialDelayMs: 200, maxDelayMs: 5_000 };

interface AthenaTarget {
  /** The workgroup runs the query: its result location, encryption and scan limits apply. */
  readonly workgroup: string;
  /** The Glue database holding the lake's tables. */
  readonly database: string;
  /** @default the account's `AwsDataCatalog` */
  readonly catalog?: string;
  /** @default defaultAthenaPolling */
  readonly polling?: Partial<AthenaPolling>;
  /** How to wait between status checks; tests pass one that does not wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Where a SELECT's rows are read: `pages` (`GetQueryResults`, 1,000 rows a call, needs only Athena access)
   * or `file` (the result CSV at the query's output location, one `GetObject`; needs read access to the
   * workgroup's results bucket). Other statements are always read by pages: they write no CSV.
   * @default 'pages'
   */
  readonly results?: 'pages' | 'file';
  /** The client that reads result files. @default the shared client of aws-clients.ts */
  readonly s3?: S3Client;
}

/** Either bring a client or let the engine build one (in `region`, else the SDK's default), never both. */
export type AthenaSqlEngineOptions = AthenaTarget &
  (
    | { readonly client: AthenaClient; readonly region?: never }
    | { readonly client?: never; readonly region?: string }
  );

type Param = string | number | boolean | null;

export class AthenaSqlEngine implements SqlEngine {
  readonly #client: AthenaClient;
  readonly #ownsClient: boolean;
  readonly #target: AthenaTarget;
  readonly #polling: AthenaPolling;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: AthenaSqlEngineOptions) {
    this.#client = options.client ?? newAthenaClient(options.region);
    this.#ownsClient = options.client === undefined;
    this.#target = options;
    this.#polling = { ...defaultAthenaPolling, ...options.polling };
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async query(sql: string, params: readonly Param[] = []): Promise<QueryResult> {
    const id = await this.#start(sql, params);
    const execution = await this.#waitUntilDone(id);
    const outputLocation = execution.ResultConfiguration?.OutputLocation;
    const { columns, rows } =
      this.#target.results === 'file' && execution.StatementType === 'DML' && outputLocation
        ? await this.#readResultFile(id, outputLocation)
        : await this.#readResults(id, execution.StatementType);
    const bytesScanned = execution.Statistics?.DataScannedInBytes ?? 0;
    // Only SQL queries are billed by the bytes they scan; DDL and utility statements are free.
    const costUsd = execution.StatementType === 'DML' ? athenaQueryCostUsd(bytesScanned) : 0;
    return { columns, rows, stats: { engine: 'athena', bytesScanned, costUsd } };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.#client.destroy();
  }

  async #start(sql: string, params: readonly Param[]): Promise<string> {
    const { workgroup, database, catalog } = this.#target;
    let id: string | undefined;
    try {
      const started = await this.#client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: workgroup,
          QueryExecutionContext: { Database: database, ...(catalog ? { Catalog: catalog } : {}) },
          // Athena rejects an empty list: a query without placeholders sends none.
          ...(params.length > 0 ? { ExecutionParameters: params.map(executionParameter) } : {}),
        }),
      );
      id = started.QueryExecutionId;
    } catch (error) {
      throw new AthenaQueryError(`cannot start the Athena query: ${messageOf(error)}`, undefined, undefined, {
        cause: error,
      });
    }
    if (!id) throw new AthenaSqlEngineError('Athena started the query but returned no query execution id');
    return id;
  }

  async #waitUntilDone(id: string): Promise<QueryExecution> {
    let delay = this.#polling.initialDelayMs;
    for (;;) {
      const { QueryExecution: execution } = await this.#client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      const state = execution?.Status?.State;
      if (execution && state === 'SUCCEEDED') return execution;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason =
          execution?.Status?.StateChangeReason ??
          execution?.Status?.AthenaError?.ErrorMessage ??
          'no reason given';
        throw new AthenaQueryError(`Athena query ${id} ${state}: ${reason}`, id, state);
      }
      await this.#sleep(delay);
      delay = Math.min(delay * 2, this.#polling.maxDelayMs);
    }
  }

  async #readResults(
    id: string,
    statementType: string | undefined,
  ): Promise<{ columns: QueryColumn[]; rows: Record<string, unknown>[] }> {
    let columns: QueryColumn[] = [];
    const rows: Record<string, unknown>[] = [];
    let nextToken: string | undefined;
    let firstPage = true;
    do {
      const page = await this.#client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, NextToken: nextToken }),
      );
      let pageRows = page.ResultSet?.Rows ?? [];
      if (firstPage) {
        const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = columnsOf(info);
        if (startsWithHeader(pageRows, info, statementType)) pageRows = pageRows.slice(1);
      }
      for (const row of pageRows) rows.push(rowObject(row, columns));
      nextToken = page.NextToken;
      firstPage = false;
    } while (nextToken);
    return { columns, rows };
  }

  /**
   * The column types come from one one-row `GetQueryResults` (the CSV carries names only); the rows from the
   * file, parsed as it streams, its header row checked against those names.
   */
  async #readResultFile(
    id: string,
    outputLocation: string,
  ): Promise<{ columns: QueryColumn[]; rows: Record<string, unknown>[] }> {
    const first = await this.#client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1 }),
    );
    const info = first.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    const columns = columnsOf(info);
    const location = /^s3:\/\/([^/]+)\/(.+)$/.exec(outputLocation);
    if (!location)
      throw new AthenaSqlEngineError(`query ${id}: output location '${outputLocation}' is not s3://`);
    const [, bucket, key] = location as unknown as [string, string, string];
    const s3 = this.#target.s3 ?? s3Client();
    let body: AsyncIterable<Uint8Array>;
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      body = object.Body as AsyncIterable<Uint8Array>;
    } catch (error) {
      throw new AthenaSqlEngineError(`cannot read the result file of query ${id}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    const rows: Record<string, unknown>[] = [];
    let header = true;
    for await (const fields of athenaCsvRows(body)) {
      if (header) {
        header = false;
        const names = info.map((column) => column.Name ?? '');
        if (fields.length !== names.length || names.some((name, i) => fields[i] !== name)) {
          throw new AthenaSqlEngineError(`query ${id}: the result file's header is not the query's columns`);
        }
        continue;
      }
      rows.push(fieldsObject(fields, columns));
    }
    return { columns, rows };
  }
}

function newAthenaClient(region: string | undefined): AthenaClient {
  return new AthenaClient({
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 30_000 }),
    ...(region ? { region } : {}),
  });
}

/**
 * A parameter as the literal Athena substitutes for its `?`. Athena parses each execution parameter on its
 * own as one literal, so a quote in a string (doubled here, as SQL escapes it) cannot end the literal or reach
 * the query text.
 */
function executionParameter(value: Param): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AthenaSqlEngineError(`cannot pass ${value} as a query parameter`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

function columnsOf(info: readonly ColumnInfo[]): QueryColumn[] {
  const names = uniqueColumnNames(info.map((column) => column.Name ?? ''));
  return info.map((column, i) => ({ name: names[i] ?? '', type: column.Type ?? 'varchar' }));
}

/**
 * The first row of a SELECT's first page repeats the column names. Other statements (SHOW, DESCRIBE) have no
 * such row, so for them it is dropped only when it is exactly the column names.
 */
function startsWithHeader(
  rows: readonly Row[],
  info: readonly ColumnInfo[],
  statementType: string | undefined,
): boolean {
  const first = rows[0];
  if (!first) return false;
  if (statementType === 'DML') return true;
  const values = first.Data ?? [];
  return values.length === info.length && info.every((column, i) => values[i]?.VarCharValue === column.Name);
}

function rowObject(row: Row, columns: readonly QueryColumn[]): Record<string, unknown> {
  return fieldsObject(
    (row.Data ?? []).map((datum) => datum.VarCharValue),
    columns,
  );
}

function fieldsObject(fields: readonly (string | undefined)[], columns: readonly QueryColumn[]) {
  const object: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    object[column.name] = typedValue(fields[i], column.type);
  });
  return object;
}

/** Athena returns every value as text (NULL as no text); the column type says what it was. */
function typedValue(text: string | undefined, athenaType: string): unknown {
  if (text === undefined) return null;
  switch (athenaType.toLowerCase()) {
    case 'boolean':
      return text === 'true';
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
      return Number(text);
    case 'bigint':
      return jsonSafeInteger(text);
    case 'real':
    case 'float':
    case 'double':
      return jsonSafeFloat(Number(text));
    case 'decimal':
      return jsonSafeDecimal(text);
    case 'timestamp':
    case 'timestamp with time zone':
      return isoUtcTimestamp(text);
    default:
      return text;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
