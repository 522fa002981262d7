/**
 * How query results look to callers, whichever engine ran the query: every value is JSON-safe and the same
 * value reads the same from DuckDB and from Athena, so an analysis can be checked locally and run in AWS.
 *
 * - integers: a number when it is a safe integer, otherwise its decimal text;
 * - decimals: a number when it has at most 15 significant digits (exact as a double), otherwise its text;
 * - floating point: a number; NaN and ±Infinity as the text `NaN`, `Infinity`, `-Infinity`;
 * - timestamps: ISO 8601 text in UTC with at least milliseconds, e.g. `2026-11-22T10:00:00.000Z`;
 * - dates: `YYYY-MM-DD`; booleans: booleans; SQL NULL: `null`;
 * - JSON values (the lake's `json` columns and JSON results): their JSON text, as Athena returns them, so the
 *   caller decides whether to parse;
 * - text and anything else: text.
 */

const safeMax = BigInt(Number.MAX_SAFE_INTEGER);
const safeMin = BigInt(Number.MIN_SAFE_INTEGER);

/** An integer as a number when that is exact, else as its decimal text. */
export function jsonSafeInteger(value: bigint | string): number | string {
  const integer = typeof value === 'bigint' ? value : BigInt(value);
  return integer >= safeMin && integer <= safeMax ? Number(integer) : integer.toString();
}

const decimalText = /^[+-]?(\d*)\.?(\d*)$/;

/** A decimal's text as a number when a double holds it exactly (15 significant digits), else unchanged. */
export function jsonSafeDecimal(text: string): number | string {
  const match = decimalText.exec(text);
  if (!match) return text;
  const digits = `${match[1] ?? ''}${match[2] ?? ''}`.replace(/^0+/, '').replace(/0+$/, '');
  return digits.length <= 15 ? Number(text) : text;
}

/** A float as a number, or as text when JSON has no number for it. */
export function jsonSafeFloat(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

const timestampText = /^(-?\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:Z| UTC|\+00(?::?00)?)?$/;

/**
 * A UTC timestamp's text (DuckDB's `2026-11-22 10:00:00.5`, Athena's `2026-11-22 10:00:00.500`, either with a
 * UTC zone suffix) as ISO 8601: `2026-11-22T10:00:00.500Z`. Fractions finer than milliseconds are kept. Text
 * that is not a UTC timestamp (`infinity`, another zone) is returned unchanged.
 */
export function isoUtcTimestamp(text: string): string {
  const match = timestampText.exec(text);
  if (!match) return text;
  const [, date, time, fraction = ''] = match;
  return `${date}T${time}.${fraction.padEnd(3, '0')}Z`;
}

/**
 * Column names made unique so that every column has its own key in a row object: the second `a` becomes
 * `a:1`, the third `a:2`, skipping names already taken.
 */
export function uniqueColumnNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 1; taken.has(unique); n += 1) unique = `${name}:${n}`;
    taken.add(unique);
    return unique;
  });
}
