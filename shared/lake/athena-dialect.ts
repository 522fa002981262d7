/**
 * The dialect shim: DuckDB macros that give local SQL Athena's (Trino's) spelling, so an analysis written for
 * Athena runs unchanged on DuckDB. This is the one place for them; add a macro here when an analysis needs
 * an Athena function DuckDB lacks or spells differently, with the Athena semantics it reproduces.
 *
 * Portable SQL uses the Athena spelling: `json_extract_scalar(properties, '$.revenue')` works on both
 * engines, while DuckDB's `properties->>'$.revenue'` works locally only.
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
];
