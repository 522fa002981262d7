import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, type GetObjectCommandInput } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { AthenaResultFileError, athenaCsvRows } from '../../../shared/adapters/athena-result-csv.ts';
import { AthenaSqlEngine } from '../../../shared/adapters/athena-sql-engine.ts';
import { stubbedClient, stubbedS3Client, testClientConfig } from '../../fixtures/stubbed-client.ts';

async function rowsOf(chunks: readonly string[]) {
  const rows: (string | undefined)[][] = [];
  async function* stream() {
    for (const chunk of chunks) yield new TextEncoder().encode(chunk);
  }
  for await (const row of athenaCsvRows(stream())) rows.push(row);
  return rows;
}

// Athena's dialect: every value quoted, a quote doubled, NULL an unquoted empty field, `""` the empty string.
const file = '"name","note"\n"x,1","say ""hi"""\n,""\n"two\nlines",\n';
const expected = [
  ['name', 'note'],
  ['x,1', 'say "hi"'],
  [undefined, ''],
  ['two\nlines', undefined],
];

describe('athenaCsvRows', () => {
  it('reads quoted values, doubled quotes, NULLs apart from empty strings, and newlines inside quotes', async () => {
    // Act
    const rows = await rowsOf([file]);

    // Assess
    expect(rows).toEqual(expected);
  });

  it('gives the same rows however the bytes are split into chunks', async () => {
    for (let cut = 1; cut < file.length; cut += 1) {
      // Act
      const rows = await rowsOf([file.slice(0, cut), file.slice(cut)]);

      // Assess
      expect(rows, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('reads a last row without its newline, and a one-column NULL row (an empty line)', async () => {
    // Act
    const rows = await rowsOf(['"n"\n\n"3"']);

    // Assess
    expect(rows).toEqual([['n'], [undefined], ['3']]);
  });

  it('refuses an unterminated quote and text after a closing quote', async () => {
    // Act / Assess
    await expect(rowsOf(['"a","b\n'])).rejects.toThrow(AthenaResultFileError);
    await expect(rowsOf(['"a"x,"b"\n'])).rejects.toThrow(/row 1: text after a closing quote/);
  });
});

describe('AthenaSqlEngine with results: file', () => {
  const columns = [
    { Name: 'profile_id', Type: 'varchar' },
    { Name: 'x', Type: 'bigint' },
    { Name: 'satisfaction', Type: 'double' },
  ];

  function fakes(statementType: 'DML' | 'UTILITY', csv: string) {
    const athena = stubbedClient(new AthenaClient(testClientConfig), (command) => {
      if (command instanceof StartQueryExecutionCommand) return { QueryExecutionId: 'q-1' };
      if (command instanceof GetQueryExecutionCommand) {
        return {
          QueryExecution: {
            StatementType: statementType,
            Status: { State: 'SUCCEEDED' },
            Statistics: { DataScannedInBytes: 0 },
            ResultConfiguration: { OutputLocation: 's3://cdp-results/athena/q-1.csv' },
          },
        };
      }
      if (command instanceof GetQueryResultsCommand) {
        return {
          ResultSet: {
            ResultSetMetadata: { ColumnInfo: columns },
            Rows: [{ Data: columns.map((column) => ({ VarCharValue: column.Name })) }],
          },
        };
      }
      throw new Error('unexpected Athena command');
    });
    const s3 = stubbedS3Client((command) => {
      if (!(command instanceof GetObjectCommand)) throw new Error('unexpected S3 command');
      return {
        Body: (async function* () {
          yield new TextEncoder().encode(csv);
        })(),
      };
    });
    const engine = new AthenaSqlEngine({
      client: athena.client,
      s3: s3.client,
      results: 'file',
      workgroup: 'cdp',
      database: 'cdp',
      sleep: async () => undefined,
    });
    return { engine, athena, s3 };
  }

  it("reads a SELECT's rows from the result file at its output location, typed by the column metadata", async () => {
    // Prepare
    const { engine, athena, s3 } = fakes(
      'DML',
      '"profile_id","x","satisfaction"\n"p1","3","4.5"\n"p2","0",\n',
    );

    // Act
    const result = await engine.query('SELECT …');

    // Assess: one metadata call of one row, one GET; no paging through the rows
    const pages = athena.sent.filter((command) => command instanceof GetQueryResultsCommand);
    expect(pages.map((command) => (command as GetQueryResultsCommand).input.MaxResults)).toEqual([1]);
    expect(s3.sent.map((command) => (command as { input: GetObjectCommandInput }).input)).toEqual([
      { Bucket: 'cdp-results', Key: 'athena/q-1.csv' },
    ]);
    expect(result.rows).toEqual([
      { profile_id: 'p1', x: 3, satisfaction: 4.5 },
      { profile_id: 'p2', x: 0, satisfaction: null },
    ]);
  });

  it('refuses a result file whose header is not the columns', async () => {
    // Prepare
    const { engine } = fakes('DML', '"profile_id","y","satisfaction"\n');

    // Act / Assess
    await expect(engine.query('SELECT …')).rejects.toThrow(/header is not the query's columns/);
  });

  it('reads other statements by pages: they write no CSV', async () => {
    // Prepare
    const { engine, s3 } = fakes('UTILITY', '');

    // Act
    const result = await engine.query('SHOW TABLES');

    // Assess: the first row equals the column names, so it is taken as a header and dropped
    expect(s3.sent).toEqual([]);
    expect(result.rows).toEqual([]);
  });
});
