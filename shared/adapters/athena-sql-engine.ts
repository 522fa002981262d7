/**
 * `SqlEngine` on Amazon Athena, over the Glue tables of the lake. A query is started in a workgroup (whose
 * settings give the result location and limits), polled with exponential backoff until it ends, and its
 * results read page by page. Parameters travel as Athena execution parameters, never in the query text.
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
    const { columns, rows } = await this.#readResults(id, execution.StatementType);
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
  const data = row.Data ?? [];
  const object: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    object[column.name] = typedValue(data[i]?.VarCharValue, column.type);
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
