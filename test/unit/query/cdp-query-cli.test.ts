import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../infra/cli/cli.ts';
import { parseQueryCommandLine } from '../../../infra/cli/commands/query.ts';
import { eventsTable } from '../../../shared/lake/schema.ts';
import { capturedIo } from '../../fixtures/cli.ts';
import { type TempLake, tempLake, writeLakeObject } from './lake-fixture.ts';

describe('cdp query', () => {
  let lake: TempLake;

  beforeEach(async () => {
    lake = await tempLake();
    writeLakeObject(lake.lakeDir, eventsTable, 'events/dt=2026-11-22/a.parquet', [
      { message_id: 'm1', type: 'track', event: 'Order Completed', properties: '{"revenue":42.5}' },
      { message_id: 'm2', type: 'identify', user_id: 'u1' },
    ]);
  });

  afterEach(async () => {
    await lake.remove();
  });

  it('prints the rows as a JSON array and nothing else on stdout', async () => {
    // Prepare
    const io = capturedIo();
    const sql =
      "SELECT message_id, json_extract_scalar(properties, '$.revenue') AS revenue, dt FROM events ORDER BY 1";

    // Act
    const exitCode = await runCli(['query', sql, '--format', 'json', '--data-dir', lake.dataDir], io);

    // Assess
    expect(exitCode).toBe(0);
    expect(JSON.parse(io.out())).toEqual([
      { message_id: 'm1', revenue: '42.5', dt: '2026-11-22' },
      { message_id: 'm2', revenue: null, dt: '2026-11-22' },
    ]);
    expect(io.err()).toBe('');
  });

  it('reads the data dir from CDP_DATA_DIR and prints a table by default', async () => {
    // Prepare
    const io = capturedIo({ CDP_DATA_DIR: lake.dataDir });

    // Act
    const exitCode = await runCli(['query', 'SELECT count(*) AS n FROM events'], io);

    // Assess
    expect(exitCode).toBe(0);
    expect(io.out()).toBe(' n\n---\n 2\n(1 row)\n');
  });

  it("fails with DuckDB's message on one line for a SQL error", async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['query', 'SELECT nope FROM events', '--data-dir', lake.dataDir], io);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toMatch(/^cdp query: Binder Error: Referenced column "nope" not found[^\n]*\n$/);
    expect(io.out()).toBe('');
  });

  it('tells to run npm start or set CDP_DATA_DIR when the data dir is missing', async () => {
    // Prepare
    const missing = join(lake.dataDir, 'not-there');
    const io = capturedIo({ CDP_DATA_DIR: missing });

    // Act
    const exitCode = await runCli(['query', 'SELECT 1'], io);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toBe(
      `cdp query: no local data dir at ${missing}: run \`npm start\` first, or set CDP_DATA_DIR (or --data-dir) to it\n`,
    );
  });

  it('rejects an unknown option with a one-line message', async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['query', 'SELECT 1', '--limit', '5'], io);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toBe("cdp query: unknown option '--limit' (see cdp query --help)\n");
  });

  it('prints usage for cdp --help and cdp query --help', async () => {
    // Prepare
    const top = capturedIo();
    const query = capturedIo();

    // Act
    const codes = [await runCli(['--help'], top), await runCli(['query', '--help'], query)];

    // Assess
    expect(codes).toEqual([0, 0]);
    expect(top.out()).toMatch(/^ {2}query +run SQL or a named analysis over the lake/m);
    expect(query.out()).toContain('Usage: cdp query "<SQL>" [options]');
    expect(query.out()).toContain('cdp query <analysis> [--param name=value]... [options]');
    expect(query.out()).toContain('--engine duckdb|athena');
  });

  it('rejects an unknown command', async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['qurey', 'SELECT 1'], io);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toBe("cdp: unknown command 'qurey' (run cdp --help for the commands)\n");
  });
});

describe('cdp query command line', () => {
  it('defaults to DuckDB, a table, and the cdp workgroup and database', () => {
    expect(parseQueryCommandLine(['SELECT 1'])).toEqual({
      target: { kind: 'sql', sql: 'SELECT 1' },
      engine: 'duckdb',
      format: 'table',
      out: undefined,
      dataDir: undefined,
      workgroup: 'cdp',
      database: 'cdp',
      region: undefined,
    });
  });

  it('takes the Athena options', () => {
    expect(
      parseQueryCommandLine([
        'SELECT 1',
        '--engine=athena',
        '--workgroup',
        'analysts',
        '--database',
        'lake',
        '--region',
        'eu-west-1',
        '--format',
        'csv',
      ]),
    ).toMatchObject({
      engine: 'athena',
      workgroup: 'analysts',
      database: 'lake',
      region: 'eu-west-1',
      format: 'csv',
    });
  });

  it('rejects values outside the choices and options of the other engine', () => {
    expect(() => parseQueryCommandLine(['SELECT 1', '--engine', 'bigquery'])).toThrow(
      "--engine must be one of duckdb, athena, not 'bigquery'",
    );
    expect(() => parseQueryCommandLine(['SELECT 1', '--format', 'xml'])).toThrow(
      "--format must be one of table, json, csv, html, not 'xml'",
    );
    expect(() => parseQueryCommandLine(['SELECT 1', '--workgroup', 'x'])).toThrow(
      '--workgroup applies to --engine athena only',
    );
    expect(() => parseQueryCommandLine(['SELECT 1', '--engine', 'athena', '--data-dir', '.cdp'])).toThrow(
      '--data-dir applies to --engine duckdb only',
    );
  });

  it('asks for exactly one SQL argument', () => {
    expect(() => parseQueryCommandLine([])).toThrow('missing the SQL or analysis');
    expect(() => parseQueryCommandLine(['SELECT', '1'])).toThrow(
      'expected one SQL argument but got 2: quote the SQL',
    );
  });
});
