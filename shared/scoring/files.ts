/**
 * The two files the scoring commands read: customer summaries (for `cdp fit`) and plain transactions (for
 * `cdp score-file` and `cdp backtest`). Pure functions of the file's text; errors name file, line and column.
 */
import { type CsvTable, columnIndex, numberField, parseCsv } from './csv.ts';
import { ScoringFileError } from './errors.ts';
import { HistoryBuilder, type PurchaseHistory } from './history.ts';
import {
  type PurchaseStatistics,
  PurchaseStatisticsBuilder,
  purchaseProblem,
  type SpendStatistics,
  SpendStatisticsBuilder,
} from './statistics.ts';
import { dayNumber, type TimeUnit } from './time.ts';

/** The summary columns, by model quantity: lifetimes' names first, then the paper's. */
const summaryColumns = {
  x: ['frequency', 'x'],
  tx: ['recency', 't_x'],
  T: ['T'],
  zbar: ['monetary_value', 'zbar', 'monetary'],
} as const;

type SummaryQuantity = keyof typeof summaryColumns;

export interface SummaryFile {
  readonly purchases: PurchaseStatistics;
  /** Present when the file has a monetary_value / zbar column. */
  readonly spend: SpendStatistics | undefined;
}

/**
 * Reads a summary file with the lifetimes columns `frequency, recency, T[, monetary_value]` or the paper's
 * `x, t_x, T[, zbar]` (other columns, such as an id, are ignored); times are in `unit`.
 */
export function readSummaryFile(
  text: string | Buffer,
  file: string,
  unit: TimeUnit,
  needs: readonly SummaryQuantity[],
): SummaryFile {
  const table = parseCsv(text, file);
  const columns = new Map<SummaryQuantity, number>();
  for (const quantity of Object.keys(summaryColumns) as SummaryQuantity[]) {
    const index = summaryColumns[quantity]
      .map((name) => columnIndex(table, name))
      .find((i) => i !== undefined);
    if (index !== undefined) columns.set(quantity, index);
  }
  for (const quantity of needs) {
    if (!columns.has(quantity)) {
      throw new ScoringFileError(
        `no ${summaryColumns[quantity].join(' or ')} column (the header is ${table.header.join(',')}); ` +
          "expected the lifetimes columns frequency,recency,T,monetary_value or the paper's x,t_x,T,zbar",
        { file, line: 1 },
      );
    }
  }
  const purchases = new PurchaseStatisticsBuilder(unit);
  const spend = columns.has('zbar') ? new SpendStatisticsBuilder() : undefined;
  const column = (quantity: SummaryQuantity) => table.header[columns.get(quantity) as number] as string;
  for (const record of table.records) {
    checkWidth(table, record.fields.length, record.line);
    const value = (quantity: SummaryQuantity) => {
      const index = columns.get(quantity);
      return index === undefined ? undefined : numberField(table, record, index);
    };
    const x = value('x');
    if (x === undefined) continue;
    if (!Number.isInteger(x) || x < 0) {
      throw new ScoringFileError(`'${x}' is not a whole number ≥ 0 of repeat purchases`, {
        file,
        line: record.line,
        column: column('x'),
      });
    }
    const tx = value('tx');
    const T = value('T');
    if (tx !== undefined && T !== undefined) {
      const problem = purchaseProblem(x, tx, T);
      if (problem) {
        throw new ScoringFileError(problem, {
          file,
          line: record.line,
          column: problem.startsWith('T ') ? column('T') : column('tx'),
        });
      }
      purchases.add(x, tx, T);
    }
    const zbar = value('zbar');
    if (spend && zbar !== undefined) {
      if (x > 0 && !(zbar > 0)) {
        throw new ScoringFileError(
          `the mean repeat purchase value must be > 0 when there are repeat purchases, got ${zbar}`,
          {
            file,
            line: record.line,
            column: column('zbar'),
          },
        );
      }
      spend.add(x, zbar);
    }
  }
  return { purchases: purchases.build(), spend: spend?.build() };
}

export interface TransactionsFile {
  readonly histories: readonly PurchaseHistory[];
  /** Extra numeric columns after customer_id, date and amount, in file order. */
  readonly attributeNames: readonly string[];
  readonly transactions: number;
  readonly firstDay: number;
  readonly lastDay: number;
}

const transactionColumns = ['customer_id', 'date', 'amount'] as const;

/**
 * Reads `customer_id,date,amount[,attribute…]` (header required): dates `YYYY-MM-DD` (or `YYYYMMDD`, or an ISO
 * timestamp with a zone, taken at its UTC date), amounts ≥ 0 in currency units; any further column is a numeric
 * behavioural attribute of the transaction (empty means 0).
 */
export function readTransactionsFile(text: string | Buffer, file: string): TransactionsFile {
  const table = parseCsv(text, file);
  const [idColumn, dateColumn, amountColumn] = transactionColumns.map((name) => {
    const index = columnIndex(table, name);
    if (index === undefined) {
      throw new ScoringFileError(
        `no ${name} column (the header is ${table.header.join(',')}); expected customer_id,date,amount`,
        { file, line: 1 },
      );
    }
    return index;
  }) as [number, number, number];
  const attributeColumns = table.header
    .map((_, index) => index)
    .filter((index) => index !== idColumn && index !== dateColumn && index !== amountColumn);
  const builder = new HistoryBuilder(attributeColumns.length);
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (const record of table.records) {
    checkWidth(table, record.fields.length, record.line);
    const place = (index: number) => ({ file, line: record.line, column: table.header[index] as string });
    const customerId = record.fields[idColumn] ?? '';
    if (customerId === '') throw new ScoringFileError('the customer id is empty', place(idColumn));
    const dateText = record.fields[dateColumn] ?? '';
    const day = dayNumber(dateText);
    if (day === undefined) {
      throw new ScoringFileError(`'${dateText}' is not a date (write YYYY-MM-DD)`, place(dateColumn));
    }
    const amount = numberField(table, record, amountColumn);
    if (amount < 0) {
      throw new ScoringFileError(
        `the amount ${amount} is negative: net refunds out of the purchase first`,
        place(amountColumn),
      );
    }
    const attributes = attributeColumns.map((index) =>
      record.fields[index] === '' ? 0 : numberField(table, record, index),
    );
    builder.add({ customerId, day, amount, attributes });
    firstDay = Math.min(firstDay, day);
    lastDay = Math.max(lastDay, day);
  }
  if (table.records.length === 0) throw new ScoringFileError('no transactions after the header', { file });
  return {
    histories: builder.histories(),
    attributeNames: attributeColumns.map((index) => table.header[index] as string),
    transactions: table.records.length,
    firstDay,
    lastDay,
  };
}

function checkWidth(table: CsvTable, width: number, line: number): void {
  if (width !== table.header.length) {
    throw new ScoringFileError(`${width} fields where the header has ${table.header.length}`, {
      file: table.file,
      line,
    });
  }
}
