/**
 * `cdp query "<SQL>"`: SQL over the lake, on DuckDB over the local data dir (default) or on Athena. Results go
 * to stdout in the chosen format; for Athena the bytes scanned and their cost follow the table, or go to
 * stderr for json and csv so that stdout stays machine-readable.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AthenaSqlEngine } from '../../../shared/adapters/athena-sql-engine.ts';
import { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import type { QueryResult, SqlEngine } from '../../../shared/ports.ts';
import { localBucketDir, localPaths } from '../../local/paths.ts';
import type { BucketName } from '../../topology.ts';
import { type CliCommand, type CliIo, CliUsageError } from '../command.ts';
import { formatResult, formatScanStats, type OutputFormat, outputFormats } from '../result-format.ts';

const engines = ['duckdb', 'athena'] as const;
type EngineName = (typeof engines)[number];

const lakeBucket: BucketName = 'lake';

export const queryUsage = `Usage: cdp query "<SQL>" [options]

Runs one SQL statement over the lake's tables (events, quarantine; see docs/lake.md).
Write Athena's spelling, e.g. json_extract_scalar(properties, '$.revenue'): it runs on both engines.

Options:
  --engine duckdb|athena   where to run it (default: duckdb, over the local data dir)
  --format table|json|csv  output (default: table); json and csv print nothing else on stdout
  --data-dir <dir>         duckdb: the local data dir (default: $CDP_DATA_DIR or .cdp)
  --workgroup <name>       athena: the workgroup (default: cdp)
  --database <name>        athena: the Glue database (default: cdp)
  --region <region>        athena: the AWS region (default: the SDK's, e.g. $AWS_REGION)
  -h, --help               print this help
`;

const options = {
  engine: { type: 'string', default: 'duckdb' },
  format: { type: 'string', default: 'table' },
  'data-dir': { type: 'string' },
  workgroup: { type: 'string' },
  database: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const athenaOnly = ['workgroup', 'database', 'region'] as const;

interface QueryCommandLine {
  readonly sql: string;
  readonly engine: EngineName;
  readonly format: OutputFormat;
  readonly dataDir: string | undefined;
  readonly workgroup: string;
  readonly database: string;
  readonly region: string | undefined;
}

export const queryCommand: CliCommand = {
  name: 'query',
  summary: 'run SQL over the lake (DuckDB locally, or Athena)',
  async run(args, io) {
    const commandLine = parseQueryCommandLine(args);
    if (commandLine === 'help') {
      io.stdout(queryUsage);
      return 0;
    }
    const engine = await openEngine(commandLine, io);
    let result: QueryResult;
    try {
      result = await engine.query(commandLine.sql);
    } finally {
      await engine.close();
    }
    io.stdout(formatResult(result, commandLine.format));
    if (result.stats.engine === 'athena') {
      (commandLine.format === 'table' ? io.stdout : io.stderr)(formatScanStats(result.stats));
    }
    return 0;
  },
};

/** The validated command line, or `help`; throws `CliUsageError` with a message the user can act on. */
export function parseQueryCommandLine(args: readonly string[]): QueryCommandLine | 'help' {
  const { values, positionals } = parseOptions(args);
  if (values.help) return 'help';
  const engine = oneOf('--engine', values.engine, engines);
  const format = oneOf('--format', values.format, outputFormats);
  if (engine === 'duckdb') {
    const misplaced = athenaOnly.find((name) => values[name] !== undefined);
    if (misplaced) throw new CliUsageError(`--${misplaced} applies to --engine athena only`);
  } else if (values['data-dir'] !== undefined) {
    throw new CliUsageError('--data-dir applies to --engine duckdb only');
  }
  const [sql, ...extra] = positionals;
  if (sql === undefined || sql.trim() === '') {
    throw new CliUsageError('missing the SQL, e.g. cdp query "SELECT count(*) FROM events"');
  }
  if (extra.length > 0) {
    throw new CliUsageError(`expected one SQL argument but got ${positionals.length}: quote the SQL`);
  }
  return {
    sql,
    engine,
    format,
    dataDir: values['data-dir'],
    workgroup: values.workgroup ?? 'cdp',
    database: values.database ?? 'cdp',
    region: values.region,
  };
}

function parseOptions(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(`${parseErrorMessage(error)} (see cdp query --help)`, { cause: error });
  }
}

async function openEngine(commandLine: QueryCommandLine, io: CliIo): Promise<SqlEngine> {
  if (commandLine.engine === 'athena') {
    const { workgroup, database, region } = commandLine;
    return new AthenaSqlEngine({ workgroup, database, ...(region ? { region } : {}) });
  }
  const paths = localPaths({ ...io.env, CDP_DATA_DIR: commandLine.dataDir ?? io.env.CDP_DATA_DIR });
  if (!existsSync(paths.root)) {
    throw new CliUsageError(
      `no local data dir at ${paths.root}: run \`npm start\` first, or set CDP_DATA_DIR (or --data-dir) to it`,
    );
  }
  return DuckDbSqlEngine.open({ lakeDir: localBucketDir(paths, lakeBucket) });
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined)
    throw new CliUsageError(`${option} must be one of ${allowed.join(', ')}, not '${value}'`);
  return match;
}

/** Node's messages add advice about `--` that does not fit here; their first sentence says what is wrong. */
function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const sentence = message.split(/\.\s/, 1)[0] ?? message;
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}
