/**
 * Input files as a stream of rows, in constant memory: gzip is recognised by its magic bytes and inflated, the
 * text decoded from the declared encoding (iconv-lite: GBK, UTF-16, …; a byte-order mark is dropped), then
 * parsed as CSV (csv-parse: any delimiter, quoted fields with delimiters and line breaks, CRLF or LF) or as
 * NDJSON (one JSON object per line).
 */
import { Buffer } from 'node:buffer';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { isJsonObject } from '../events/json.ts';
import type { JsonObject } from '../events/model.ts';
import { InputError } from './errors.ts';
import type { InputSpec } from './mapping.ts';

/** One data row of the input. */
export interface InputRow {
  /** 1 for the first data row (the header row is not counted): the row's place for checkpoints. */
  readonly record: number;
  /** The line of the file the row starts on (the header is line 1): where an editor shows it. */
  readonly line: number;
  /** CSV: the fields in column order. NDJSON: the parsed object (empty when the line is not one). */
  readonly values: readonly string[] | JsonObject;
  /** NDJSON: the line as read. */
  readonly text?: string;
  /** Why the row cannot be read at all (a wrong number of fields, a line that is not JSON). */
  readonly problem?: string;
}

export interface OpenedInput {
  /** CSV: the column names, from the header row or the mapping. NDJSON: undefined (columns are keys). */
  readonly columns: readonly string[] | undefined;
  /** The rows in batches (those one chunk of input held), so reading costs one promise per chunk. */
  readonly rows: AsyncIterable<readonly InputRow[]>;
}

/** Largest CSV record: a quote that is never closed would otherwise swallow the rest of the file. */
const maxRecordBytes = 1024 * 1024;

/**
 * Opens an input: reads (for CSV without declared columns) the header row and returns the columns and the
 * rows that follow, in batches of the rows one chunk of input held. Throws `InputError` when the input is
 * empty or cannot be decoded or parsed.
 *
 * @example
 *   const { columns, rows } = await openInput(createReadStream('orders.csv'), { format: 'csv', … });
 *   for await (const batch of rows) for (const row of batch) …
 */
export async function openInput(bytes: AsyncIterable<Uint8Array>, spec: InputSpec): Promise<OpenedInput> {
  if (spec.format === 'ndjson')
    return { columns: undefined, rows: ndjsonRows(decodedText(bytes, spec.encoding)) };
  const header: { columns?: readonly string[] } = spec.columns === undefined ? {} : { columns: spec.columns };
  const batches = csvRows(bytes, spec, header)[Symbol.asyncIterator]();
  // The first batch holds the header row, unless the mapping names the columns.
  const first = await batches.next();
  const columns = header.columns;
  if (columns === undefined) throw new InputError('the input is empty: a CSV file needs a header row');
  async function* rest(): AsyncGenerator<readonly InputRow[]> {
    if (!first.done && first.value.length > 0) yield first.value;
    for (;;) {
      const next = await batches.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { columns, rows: rest() };
}

/**
 * Parsed CSV records with their record number and starting line, in batches: blank lines and all-empty rows
 * are skipped, the header row (unless `header.columns` is given) sets `header.columns`, and a row whose number
 * of fields differs from the header's carries a problem.
 */
async function* csvRows(
  bytes: AsyncIterable<Uint8Array>,
  spec: Extract<InputSpec, { format: 'csv' }>,
  header: { columns?: readonly string[] },
): AsyncGenerator<readonly InputRow[]> {
  const parser = parse({
    delimiter: spec.delimiter,
    quote: spec.quote,
    escape: spec.quote,
    record_delimiter: ['\r\n', '\n', '\r'],
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: maxRecordBytes,
  });
  // csv-parse reads UTF-8 itself; other encodings are decoded first and handed over as text.
  const source = Readable.from(isUtf8(spec.encoding) ? inflated(bytes) : decodedText(bytes, spec.encoding));
  const records = pipeline(source, parser, () => {});
  let failure: unknown;
  let ended = false;
  // Set by the parser's events, which may come while the consumer holds a batch: none is missed.
  let signalled = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    signalled = true;
    wake?.();
    wake = undefined;
  };
  records.on('readable', signal);
  records.on('end', () => {
    ended = true;
    signal();
  });
  records.on('error', (error) => {
    failure = error;
    signal();
  });
  let record = 0;
  let line = 1;
  let columnCount = header.columns?.length ?? -1;
  for (;;) {
    signalled = false;
    // Drain what the parser has buffered synchronously: one promise per chunk, not one per row.
    const batch: InputRow[] = [];
    for (let values = records.read() as string[] | null; values !== null; values = records.read()) {
      const start = line;
      line += 1 + lineBreaksIn(values);
      if (isBlank(values)) continue;
      if (columnCount === -1) {
        header.columns = values.map((name, index) =>
          (index === 0 ? name.replace(/^\uFEFF/, '') : name).trim(),
        );
        columnCount = values.length;
        continue;
      }
      record += 1;
      batch.push(
        values.length === columnCount
          ? { record, line: start, values }
          : {
              record,
              line: start,
              values,
              problem: `has ${values.length} fields; the header has ${columnCount}`,
            },
      );
    }
    if (batch.length > 0) yield batch;
    if (failure !== undefined) throw inputError(failure, line);
    if (ended) return;
    if (!signalled) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }
}

function isBlank(values: readonly string[]): boolean {
  for (const value of values) if (value !== '' && value.trim() !== '') return false;
  return true;
}

function lineBreaksIn(values: readonly string[]): number {
  let count = 0;
  for (const value of values) {
    if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) continue;
    count += value.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return count;
}

async function* ndjsonRows(text: AsyncIterable<string>): AsyncGenerator<readonly InputRow[]> {
  let pending = '';
  let line = 0;
  let record = 0;
  const row = (lineText: string): InputRow | undefined => {
    line += 1;
    const trimmed = lineText.trim();
    if (trimmed === '') return undefined;
    record += 1;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { record, line, values: {}, text: lineText, problem: 'is not valid JSON' };
    }
    return isJsonObject(value)
      ? { record, line, values: value, text: lineText }
      : { record, line, values: {}, text: lineText, problem: 'is not a JSON object' };
  };
  for await (const chunk of text) {
    pending += chunk;
    const batch: InputRow[] = [];
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      const lineText = pending.slice(start, end).replace(/\r$/, '');
      start = end + 1;
      const next = row(lineText);
      if (next) batch.push(next);
    }
    pending = pending.slice(start);
    if (batch.length > 0) yield batch;
  }
  const last = row(pending.replace(/\r$/, ''));
  if (last) yield [last];
}

/** The input's bytes, inflated when they start with the gzip magic bytes. */
async function* inflated(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  // Through a generator, so that a plain array of chunks works as well as a file stream.
  const iterator = (async function* () {
    yield* bytes;
  })();
  const head: Buffer[] = [];
  let headLength = 0;
  while (headLength < 2) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = asBuffer(next.value);
    head.push(chunk);
    headLength += chunk.byteLength;
  }
  const first = Buffer.concat(head);
  async function* all(): AsyncGenerator<Buffer> {
    if (first.byteLength > 0) yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield asBuffer(next.value);
    }
  }
  if (first[0] !== 0x1f || first[1] !== 0x8b) {
    yield* all();
    return;
  }
  const gunzip = pipeline(Readable.from(all()), createGunzip(), () => {});
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    throw new InputError('the input starts like gzip but does not inflate: a truncated or corrupt file?', {
      cause: error,
    });
  }
}

/** The input as text in the declared encoding, byte-order mark removed. */
async function* decodedText(bytes: AsyncIterable<Uint8Array>, encoding: string): AsyncGenerator<string> {
  const decoder = iconv.getDecoder(encoding);
  for await (const chunk of inflated(bytes)) {
    const text = decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function isUtf8(encoding: string): boolean {
  return /^utf-?8$/i.test(encoding);
}

function inputError(error: unknown, line: number): unknown {
  if (error instanceof InputError) return error;
  if (error instanceof CsvError) {
    const reason =
      error.code === 'CSV_MAX_RECORD_SIZE'
        ? `a row starting at line ${line} is larger than 1 MiB: a quote that is never closed?`
        : error.code === 'CSV_QUOTE_NOT_CLOSED'
          ? `a quote opened at line ${line} is never closed`
          : `line ${line}: ${error.message}`;
    return new InputError(`the input is not valid CSV: ${reason}`, { cause: error });
  }
  return error;
}
