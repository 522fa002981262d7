import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbQueryError, DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { eventsTable, quarantineTable } from '../../../shared/lake/schema.ts';
import { type TempLake, tempLake, writeLakeObject } from './lake-fixture.ts';

const order = {
  message_id: 'm-order',
  type: 'track',
  event: 'Order Completed',
  user_id: 'u1',
  timestamp: new Date('2026-11-22T10:15:00.250Z'),
  properties: '{"revenue":42.5,"currency":"EUR","items":[{"sku":"a"}],"coupon":null}',
  schema_version: 1,
};
const page = {
  message_id: 'm-page',
  type: 'page',
  name: 'Home',
  anonymous_id: "o'brien",
  timestamp: new Date('2026-11-23T00:00:01.000Z'),
  properties: '{"path":"/"}',
  schema_version: 1,
};

describe('DuckDbSqlEngine', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine | undefined;

  beforeEach(async () => {
    lake = await tempLake();
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await lake.remove();
  });

  const writeEvents = () => {
    writeLakeObject(lake.lakeDir, eventsTable, 'events/dt=2026-11-22/a.parquet', [order]);
    writeLakeObject(lake.lakeDir, eventsTable, 'events/dt=2026-11-23/b.parquet', [page]);
  };

  it('exposes exactly the schema columns with their types and the dt partition last', async () => {
    // Prepare
    writeEvents();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query('SELECT * FROM events');

    // Assess
    expect(result.columns.map((column) => column.name)).toEqual([
      ...eventsTable.columns.map((column) => column.name),
      'dt',
    ]);
    const typeOf = (name: string) => result.columns.find((column) => column.name === name)?.type;
    expect([
      typeOf('event'),
      typeOf('timestamp'),
      typeOf('properties'),
      typeOf('schema_version'),
      typeOf('dt'),
    ]).toEqual(['VARCHAR', 'TIMESTAMP', 'JSON', 'INTEGER', 'VARCHAR']);
    expect(result.stats).toEqual({ engine: 'duckdb' });
  });

  it('reads the dt partition from the folder name as YYYY-MM-DD text', async () => {
    // Prepare
    writeEvents();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query('SELECT message_id, dt FROM events ORDER BY dt');

    // Assess
    expect(result.rows).toEqual([
      { message_id: 'm-order', dt: '2026-11-22' },
      { message_id: 'm-page', dt: '2026-11-23' },
    ]);
  });

  it('returns timestamps as ISO 8601 UTC text, JSON columns as their text, and missing columns as null', async () => {
    // Prepare
    writeEvents();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query(
      'SELECT timestamp, properties, traits, schema_version, current_setting(?) AS zone FROM events WHERE message_id = ?',
      ['TimeZone', 'm-order'],
    );

    // Assess
    expect(result.rows).toEqual([
      {
        timestamp: '2026-11-22T10:15:00.250Z',
        properties: '{"revenue":42.5,"currency":"EUR","items":[{"sku":"a"}],"coupon":null}',
        traits: null,
        schema_version: 1,
        zone: 'UTC',
      },
    ]);
  });

  it("reaches into JSON columns with ->> and with Athena's json_extract_scalar", async () => {
    // Prepare
    writeEvents();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query(
      `SELECT properties->>'$.currency' AS arrow, json_extract_scalar(properties, '$.revenue') AS revenue,
              json_extract_scalar(properties, '$.items') AS items, json_extract_scalar(properties, '$.coupon') AS coupon,
              json_extract_scalar(properties, '$.missing') AS missing
       FROM events WHERE event = 'Order Completed'`,
    );

    // Assess: like Athena, json_extract_scalar gives text for scalars and null for arrays, objects and null
    expect(result.rows).toEqual([
      { arrow: 'EUR', revenue: '42.5', items: null, coupon: null, missing: null },
    ]);
  });

  it('returns no rows but every column for a table that has no files yet', async () => {
    // Prepare
    writeEvents();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query('SELECT * FROM quarantine');

    // Assess
    expect(result.rows).toEqual([]);
    expect(result.columns.map((column) => column.name)).toEqual([
      ...quarantineTable.columns.map((column) => column.name),
      'dt',
    ]);
    expect(result.columns.find((column) => column.name === 'received_at')?.type).toBe('TIMESTAMP');
  });

  it('stands in events_stitched: the events with profile_id = the user id, else the anonymous id', async () => {
    // Prepare
    writeEvents();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query('SELECT message_id, profile_id, dt FROM events_stitched ORDER BY 1');
    const all = await engine.query('SELECT * FROM events_stitched LIMIT 0');

    // Assess: the order has user u1; the page only the anonymous id o'brien
    expect(result.rows).toEqual([
      { message_id: 'm-order', profile_id: 'u1', dt: '2026-11-22' },
      { message_id: 'm-page', profile_id: "o'brien", dt: '2026-11-23' },
    ]);
    expect(all.columns.map((column) => column.name)).toEqual([
      ...eventsTable.columns.map((column) => column.name),
      'dt',
      'profile_id',
    ]);
  });

  it('answers queries over an empty lake with zero rows', async () => {
    // Prepare
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query('SELECT count(*) AS n, max(timestamp) AS latest FROM events');

    // Assess
    expect(result.rows).toEqual([{ n: 0, latest: null }]);
  });

  it('sees objects written after it was opened', async () => {
    // Prepare
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });
    const before = await engine.query('SELECT count(*) AS n FROM events');
    writeEvents();

    // Act
    const after = await engine.query('SELECT count(*) AS n FROM events');

    // Assess
    expect(before.rows).toEqual([{ n: 0 }]);
    expect(after.rows).toEqual([{ n: 2 }]);
  });

  it('binds parameters, so a value with a quote is matched literally', async () => {
    // Prepare
    writeEvents();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query('SELECT message_id FROM events WHERE anonymous_id = ?', ["o'brien"]);

    // Assess
    expect(result.rows).toEqual([{ message_id: 'm-page' }]);
  });

  it('treats an injection attempt in a parameter as a plain value: no rows, no error, nothing dropped', async () => {
    // Prepare
    writeEvents();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const injected = await engine.query('SELECT message_id FROM events WHERE message_id = ?', [
      "x' OR '1'='1'; DROP VIEW events; --",
    ]);
    const remaining = await engine.query('SELECT count(*) AS n FROM events');

    // Assess
    expect(injected.rows).toEqual([]);
    expect(remaining.rows).toEqual([{ n: 2 }]);
  });

  it('binds numbers, booleans and null by their type', async () => {
    // Prepare
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query('SELECT ? + 1 AS i, ? * 2 AS f, NOT ? AS b, ? IS NULL AS n', [
      41,
      1.25,
      false,
      null,
    ]);

    // Assess
    expect(result.rows).toEqual([{ i: 42, f: 2.5, b: true, n: true }]);
  });

  it('returns integers beyond 2^53 as text and safe ones as numbers', async () => {
    // Prepare
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query(
      'SELECT 9007199254740993::BIGINT AS big, 9007199254740991::BIGINT AS safe',
    );

    // Assess
    expect(result.rows).toEqual([{ big: '9007199254740993', safe: 9007199254740991 }]);
  });

  it('rejects a parameter count that does not match the placeholders', async () => {
    // Prepare
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const running = engine.query('SELECT ? AS a, ? AS b', ['only one']);

    // Assess
    await expect(running).rejects.toThrow('the query has 2 ? placeholders but 1 parameters were given');
  });

  it("reports a SQL error with DuckDB's message and keeps working afterwards", async () => {
    // Prepare
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const failing = engine.query('SELECT nope FROM events');

    // Assess
    await expect(failing).rejects.toBeInstanceOf(DuckDbQueryError);
    await expect(failing).rejects.toThrow(/Referenced column "nope" not found/);
    expect((await engine.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
