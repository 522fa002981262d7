/**
 * The small CSV reader and writer of the file-based scoring commands: RFC 4180 via csv-parse, a header line
 * required, every record with the line it starts on so that errors can name it.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { ScoringFileError } from './errors.ts';

export interface CsvRecord {
  /** 1-based line the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvTable {
  readonly file: string;
  /** Column names as written, trimmed. */
  readonly header: readonly string[];
  readonly records: readonly CsvRecord[];
}

/** Parses `text` (the contents of `file`, named in errors); empty lines are skipped, fields trimmed. */
export function parseCsv(text: string | Buffer, file: string): CsvTable {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      info: true,
      bom: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : undefined;
      const reason = error.message.replace(/ (on|at) line \d+$/, '');
      throw new ScoringFileError(reason, line === undefined ? { file } : { file, line }, { cause: error });
    }
    throw error;
  }
  const [head, ...rest] = parsed;
  if (!head) throw new ScoringFileError('the file is empty: a header line is required', { file });
  const records = rest.map(({ record, info }) => ({
    line: info.lines - record.reduce((breaks, field) => breaks + (field.match(/\n/g)?.length ?? 0), 0),
    fields: record,
  }));
  return { file, header: head.record, records };
}

/** Column positions of `wanted` names (matched without regard to case); `undefined` for absent ones. */
export function columnIndex(table: CsvTable, name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = table.header.findIndex((column) => column.toLowerCase() === lower);
  return index < 0 ? undefined : index;
}

/** The number in `record`'s column, or a `ScoringFileError` naming file, line and column. */
export function numberField(table: CsvTable, record: CsvRecord, index: number): number {
  const text = record.fields[index] ?? '';
  const value = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw new ScoringFileError(`'${text}' is not a number`, {
      file: table.file,
      line: record.line,
      column: table.header[index] ?? String(index + 1),
    });
  }
  return value;
}

/** RFC 4180 CSV text: a header line, LF line ends, fields with a quote, comma or line break quoted. */
export function formatCsvRows(
  header: readonly string[],
  rows: Iterable<readonly (string | number)[]>,
): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
