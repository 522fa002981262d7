import { describe, expect, it } from 'vitest';
import { formatCsv, formatJson, formatScanStats, formatTable } from '../../../infra/cli/result-format.ts';

const result = {
  columns: [
    { name: 'message_id', type: 'VARCHAR' },
    { name: 'n', type: 'BIGINT' },
    { name: 'properties', type: 'JSON' },
  ],
  rows: [
    { message_id: 'm1', n: 12, properties: '{"a":1}' },
    { message_id: 'say "hi", bye\nnow', n: null, properties: '' },
  ],
};

describe('cdp query output formats', () => {
  it('prints an aligned table with numbers on the right, NULL spelled out and the row count', () => {
    expect(formatTable(result)).toBe(
      [
        ' message_id         | n    | properties',
        '--------------------+------+------------',
        ' m1                 |   12 | {"a":1}',
        ' say "hi", bye\\nnow | NULL |',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('prints a lone row count for a result without columns', () => {
    expect(formatTable({ columns: [], rows: [] })).toBe('(0 rows)\n');
  });

  it('prints nested values of a table cell as JSON and says row for one row', () => {
    const nested = { columns: [{ name: 'l', type: 'INTEGER[]' }], rows: [{ l: [1, 2] }] };

    expect(formatTable(nested)).toBe(' l\n-------\n [1,2]\n(1 row)\n');
  });

  it('prints a JSON array with one object per row keyed by column name', () => {
    const printed = formatJson(result);

    expect(JSON.parse(printed)).toEqual([
      { message_id: 'm1', n: 12, properties: '{"a":1}' },
      { message_id: 'say "hi", bye\nnow', n: null, properties: '' },
    ]);
    expect(printed).toBe(
      '[\n{"message_id":"m1","n":12,"properties":"{\\"a\\":1}"},\n' +
        '{"message_id":"say \\"hi\\", bye\\nnow","n":null,"properties":""}\n]\n',
    );
  });

  it('prints an empty JSON array for no rows', () => {
    expect(formatJson({ columns: result.columns, rows: [] })).toBe('[]\n');
  });

  it('prints RFC 4180 CSV with a header, quoting only where needed, NULL empty and the empty string quoted', () => {
    expect(formatCsv(result)).toBe(
      'message_id,n,properties\r\nm1,12,"{""a"":1}"\r\n"say ""hi"", bye\nnow",,""\r\n',
    );
  });

  it('prints the bytes an Athena query scanned and its cost', () => {
    expect(formatScanStats({ engine: 'athena', bytesScanned: 10 * 2 ** 20, costUsd: 0.0000476837 })).toBe(
      'Scanned 10.0 MB (10485760 bytes), cost $0.000048 (us-east-1 list price of 2026-11)\n',
    );
  });
});
