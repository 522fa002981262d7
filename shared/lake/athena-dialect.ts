/**
 * The dialect shim: DuckDB macros that give local SQL Athena's (Trino's) spelling and meaning, so an analysis
 * written for Athena runs unchanged on DuckDB. This is the one place for them; add a macro here when an
 * analysis needs an Athena function DuckDB lacks or means differently, with the Athena semantics it
 * reproduces (and a test in test/unit/analytics/athena-dialect.test.ts that the macro gives Athena's answer).
 *
 * Portable SQL uses the Athena spelling: `json_extract_scalar(properties, '$.revenue')` works on both
 * engines, while DuckDB's `properties->>'$.revenue'` works locally only.
 *
 * What the shim cannot paper over, and portable SQL must therefore avoid (docs/analytics.md lists them):
 * - `/` on two integers divides exactly in DuckDB (5 / 2 = 2.5) but truncates in Athena (5 / 2 = 2): cast one
 *   side to double;
 * - `regexp_replace` replaces only the first match in DuckDB, every match in Athena;
 * - DuckDB's `::` casts, `->>` operators, list literals `[1, 2]` and `x -> f(x)` lambdas are not Athena SQL;
 * - `element_at`, `cardinality`, `slice` and `array_join` do not exist for DuckDB lists, and `ARRAY[…][i]`
 *   fails in Athena when `i` is out of bounds: index arrays only within their length.
 */

export interface DialectMacro {
  readonly name: string;
  /** The Athena behaviour it reproduces. */
  readonly doc: string;
  readonly sql: string;
}

export const athenaDialectMacros: readonly DialectMacro[] = [
  {
    name: 'json_extract_scalar',
    doc:
      'json_extract_scalar(json, path): the scalar at path as varchar (strings unquoted, numbers and booleans ' +
      'as their text); NULL when the path is missing or holds null, an object or an array.',
    sql:
      'CREATE OR REPLACE MACRO json_extract_scalar(json, path) AS ' +
      "CASE WHEN json_type(json, path) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(json, path) END",
  },
  {
    name: 'date_diff',
    doc:
      'date_diff(unit, a, b): the number of whole units from a to b, truncated toward zero, as Athena counts ' +
      "them (date_diff('day', '2026-01-01 23:00', '2026-01-02 01:00') = 0). DuckDB's own date_diff counts the " +
      'unit boundaries crossed instead (1 there); its date_sub counts whole units, like Athena.',
    sql: 'CREATE OR REPLACE MACRO date_diff(unit, a, b) AS date_sub(unit, a, b)',
  },
  {
    name: 'approx_percentile',
    doc:
      'approx_percentile(x, p) over doubles: the p-quantile of x. Athena estimates it (t-digest, rank error ' +
      'about 1%); the shim computes it exactly, interpolating between the two nearest values as t-digest does ' +
      'for small inputs (the median of 10 and 20 is 15). Pass doubles: Athena answers a bigint for bigints.',
    sql: 'CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_cont(x, p)',
  },
  {
    name: 'array_min',
    doc:
      'array_min(array): the least element; NULL for an empty or NULL array. Athena answers NULL when an ' +
      'element is NULL where DuckDB skips it: use it on arrays without NULLs.',
    sql: 'CREATE OR REPLACE MACRO array_min(a) AS list_min(a)',
  },
  {
    name: 'sequence',
    doc:
      'sequence(start, stop): the integers from start to stop inclusive, counting down when stop < start ' +
      '(sequence(3, 1) = [3, 2, 1]), as an array to UNNEST.',
    sql:
      'CREATE OR REPLACE MACRO sequence(start, stop) AS CASE WHEN start <= stop ' +
      'THEN generate_series(CAST(start AS BIGINT), CAST(stop AS BIGINT)) ' +
      'ELSE generate_series(CAST(start AS BIGINT), CAST(stop AS BIGINT), -1) END',
  },
];
