/**
 * `cdp score [--as-of DATE]`: runs the scoring job (shared/scoring/job.ts) now, in this process, against the
 * running local platform: DuckDB over its lake folder, its S3 and DynamoDB emulators (found through the data
 * dir's endpoints.json, which `npm start` writes). What the daily `score` function does, for a date of your
 * choice; a re-run for a date replaces that date's scores partition.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { DynamoDbProfileStore } from '../../../shared/adapters/dynamodb-profile-store.ts';
import { S3ObjectStore } from '../../../shared/adapters/s3-object-store.ts';
import { lastCompleteDay, runScoringJob, type ScoringRunSummary } from '../../../shared/scoring/job.ts';
import { EMULATOR_CREDENTIALS } from '../../local/emulators.ts';
import { LOCAL_REGION } from '../../local/lambda-invoke.ts';
import { type LocalPaths, localBucketDir, localPaths } from '../../local/paths.ts';
import type { BucketName, TableName } from '../../topology.ts';
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
  --data-dir <dir>     the local data dir (default: $CDP_DATA_DIR or .cdp)
  -h, --help           print this help
`;

const lakeBucket: BucketName = 'lake';
const profilesTable: TableName = 'profiles';

export const scoreCommand: CliCommand = {
  name: 'score',
  summary: 'run the scoring job now against the local lake and profiles',
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        'as-of': { type: 'string' },
        format: { type: 'string', default: 'text' },
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
    const now = new Date();
    const asOf = values['as-of'] === undefined ? lastCompleteDay(now) : values['as-of'];
    dateOption('as-of', asOf);

    const paths = localPaths({ ...io.env, CDP_DATA_DIR: values['data-dir'] ?? io.env.CDP_DATA_DIR });
    const endpoints = localEndpoints(paths);
    const engine = await DuckDbSqlEngine.open({ lakeDir: localBucketDir(paths, lakeBucket) });
    let summary: ScoringRunSummary;
    try {
      summary = await runScoringJob(
        {
          engine,
          lake: new S3ObjectStore({ client: s3Client(endpoints.s3), bucket: lakeBucket }),
          profiles: new DynamoDbProfileStore({
            client: dynamoDbClient(endpoints.dynamodb),
            tableName: profilesTable,
          }),
        },
        { asOf, now },
      );
    } finally {
      await engine.close();
    }
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
    `scored ${summary.customers} customers as of ${summary.asOf}, horizon ${summary.horizon} (run ${summary.runId})`,
    `churn model: ${summary.churnModel}`,
    ...summary.notes.map((note) => `note: ${note}`),
    `profiles: ${profiles.written} written, ${profiles.unchanged} unchanged, ${profiles.redirected} merged ` +
      `(skipped), ${profiles.missing} without a profile`,
    `lake: ${lake.rows} rows in scores/dt=${summary.asOf}/ (${lake.replaced} earlier object(s) replaced)`,
    `segments: ${segments || '-'}`,
    '',
  ].join('\n');
}

function localEndpoints(paths: LocalPaths): { s3: string; dynamodb: string } {
  if (existsSync(paths.endpoints)) {
    const endpoints = JSON.parse(readFileSync(paths.endpoints, 'utf8')) as Record<string, unknown>;
    if (typeof endpoints.s3 === 'string' && typeof endpoints.dynamodb === 'string') {
      return { s3: endpoints.s3, dynamodb: endpoints.dynamodb };
    }
  }
  throw new CliUsageError(
    `no running local platform found (${paths.endpoints} is missing): start it with npm start, or set CDP_DATA_DIR (or --data-dir)`,
  );
}

// Clients for the emulators, configured as the local runtime configures the functions' (aws-clients.ts).
function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: EMULATOR_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function dynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS });
}
