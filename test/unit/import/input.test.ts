import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../shared/import/errors.ts';
import { type InputRow, openInput } from '../../../shared/import/input.ts';
import { type InputSpec, inputSchema } from '../../../shared/import/mapping.ts';
import { chunks } from './helpers.ts';

function csv(spec: Record<string, unknown> = {}): InputSpec {
  return inputSchema.parse({ format: 'csv', ...spec });
}

async function readAll(bytes: Uint8Array | string, spec: InputSpec, chunkBytes = 5) {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const { columns, rows } = await openInput(chunks(data, chunkBytes), spec);
  const read: InputRow[] = [];
  for await (const batch of rows) read.push(...batch);
  return { columns, rows: read };
}

describe('reading CSV', () => {
  it('drops the byte-order mark, trims header names, takes CRLF and LF, and numbers records and lines', async () => {
    // Prepare: a quoted field with the delimiter, one with a quote, one over two lines, and a blank line.
    const text =
      '\uFEFFid ,name\r\n1,"Green tea, 250g"\r\n\r\n2,"Mug ""classic"""\n3,"乌龙茶\r\n礼盒"\r\n4,last';

    // Act
    const { columns, rows } = await readAll(text, csv());

    // Assess
    expect(columns).toEqual(['id', 'name']);
    expect(rows).toEqual([
      { record: 1, line: 2, values: ['1', 'Green tea, 250g'] },
      { record: 2, line: 4, values: ['2', 'Mug "classic"'] },
      { record: 3, line: 5, values: ['3', '乌龙茶\r\n礼盒'] },
      { record: 4, line: 7, values: ['4', 'last'] },
    ]);
  });

  it('takes any delimiter, tab and multi-character ones included, and skips rows with only empty fields', async () => {
    // Act
    const semicolons = await readAll('a;b\n1;"x;y"\n;\n', csv({ delimiter: ';' }));
    const tabs = await readAll('a\tb\n1\t2\n', csv({ delimiter: '\t' }));
    const pipes = await readAll('a||b\n1||2\n', csv({ delimiter: '||' }));

    // Assess
    expect(semicolons.rows.map((row) => row.values)).toEqual([['1', 'x;y']]);
    expect(tabs.rows.map((row) => row.values)).toEqual([['1', '2']]);
    expect(pipes.rows.map((row) => row.values)).toEqual([['1', '2']]);
  });

  it('marks a row whose number of fields differs from the header', async () => {
    // Act
    const { rows } = await readAll('a,b,c\n1,2\n1,2,3,4\n', csv());

    // Assess
    expect(rows.map((row) => row.problem)).toEqual([
      'has 2 fields; the header has 3',
      'has 4 fields; the header has 3',
    ]);
  });

  it('reads files without a header row with the columns the mapping names', async () => {
    // Act
    const { columns, rows } = await readAll('1,ann\n2,bob\n', csv({ columns: ['id', 'name'] }));

    // Assess
    expect(columns).toEqual(['id', 'name']);
    expect(rows.map((row) => [row.record, row.line, row.values])).toEqual([
      [1, 1, ['1', 'ann']],
      [2, 2, ['2', 'bob']],
    ]);
  });

  it('inflates gzip, recognised by its magic bytes', async () => {
    // Act
    const { rows } = await readAll(gzipSync(Buffer.from('id\n1\n2\n')), csv(), 3);

    // Assess
    expect(rows.map((row) => row.values)).toEqual([['1'], ['2']]);
  });

  it('decodes GBK and UTF-16 (with its byte-order mark) as declared', async () => {
    // Prepare
    const text = '姓名,城市\n王小明,上海\n';

    // Act
    const gbk = await readAll(iconv.encode(text, 'gbk'), csv({ encoding: 'gbk' }));
    const utf16 = await readAll(
      iconv.encode(text, 'utf-16le', { addBOM: true }),
      csv({ encoding: 'utf-16le' }),
      3,
    );

    // Assess
    expect(gbk.columns).toEqual(['姓名', '城市']);
    expect(gbk.rows.map((row) => row.values)).toEqual([['王小明', '上海']]);
    expect(utf16.columns).toEqual(['姓名', '城市']);
    expect(utf16.rows.map((row) => row.values)).toEqual([['王小明', '上海']]);
  });

  it('fails the input as a whole when it is empty, a quote is never closed, or gzip is truncated', async () => {
    // Act
    const failures = await Promise.all([
      readAll('', csv()).catch((error: unknown) => error),
      readAll('a,b\n1,"open\n2,3\n', csv()).catch((error: unknown) => error),
      readAll(gzipSync(Buffer.from('id\n1\n')).subarray(0, 12), csv()).catch((error: unknown) => error),
    ]);

    // Assess
    expect(failures.map((failure) => failure instanceof InputError)).toEqual([true, true, true]);
    expect((failures[0] as Error).message).toBe('the input is empty: a CSV file needs a header row');
    expect((failures[1] as Error).message).toBe(
      'the input is not valid CSV: a quote opened at line 2 is never closed',
    );
  });
});

describe('reading NDJSON', () => {
  it('parses one object per line, CRLF or LF, skipping blank lines, and marks lines that are not objects', async () => {
    // Prepare
    const text = '{"id":1,"user":{"email":"a@b.co"}}\r\n\r\n{"id":2}\n{"id":\n[1,2]\n{"id":5}';

    // Act
    const { columns, rows } = await readAll(text, inputSchema.parse({ format: 'ndjson' }), 4);

    // Assess
    expect(columns).toBeUndefined();
    expect(rows.map((row) => [row.record, row.line, row.values, row.problem])).toEqual([
      [1, 1, { id: 1, user: { email: 'a@b.co' } }, undefined],
      [2, 3, { id: 2 }, undefined],
      [3, 4, {}, 'is not valid JSON'],
      [4, 5, {}, 'is not a JSON object'],
      [5, 6, { id: 5 }, undefined],
    ]);
  });
});
