/**
 * `cdp score-file <transactions.csv> --as-of DATE`: scores a plain transactions file without the lake. The
 * models are fitted on the file's own history up to the as-of date (BG/NBD and Gamma-Gamma on sufficient
 * statistics, the churn model on out-of-time windows before that date), and every customer who had bought by
 * then gets one row of scores.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatCsvRows } from '../../../shared/scoring/csv.ts';
import { readTransactionsFile } from '../../../shared/scoring/files.ts';
import { parseSegmentTable, type SegmentTable } from '../../../shared/scoring/rfm.ts';
import { type CustomerScore, scoreHistories } from '../../../shared/scoring/score.ts';
import { dayNumber, formatDuration, parseDuration, parseTimeUnit } from '../../../shared/scoring/time.ts';
import { type CliCommand, CliUsageError } from '../command.ts';

export const scoreFileUsage = `Usage: cdp score-file <transactions.csv> --as-of YYYY-MM-DD [options]

Scores every customer of a transactions file as of a date, without the lake. The file has a header and the
columns customer_id,date,amount (date YYYY-MM-DD, amount >= 0); any further numeric column is a behavioural
attribute the churn model uses (its mean per transaction). Transactions after the as-of date are ignored.

Writes one CSV row per customer: customer_id, frequency, recency, T, monetary, r_score, f_score, m_score,
rfm_segment, p_alive, expected_purchases, p_no_purchase, clv, churn_probability, churn_risk
(frequency = repeat purchase days, recency = first to last purchase, T = first purchase to the as-of date, both
in --time-unit; monetary = mean repeat purchase value; see docs/scoring.md).

Options:
  --as-of YYYY-MM-DD        score as of the end of this day (required)
  --horizon <n>d|w|m        the span of expected_purchases, p_no_purchase, clv and churn (default: 39w)
  --time-unit d|w|m         unit of recency and T, and of the BG/NBD fit (default: w)
  --discount-rate <rate>    yearly discount rate of the CLV (default: 0.1)
  --margin <share>          share of revenue counted in the CLV (default: 1)
  --segments <rules.json>   an RFM segment table (default: the built-in table, see docs/scoring.md)
  --risk-thresholds <m,h>   churn probability from which risk is medium and high (default: 0.5,0.8)
  --out <scores.csv>        write the scores there (default: stdout)
  -h, --help                print this help
`;

const scoreColumns = [
  'customer_id',
  'frequency',
  'recency',
  'T',
  'monetary',
  'r_score',
  'f_score',
  'm_score',
  'rfm_segment',
  'p_alive',
  'expected_purchases',
  'p_no_purchase',
  'clv',
  'churn_probability',
  'churn_risk',
] as const;

export const scoreFileCommand: CliCommand = {
  name: 'score-file',
  summary: 'score customers of a transactions CSV: RFM, BG/NBD, CLV and churn risk',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      'as-of': { type: 'string' },
      horizon: { type: 'string', default: '39w' },
      'time-unit': { type: 'string', default: 'w' },
      'discount-rate': { type: 'string', default: '0.1' },
      margin: { type: 'string', default: '1' },
      segments: { type: 'string' },
      'risk-thresholds': { type: 'string', default: '0.5,0.8' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.stdout(scoreFileUsage);
      return 0;
    }
    const file = onlyFile(positionals, 'score-file');
    const asOfDay = dateOption('as-of', values['as-of']);
    const horizon = parseDuration(values.horizon as string);
    const timeUnit = parseTimeUnit(values['time-unit'] as string);
    const annualDiscountRate = numberOption('discount-rate', values['discount-rate'] as string, 0, 9.99);
    const margin = numberOption('margin', values.margin as string, 0, 1e9);
    const riskThresholds = thresholdsOption(values['risk-thresholds'] as string);
    const segments = values.segments === undefined ? undefined : readSegmentTable(values.segments);

    const transactions = readTransactionsFile(readInputFile(file), file);
    const { models, scores } = scoreHistories(transactions.histories, {
      asOfDay,
      horizon,
      timeUnit,
      annualDiscountRate,
      margin,
      riskThresholds,
      attributeNames: transactions.attributeNames,
      ...(segments ? { segments } : {}),
    });
    const csv = formatCsvRows(scoreColumns, scores.map(scoreRow));
    if (values.out === undefined) io.stdout(csv);
    else writeFileSync(values.out, csv);

    const { r, alpha, a, b } = models.bgnbd.parameters;
    const { p, q, v } = models.gammaGamma.parameters;
    const churn = models.churn;
    const where = values.out === undefined ? '' : ` -> ${values.out}`;
    io.stderr(
      [
        `scored ${scores.length} customers as of ${values['as-of']}, horizon ${formatDuration(horizon)}, ` +
          `times in ${timeUnit}${where}`,
        `BG/NBD r=${r.toFixed(4)} alpha=${alpha.toFixed(4)} a=${a.toFixed(4)} b=${b.toFixed(4)} ` +
          `(log-likelihood ${models.bgnbd.logLikelihood.toFixed(2)})`,
        `Gamma-Gamma p=${p.toFixed(4)} q=${q.toFixed(4)} v=${v.toFixed(4)} on ${models.gammaGamma.customers} repeat buyers`,
        `churn model: ${churn.windows} window(s) of ${churn.windowDays.toFixed(1)} days, ` +
          `trained on ${churn.training.rows} rows at ${churn.training.snapshots.join(', ')}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};

function scoreRow(score: CustomerScore): (string | number)[] {
  return [
    score.customerId,
    score.frequency,
    round(score.recency, 4),
    round(score.T, 4),
    score.monetary.toFixed(2),
    score.rScore,
    score.fScore,
    score.mScore,
    score.rfmSegment,
    round(score.pAlive, 6),
    round(score.expectedPurchases, 6),
    round(score.pNoPurchase, 6),
    score.clv.toFixed(2),
    round(score.churnProbability, 6),
    score.churnRisk,
  ];
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function readSegmentTable(file: string) {
  let json: unknown;
  try {
    json = JSON.parse(readInputFile(file).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw new CliUsageError(`${file}: ${error.message}`, { cause: error });
    throw error;
  }
  return parseSegmentTable(json, file) satisfies SegmentTable;
}

function thresholdsOption(value: string) {
  const [medium, high, ...rest] = value.split(',').map((part) => Number(part.trim()));
  if (
    rest.length > 0 ||
    medium === undefined ||
    high === undefined ||
    !(medium >= 0 && medium <= high && high <= 1)
  ) {
    throw new CliUsageError(
      `--risk-thresholds must be two probabilities medium,high with medium <= high, not '${value}'`,
    );
  }
  return { medium, high };
}

// Helpers shared by the scoring commands (fit, score-file, backtest).

/** The command's one file argument. */
export function onlyFile(positionals: readonly string[], command: string): string {
  const [file, ...extra] = positionals;
  if (file === undefined)
    throw new CliUsageError(`missing the transactions file (see cdp ${command} --help)`);
  if (extra.length > 0) throw new CliUsageError(`unexpected argument '${extra[0]}'`);
  return file;
}

export function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliUsageError(`cannot read ${file}${code ? ` (${code})` : ''}`, { cause: error });
  }
}

type OptionsConfig = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export function parseOptions<O extends NonNullable<OptionsConfig>>(
  args: readonly string[],
  options: O,
  command = 'score-file',
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw optionError(error, command);
  }
}

/** Node's parseArgs messages, first sentence, pointing at the command's help. */
export function optionError(error: unknown, command: string): CliUsageError {
  const message = error instanceof Error ? error.message : String(error);
  const sentence = message.split(/\.\s/, 1)[0] ?? message;
  return new CliUsageError(
    `${sentence.charAt(0).toLowerCase()}${sentence.slice(1)} (see cdp ${command} --help)`,
    {
      cause: error,
    },
  );
}

/** The day number of a `--option YYYY-MM-DD` value. */
export function dateOption(name: string, value: string | boolean | undefined): number {
  if (typeof value !== 'string') throw new CliUsageError(`--${name} YYYY-MM-DD is required`);
  const day = dayNumber(value);
  if (day === undefined) throw new CliUsageError(`--${name} '${value}' is not a date (write YYYY-MM-DD)`);
  return day;
}

/** A number option within bounds. */
export function numberOption(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max) {
    throw new CliUsageError(`--${name} must be a number from ${min} to ${max}, not '${value}'`);
  }
  return number;
}
