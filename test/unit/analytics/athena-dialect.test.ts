/**
 * The dialect shim gives DuckDB Athena's answers. The expected values are Athena's (Trino's) documented
 * semantics, worked out by hand in the comments; DuckDB's own functions would answer differently where noted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { athenaDialectMacros } from '../../../shared/lake/athena-dialect.ts';
import { type TempLake, tempLake } from '../query/lake-fixture.ts';

describe('the Athena dialect on DuckDB', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;

  beforeAll(async () => {
    lake = await tempLake();
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });
  });

  afterAll(async () => {
    await engine.close();
    await lake.remove();
  });

  const one = async (sql: string, params: readonly (string | number)[] = []) =>
    (await engine.query(`SELECT ${sql} AS v`, params)).rows[0]?.v;

  it('date_diff counts whole units elapsed, as Athena does, not boundaries crossed', async () => {
    // Act
    const answers = [
      // 23:00 to 01:00 the next day is 2 hours: 0 whole days (DuckDB's own date_diff: 1, a midnight crossed)
      await one("date_diff('day', TIMESTAMP '2026-01-01 23:00:00', TIMESTAMP '2026-01-02 01:00:00')"),
      // Sunday noon to Monday noon: 1 day, 0 whole weeks (DuckDB's own: 1, a week boundary crossed)
      await one("date_diff('week', TIMESTAMP '2026-11-08 12:00:00', TIMESTAMP '2026-11-09 12:00:00')"),
      // 1.5 s backwards: -1 whole second, truncated toward zero
      await one("date_diff('second', TIMESTAMP '2026-01-01 00:00:01.500', TIMESTAMP '2026-01-01 00:00:00')"),
      // 30 minutes and 1 ms in milliseconds: 30 × 60000 + 1
      await one(
        "date_diff('millisecond', TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-01 00:30:00.001')",
      ),
      // Monday 2026-11-02 to Monday 2026-11-23: 3 weeks; the unit may be a bound parameter
      await one("date_diff(?, TIMESTAMP '2026-11-02 00:00:00', TIMESTAMP '2026-11-23 00:00:00')", ['week']),
    ];

    // Assess
    expect(answers).toEqual([0, 0, -1, 1_800_001, 3]);
  });

  it('approx_percentile gives the median, interpolated between the two middle values', async () => {
    // Act
    const median = async (values: string) =>
      (
        await engine.query(
          `SELECT approx_percentile(CAST(x AS double), 0.5) AS v FROM (VALUES ${values}) AS t (x)`,
        )
      ).rows[0]?.v;
    const odd = await median('(10), (40), (20)');
    const even = await median('(10), (20)');

    // Assess: the middle of 10, 20, 40 is 20; of 10, 20 it is (10 + 20) / 2
    expect([odd, even]).toEqual([20, 15]);
  });

  it('sequence counts up or down, both ends included', async () => {
    // Act
    const answers = [
      await one('sequence(1, 3)'),
      await one('sequence(3, 1)'),
      await one('sequence(0, ? - 1)', [1]),
    ];

    // Assess
    expect(answers).toEqual([[1, 2, 3], [3, 2, 1], [0]]);
  });

  it('documents every macro with the Athena behaviour it reproduces', () => {
    for (const macro of athenaDialectMacros) {
      expect(macro.sql).toContain(`MACRO ${macro.name}(`);
      expect(macro.doc.length).toBeGreaterThan(40);
    }
  });
});
