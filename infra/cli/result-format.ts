/**
 * How `cdp query` prints a result: pure functions from a result to the text written on stdout. The `html`
 * format is a page written to a file instead (`shared/analytics/html.ts`).
 */
import type { QueryResult } from '../../shared/ports.ts';
import { awsListPrices } from '../../shared/pricing.ts';

export const outputFormats = ['table', 'json', 'csv', 'html'] as const;
export type OutputFormat = (typeof outputFormats)[number];
/** The formats printed on stdout. */
export type TextFormat = Exclude<OutputFormat, 'html'>;

type Printable = Pick<QueryResult, 'columns' | 'rows'>;

export function formatResult(result: Printable, format: TextFormat): string {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'json':
      return formatJson(result);
    case 'csv':
      return formatCsv(result);
  }
}

/**
 * An aligned text table for people: numbers right-aligned, NULL spelled out, nested values as JSON, line
 * breaks escaped so each row stays on one line, and the row count last.
 */
export function formatTable(result: Printable): string {
  const count = `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})\n`;
  if (result.columns.length === 0) return count;
  const header = result.columns.map((column) => column.name);
  const cells = result.rows.map((row) => result.columns.map((column) => tableCell(row[column.name])));
  const widths = header.map((name, i) =>
    Math.max(name.length, ...cells.map((row) => row[i]?.text.length ?? 0)),
  );
  const line = (texts: readonly string[]) => ` ${texts.join(' | ')}`.trimEnd();
  const lines = [
    line(header.map((name, i) => name.padEnd(widths[i] ?? 0))),
    widths.map((width) => '-'.repeat(width + 2)).join('+'),
    ...cells.map((row) =>
      line(
        row.map((cell, i) =>
          cell.right ? cell.text.padStart(widths[i] ?? 0) : cell.text.padEnd(widths[i] ?? 0),
        ),
      ),
    ),
  ];
  return `${lines.join('\n')}\n${count}`;
}

function tableCell(value: unknown): { text: string; right: boolean } {
  if (value === null || value === undefined) return { text: 'NULL', right: false };
  if (typeof value === 'number' || typeof value === 'bigint') return { text: String(value), right: true };
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return { text: text.replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t'), right: false };
}

/** A JSON array with one object per row, keys in column order; one row per line so it also reads well. */
export function formatJson(result: Printable): string {
  if (result.rows.length === 0) return '[]\n';
  const rows = result.rows.map((row) =>
    JSON.stringify(
      Object.fromEntries(result.columns.map((column) => [column.name, row[column.name] ?? null])),
    ),
  );
  return `[\n${rows.join(',\n')}\n]\n`;
}

/**
 * RFC 4180 CSV: a header line, CRLF line ends, fields with a quote, comma or line break quoted. NULL is an
 * empty field and the empty string a quoted one (`""`), so the two stay apart.
 */
export function formatCsv(result: Printable): string {
  const lines = [
    result.columns.map((column) => csvField(column.name)),
    ...result.rows.map((row) => result.columns.map((column) => csvField(row[column.name]))),
  ];
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** What an Athena query scanned and cost, e.g. `Scanned 10.0 MB (10485760 bytes), cost $0.000048 (…)`. */
export function formatScanStats(stats: QueryResult['stats']): string {
  const bytes = stats.bytesScanned ?? 0;
  const cost = stats.costUsd ?? 0;
  return (
    `Scanned ${humanBytes(bytes)}, cost $${cost.toFixed(6)} ` +
    `(${awsListPrices.region} list price of ${awsListPrices.asOf})\n`
  );
}

function humanBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
}
