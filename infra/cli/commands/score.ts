/**
 * `cdp score [--as-of DATE]`: runs the platform's daily `score` function now on the running local platform
 * (through its scheduler, like `cdp run score`, so it never overlaps a scheduled run), for a date of your
 * choice, and prints its summary. A re-run for a date replaces that date's scores partition.
 */
import { isJsonObject } from '../../../shared/events/json.ts';
import type { ScoringRunSummary } from '../../../shared/scoring/job.ts';
import { callAdminApi } from '../admin-api.ts';
import { type CliCommand, CliUsageError } from '../command.ts';
import { dateOption, parseOptions } from './score-file.ts';

export const scoreUsage = `Usage: cdp score [--as-of YYYY-MM-DD] [options]

Runs the scoring job now against the running local platform (npm start): aggregates every person's purchases
and behaviour with SQL over the lake, fits the models (RFM, BG/NBD, Gamma-Gamma, churn), writes the scores
partition of the date to the lake and changed scores to the profiles, and prints a summary. The daily score
function does the same as of yesterday. See docs/scoring.md.

Options:
  --as-of YYYY-MM-DD   score as of the end of this UTC day (default: yesterday, as the schedule does)
  --format text|json   the summary as text (default) or the job's JSON
  --url <url>          the platform's API (default: the running local platform's, else http://localhost:$PORT)
  --token <token>      the admin token (default: $CDP_ADMIN_TOKEN, else the local data dir's)
  --data-dir <dir>     the local data dir (default: $CDP_DATA_DIR or .cdp)
  -h, --help           print this help
`;

export const scoreCommand: CliCommand = {
  name: 'score',
  summary: 'run the scoring job now against the local lake and profiles',
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        'as-of': { type: 'string' },
        format: { type: 'string', default: 'text' },
        url: { type: 'string' },
        token: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      'score',
    );
    if (values.help) {
      io.stdout(scoreUsage);
      return 0;
    }
    if (positionals.length > 0) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
    const format = values.format;
    if (format !== 'text' && format !== 'json') {
      throw new CliUsageError(`--format must be text or json, not '${String(format)}'`);
    }
    const asOf = values['as-of'];
    if (asOf !== undefined) dateOption('as-of', asOf);
    const answer = (await callAdminApi(
      'POST',
      '/_local/schedules/score',
      values,
      io,
      asOf ? { asOf } : {},
    )) as { result?: ScoringRunSummary } | undefined;
    const summary = answer?.result;
    if (summary === undefined) throw new CliUsageError('the platform has no score function');
    io.stdout(format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return 0;
  },
};

/** The summary as a few lines: what was scored, where it went, and the segment counts. */
export function formatSummary(summary: ScoringRunSummary): string {
  const { profiles, lake } = summary;
  const segments = Object.entries(summary.segments)
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return [
    `scored ${summary.customers} customer(s) and ${summary.prospects} prospect(s) as of ${summary.asOf}, ` +
      `horizon ${summary.horizon} (run ${summary.runId})`,
    `churn model: ${churnLine(summary)}`,
    ...summary.notes.map((note) => `note: ${note}`),
    `profiles: ${profiles.written} written, ${profiles.unchanged} unchanged, ${profiles.redirected} merged ` +
      `(skipped), ${profiles.missing} without a profile`,
    `lake: ${lake.rows} rows in scores/dt=${summary.asOf}/ (${lake.replaced} earlier object(s) replaced)`,
    `segments: ${segments || '-'}`,
    '',
  ].join('\n');
}

/**
 * The churn model that shipped and, when it was compared out of time, the holdout AUCs it was chosen on
 * (docs/scoring.md: the behavioural model ships only when it beats purchases alone).
 */
function churnLine(summary: ScoringRunSummary): string {
  const churn = summary.models.churn;
  if (summary.churnModel !== 'logistic' || !isJsonObject(churn)) return summary.churnModel;
  const kind = churn.behaviour === true ? 'logistic on purchases and behaviour' : 'logistic on purchases';
  const holdout = isJsonObject(churn.holdout) ? churn.holdout : undefined;
  const auc = holdout && isJsonObject(holdout.auc) ? holdout.auc : undefined;
  if (auc === undefined) return kind;
  const named: [string, unknown][] = [
    ['with behaviour', auc.withBehaviour],
    ['purchases only', auc.purchasesOnly],
    ['days since last purchase', auc.daysSinceLastPurchase],
    ['BG/NBD', auc.bgnbdNoPurchase],
  ];
  const figures = named
    .filter(([, value]) => typeof value === 'number')
    .map(([name, value]) => `${name} ${(value as number).toFixed(3)}`)
    .join(', ');
  return `${kind} (holdout AUC at ${String(holdout?.snapshot)}: ${figures})`;
}
