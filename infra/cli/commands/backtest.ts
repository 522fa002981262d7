/**
 * `cdp backtest <transactions.csv> --cutoff DATE --until DATE`: trains the churn model on the file's history up
 * to the cutoff, labels each customer by whether they bought in (cutoff, until], and prints the AUC and
 * calibration of the model against two baselines: weeks since the last purchase, and the BG/NBD probability of
 * no purchase.
 */
import { type BacktestReport, backtest } from '../../../shared/scoring/backtest.ts';
import type { Calibration } from '../../../shared/scoring/evaluation.ts';
import { readTransactionsFile } from '../../../shared/scoring/files.ts';
import { type CliCommand, CliUsageError } from '../command.ts';
import { dateOption, numberOption, onlyFile, parseOptions, readInputFile } from './score-file.ts';

export const backtestUsage = `Usage: cdp backtest <transactions.csv> --cutoff YYYY-MM-DD --until YYYY-MM-DD [options]

Evaluates the churn model out of time. Everything is fitted on the transactions up to the cutoff; a customer
who had bought by then "churned" if they made no purchase after the cutoff up to and including --until. Prints
the AUC of the model and of two baselines (weeks since the last purchase; the BG/NBD probability of no
purchase), the Brier score and expected calibration error of the two probabilities, and their reliability.

The file is the one cdp score-file reads: customer_id,date,amount[,attributes...], header required.

Options:
  --cutoff YYYY-MM-DD   the end of the training data (required)
  --until YYYY-MM-DD    the end of the evaluation span (required)
  --l2 <lambda>         L2 penalty of the logistic regression (default: 1)
  --format table|json   output (default: table)
  -h, --help            print this help
`;

export const backtestCommand: CliCommand = {
  name: 'backtest',
  summary: 'evaluate the churn model out of time against two baselines (AUC, calibration)',
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        cutoff: { type: 'string' },
        until: { type: 'string' },
        l2: { type: 'string', default: '1' },
        format: { type: 'string', default: 'table' },
        help: { type: 'boolean', short: 'h' },
      },
      'backtest',
    );
    if (values.help) {
      io.stdout(backtestUsage);
      return 0;
    }
    const file = onlyFile(positionals, 'backtest');
    const cutoffDay = dateOption('cutoff', values.cutoff);
    const untilDay = dateOption('until', values.until);
    const l2 = numberOption('l2', values.l2 as string, 0, 1e6);
    const format = values.format;
    if (format !== 'table' && format !== 'json') {
      throw new CliUsageError(`--format must be table or json, not '${format}'`);
    }
    if (untilDay <= cutoffDay) {
      throw new CliUsageError(`--until (${values.until}) must be after --cutoff (${values.cutoff})`);
    }
    const transactions = readTransactionsFile(readInputFile(file), file);
    const report = backtest(transactions.histories, {
      cutoffDay,
      untilDay,
      l2,
      attributeNames: transactions.attributeNames,
    });
    io.stdout(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatBacktest(report));
    return 0;
  },
};

/** The report for people: one line per method, then the reliability bins side by side. */
export function formatBacktest(report: BacktestReport): string {
  const { model, baselines, churnModel } = report;
  const rate = ((100 * report.churned) / report.customers).toFixed(1);
  const methods: [string, number, Calibration | undefined][] = [
    [
      `churn model (logistic, ${churnModel.windows} x ${round(churnModel.windowDays, 1)} days)`,
      model.auc,
      model.calibration,
    ],
    ['weeks since last purchase', baselines.weeksSinceLastPurchase.auc, undefined],
    ['BG/NBD P(no purchase)', baselines.bgnbdNoPurchase.auc, baselines.bgnbdNoPurchase.calibration],
  ];
  const width = Math.max(...methods.map(([name]) => name.length));
  const lines = [
    `backtest: cutoff ${report.cutoff}, until ${report.until} (${report.horizonDays} days)`,
    `customers ${report.customers}, no purchase in the span ${report.churned} (${rate} %)`,
    `churn model trained on ${churnModel.training.rows} rows at ${churnModel.training.snapshots.join(', ')}`,
    '',
    `${'method'.padEnd(width)}  AUC     Brier   ECE`,
    ...methods.map(([name, value, calibration]) =>
      [
        name.padEnd(width),
        value.toFixed(4),
        calibration ? calibration.brier.toFixed(4) : '-     ',
        calibration ? calibration.expectedCalibrationError.toFixed(4) : '-',
      ].join('  '),
    ),
    '',
    'reliability: mean predicted -> observed rate (customers)',
    `${'bin'.padEnd(9)}  ${'churn model'.padEnd(26)}  BG/NBD`,
  ];
  for (let bin = 0; bin < 10; bin++) {
    const cell = (calibration: Calibration) => {
      const found = calibration.bins.find((candidate) => Math.round(candidate.lower * 10) === bin);
      return found
        ? `${found.meanPredicted.toFixed(3)} -> ${found.observedRate.toFixed(3)} (${found.count})`
        : '-';
    };
    const label = `${(bin / 10).toFixed(1)}-${((bin + 1) / 10).toFixed(1)}`;
    lines.push(
      [label.padEnd(9), cell(model.calibration).padEnd(26), cell(baselines.bgnbdNoPurchase.calibration)].join(
        '  ',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
