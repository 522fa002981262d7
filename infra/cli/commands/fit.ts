/**
 * `cdp fit bgnbd|gamma-gamma <summary.csv>`: fits a model by maximum likelihood on a customer summary file and
 * prints its parameters and log-likelihood as one JSON object on stdout.
 */
import { parseArgs } from 'node:util';
import { fitBgNbd } from '../../../shared/scoring/bgnbd.ts';
import { readSummaryFile } from '../../../shared/scoring/files.ts';
import { fitGammaGamma } from '../../../shared/scoring/gamma-gamma.ts';
import { parseTimeUnit } from '../../../shared/scoring/time.ts';
import { type CliCommand, CliUsageError } from '../command.ts';
import { optionError, readInputFile } from './score-file.ts';

export const fitUsage = `Usage: cdp fit bgnbd <summary.csv> [--time-unit w]
       cdp fit gamma-gamma <summary.csv>

Fits a model by maximum likelihood and prints its parameters as JSON:
  bgnbd        BG/NBD (Fader, Hardie & Lee 2005): {"r","alpha","a","b","log_likelihood"}
  gamma-gamma  Gamma-Gamma spend model, on repeat buyers: {"p","q","v","log_likelihood"}

The summary file has one row per customer with the lifetimes columns frequency,recency,T,monetary_value or the
paper's x,t_x,T,zbar: repeat purchases, time from the first to the last purchase, time from the first purchase
to the end of the period, and the mean repeat purchase value. A monetary column (as cdp score-file writes) is
read as zbar; other columns are ignored.

Options:
  --time-unit d|w|m  the unit of recency and T in the file, which alpha is then in (default: w)
  -h, --help         print this help
`;

const models = ['bgnbd', 'gamma-gamma'] as const;

export const fitCommand: CliCommand = {
  name: 'fit',
  summary: 'fit BG/NBD or Gamma-Gamma to a customer summary file and print the parameters',
  async run(args, io) {
    const { values, positionals } = parseOptions(args);
    if (values.help) {
      io.stdout(fitUsage);
      return 0;
    }
    const [model, file, ...extra] = positionals;
    if (model === undefined)
      throw new CliUsageError('missing the model: cdp fit bgnbd|gamma-gamma <summary.csv>');
    if (!models.some((name) => name === model)) {
      throw new CliUsageError(`unknown model '${model}': use bgnbd or gamma-gamma`);
    }
    if (file === undefined)
      throw new CliUsageError(`missing the summary file: cdp fit ${model} <summary.csv>`);
    if (extra.length > 0) throw new CliUsageError(`unexpected argument '${extra[0]}'`);
    const unit = parseTimeUnit(values['time-unit']);
    const text = readInputFile(file);
    if (model === 'bgnbd') {
      const { purchases } = readSummaryFile(text, file, unit, ['x', 'tx', 'T']);
      const fit = fitBgNbd(purchases);
      const { r, alpha, a, b } = fit.parameters;
      io.stdout(`${JSON.stringify({ r, alpha, a, b, log_likelihood: fit.logLikelihood })}\n`);
      io.stderr(
        `BG/NBD fitted on ${fit.customers} customers (${fit.rows} distinct x, t_x, T); ` +
          `alpha is per ${unit.slice(0, -1)}\n`,
      );
      return 0;
    }
    const { spend } = readSummaryFile(text, file, unit, ['x', 'zbar']);
    const fit = fitGammaGamma(spend as NonNullable<typeof spend>);
    const { p, q, v } = fit.parameters;
    io.stdout(`${JSON.stringify({ p, q, v, log_likelihood: fit.logLikelihood })}\n`);
    io.stderr(`Gamma-Gamma fitted on ${fit.customers} repeat buyers\n`);
    return 0;
  },
};

function parseOptions(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: { 'time-unit': { type: 'string', default: 'w' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw optionError(error, 'fit');
  }
}
