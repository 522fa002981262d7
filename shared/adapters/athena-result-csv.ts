/**
 * Athena's result file, the CSV it writes to the workgroup's output location for every SELECT, parsed as it
 * streams in. Reading it from S3 is one GET at network speed where `GetQueryResults` hands out 1,000 rows a
 * call (a million rows: about 1,000 calls one after another, minutes).
 *
 * Athena's dialect of RFC 4180: a header row of the column names, rows ended by `\n`, every value in double
 * quotes (a quote inside doubled), and NULL as an empty field **without** quotes, so `""` (the empty string)
 * and a NULL stay apart. Values may hold newlines inside their quotes.
 */
import { CdpError } from '../errors.ts';

/** The result file breaks Athena's CSV dialect (an unterminated quote, text after a closing quote). */
export class AthenaResultFileError extends CdpError {}

/** One row's fields: the text of each value, `undefined` for NULL. */
export type CsvFields = (string | undefined)[];

/**
 * The rows of `chunks` (the file's bytes in any split), the header included, one array per row.
 * @throws AthenaResultFileError on a malformed file.
 *
 * @example for await (const fields of athenaCsvRows(body)) console.log(fields);
 */
export async function* athenaCsvRows(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<CsvFields> {
  const parser = new AthenaCsvParser();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* parser.push(text);
  }
  yield* parser.push(decoder.decode());
  yield* parser.end();
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/** A push parser: text in, complete rows out; state carries across chunk boundaries. */
class AthenaCsvParser {
  #state: State = 'fieldStart';
  #field = '';
  #wasQuoted = false;
  #row: CsvFields = [];
  #rowNumber = 1;

  *push(text: string): Generator<CsvFields> {
    let i = 0;
    while (i < text.length) {
      const c = text[i] as string;
      switch (this.#state) {
        case 'quoted': {
          // Copy the run up to the next quote in one slice: values are mostly plain text.
          const quote = text.indexOf('"', i);
          if (quote === -1) {
            this.#field += text.slice(i);
            i = text.length;
            continue;
          }
          this.#field += text.slice(i, quote);
          this.#state = 'quoteInQuoted';
          i = quote + 1;
          continue;
        }
        case 'quoteInQuoted':
          if (c === '"') {
            this.#field += '"';
            this.#state = 'quoted';
          } else if (c === ',') this.#endField();
          else if (c === '\n') yield this.#endRow();
          else if (c !== '\r') {
            throw new AthenaResultFileError(`result file row ${this.#rowNumber}: text after a closing quote`);
          }
          break;
        case 'fieldStart':
          if (c === '"') {
            this.#state = 'quoted';
            this.#wasQuoted = true;
          } else if (c === ',') this.#endField();
          else if (c === '\n') yield this.#endRow();
          else if (c !== '\r') {
            this.#field += c;
            this.#state = 'unquoted';
          }
          break;
        case 'unquoted':
          if (c === ',') this.#endField();
          else if (c === '\n') yield this.#endRow();
          else if (c !== '\r') this.#field += c;
          break;
      }
      i += 1;
    }
  }

  *end(): Generator<CsvFields> {
    if (this.#state === 'quoted') {
      throw new AthenaResultFileError(`result file row ${this.#rowNumber}: a quoted value is not closed`);
    }
    // The last row may lack its newline; a file that ends with one has nothing pending.
    if (this.#state !== 'fieldStart' || this.#row.length > 0) yield this.#endRow();
  }

  #endField(): void {
    this.#row.push(this.#wasQuoted || this.#field !== '' ? this.#field : undefined);
    this.#field = '';
    this.#wasQuoted = false;
    this.#state = 'fieldStart';
  }

  #endRow(): CsvFields {
    this.#endField();
    const row = this.#row;
    this.#row = [];
    this.#rowNumber += 1;
    return row;
  }
}
