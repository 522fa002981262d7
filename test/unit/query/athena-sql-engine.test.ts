import {
  type AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { AthenaQueryError, AthenaSqlEngine } from '../../../shared/adapters/athena-sql-engine.ts';

type Page = NonNullable<GetQueryResultsCommandOutput['ResultSet']>;

interface FakeAthenaScript {
  readonly states?: readonly QueryExecutionState[];
  readonly stateChangeReason?: string;
  readonly statementType?: 'DML' | 'DDL' | 'UTILITY';
  readonly bytesScanned?: number;
  readonly pages?: readonly Page[];
}

/** An Athena that runs one query through the given states and serves the given result pages. */
function fakeAthena(script: FakeAthenaScript) {
  const started: StartQueryExecutionCommandInput[] = [];
  const resultRequests: { token: string | undefined }[] = [];
  const states = [...(script.states ?? ['SUCCEEDED'])];
  const pages = script.pages ?? [];
  let statusChecks = 0;
  const client = {
    async send(command: unknown): Promise<unknown> {
      if (command instanceof StartQueryExecutionCommand) {
        started.push(command.input);
        return { QueryExecutionId: 'q-1' };
      }
      if (command instanceof GetQueryExecutionCommand) {
        const state = states[Math.min(statusChecks, states.length - 1)];
        statusChecks += 1;
        const output: Partial<GetQueryExecutionCommandOutput> = {
          QueryExecution: {
            QueryExecutionId: command.input.QueryExecutionId,
            StatementType: script.statementType ?? 'DML',
            Status: { State: state, StateChangeReason: script.stateChangeReason },
            Statistics: { DataScannedInBytes: script.bytesScanned ?? 0 },
          },
        };
        return output;
      }
      if (command instanceof GetQueryResultsCommand) {
        const token = command.input.NextToken;
        resultRequests.push({ token });
        const index = token === undefined ? 0 : Number(token);
        const output: Partial<GetQueryResultsCommandOutput> = {
          ResultSet: pages[index],
          NextToken: index + 1 < pages.length ? String(index + 1) : undefined,
        };
        return output;
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  return {
    client: client as unknown as AthenaClient,
    started,
    resultRequests,
    statusChecks: () => statusChecks,
  };
}

const columnInfo = (columns: readonly [string, string][]) =>
  columns.map(([Name, Type]) => ({
    Name,
    Type,
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Label: Name,
  }));
const row = (...values: (string | undefined)[]) => ({
  Data: values.map((value) => (value === undefined ? {} : { VarCharValue: value })),
});

const noWait = (slept: number[]) => async (ms: number) => {
  slept.push(ms);
};

describe('AthenaSqlEngine', () => {
  it('starts the query text unchanged in the workgroup and database, with parameters as execution parameters', async () => {
    // Prepare
    const athena = fakeAthena({ pages: [{ ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }] });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp_lake',
      catalog: 'AwsDataCatalog',
      sleep: noWait([]),
    });
    const sql = 'SELECT * FROM events WHERE anonymous_id = ? AND schema_version = ? AND ? AND ? IS NULL';

    // Act
    await engine.query(sql, ["o'brien", 1, true, null]);

    // Assess: each parameter is one literal of its own; a quote is doubled inside the string literal
    expect(athena.started).toEqual([
      {
        QueryString: sql,
        WorkGroup: 'cdp',
        QueryExecutionContext: { Database: 'cdp_lake', Catalog: 'AwsDataCatalog' },
        ExecutionParameters: ["'o''brien'", '1', 'TRUE', 'NULL'],
      },
    ]);
  });

  it('sends no execution parameters for a query without placeholders', async () => {
    // Prepare
    const athena = fakeAthena({ pages: [{ ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }] });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      sleep: noWait([]),
    });

    // Act
    await engine.query('SELECT 1');

    // Assess
    expect(athena.started[0]).toEqual({
      QueryString: 'SELECT 1',
      WorkGroup: 'cdp',
      QueryExecutionContext: { Database: 'cdp' },
    });
  });

  it('polls with exponentially growing waits, capped, until the query succeeds', async () => {
    // Prepare
    const athena = fakeAthena({
      states: ['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'],
      pages: [{ ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }],
    });
    const slept: number[] = [];
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      polling: { initialDelayMs: 100, maxDelayMs: 500 },
      sleep: noWait(slept),
    });

    // Act
    await engine.query('SELECT 1');

    // Assess
    expect(slept).toEqual([100, 200, 400, 500, 500]);
    expect(athena.statusChecks()).toBe(6);
  });

  it("fails with Athena's reason when the query fails", async () => {
    // Prepare
    const athena = fakeAthena({
      states: ['RUNNING', 'FAILED'],
      stateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
    });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      sleep: noWait([]),
    });

    // Act
    const running = engine.query('SELECT nope FROM events');

    // Assess
    await expect(running).rejects.toBeInstanceOf(AthenaQueryError);
    await expect(running).rejects.toThrow(
      "Athena query q-1 FAILED: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
    );
  });

  it('fails when the query is cancelled', async () => {
    // Prepare
    const athena = fakeAthena({ states: ['CANCELLED'], stateChangeReason: 'Query cancelled by user' });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      sleep: noWait([]),
    });

    // Act
    const running = engine.query('SELECT 1');

    // Assess
    await expect(running).rejects.toThrow('Athena query q-1 CANCELLED: Query cancelled by user');
  });

  it('reads every result page, drops the header row of the first page only, and types values by column', async () => {
    // Prepare
    const ColumnInfo = columnInfo([
      ['message_id', 'varchar'],
      ['n', 'bigint'],
      ['big', 'bigint'],
      ['revenue', 'double'],
      ['price', 'decimal'],
      ['ok', 'boolean'],
      ['ts', 'timestamp'],
      ['dt', 'varchar'],
    ]);
    const athena = fakeAthena({
      pages: [
        {
          ResultSetMetadata: { ColumnInfo },
          Rows: [
            row('message_id', 'n', 'big', 'revenue', 'price', 'ok', 'ts', 'dt'),
            row(
              'm1',
              '3',
              '9007199254740993',
              '42.5',
              '19.90',
              'true',
              '2026-11-22 10:15:00.250',
              '2026-11-22',
            ),
          ],
        },
        {
          ResultSetMetadata: { ColumnInfo },
          Rows: [row('message_id', undefined, undefined, 'NaN', undefined, 'false', undefined, '')],
        },
      ],
    });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      sleep: noWait([]),
    });

    // Act
    const result = await engine.query('SELECT …');

    // Assess: a data row that happens to equal a column name on a later page is kept
    expect(athena.resultRequests).toEqual([{ token: undefined }, { token: '1' }]);
    expect(result.columns).toEqual([
      { name: 'message_id', type: 'varchar' },
      { name: 'n', type: 'bigint' },
      { name: 'big', type: 'bigint' },
      { name: 'revenue', type: 'double' },
      { name: 'price', type: 'decimal' },
      { name: 'ok', type: 'boolean' },
      { name: 'ts', type: 'timestamp' },
      { name: 'dt', type: 'varchar' },
    ]);
    expect(result.rows).toEqual([
      {
        message_id: 'm1',
        n: 3,
        big: '9007199254740993',
        revenue: 42.5,
        price: 19.9,
        ok: true,
        ts: '2026-11-22T10:15:00.250Z',
        dt: '2026-11-22',
      },
      {
        message_id: 'message_id',
        n: null,
        big: null,
        revenue: 'NaN',
        price: null,
        ok: false,
        ts: null,
        dt: '',
      },
    ]);
  });

  it('keeps the first row of a statement that has no header row', async () => {
    // Prepare
    const athena = fakeAthena({
      statementType: 'UTILITY',
      pages: [
        { ResultSetMetadata: { ColumnInfo: columnInfo([['tab_name', 'string']]) }, Rows: [row('events')] },
      ],
    });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      sleep: noWait([]),
    });

    // Act
    const result = await engine.query('SHOW TABLES');

    // Assess
    expect(result.rows).toEqual([{ tab_name: 'events' }]);
  });

  it('reports the bytes scanned and their cost at $5 per TB', async () => {
    // Prepare
    const athena = fakeAthena({
      bytesScanned: 2 ** 40,
      pages: [{ ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }],
    });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      sleep: noWait([]),
    });

    // Act
    const result = await engine.query('SELECT * FROM events');

    // Assess
    expect(result.stats).toEqual({ engine: 'athena', bytesScanned: 2 ** 40, costUsd: 5 });
  });

  it('charges a small query for the 10 MB minimum', async () => {
    // Prepare
    const athena = fakeAthena({
      bytesScanned: 1234,
      pages: [{ ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }],
    });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      sleep: noWait([]),
    });

    // Act
    const result = await engine.query('SELECT count(*) FROM events');

    // Assess: 10 MB of a TB at $5 = 10 / 2^20 × 5
    expect(result.stats.bytesScanned).toBe(1234);
    expect(result.stats.costUsd).toBeCloseTo(0.0000476837, 10);
  });

  it('does not charge for a DDL statement', async () => {
    // Prepare
    const athena = fakeAthena({
      statementType: 'DDL',
      bytesScanned: 0,
      pages: [{ ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }],
    });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      workgroup: 'cdp',
      database: 'cdp',
      sleep: noWait([]),
    });

    // Act
    const result = await engine.query('MSCK REPAIR TABLE events');

    // Assess
    expect(result.stats.costUsd).toBe(0);
  });
});
