/**
 * `cdp query "<SQL>"` or `cdp query <analysis> --param name=value …`: SQL or a named analysis
 * (`shared/analytics/registry.ts`) over the lake, on DuckDB over the local data dir (default) or on Athena.
 * Results go to stdout in the chosen format, or to an HTML page with `--format html`; for Athena the bytes
 * scanned and their cost follow the table, or go to stderr otherwise so that stdout stays machine-readable.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AthenaSqlEngine } from '../../../shared/adapters/athena-sql-engine.ts';
import { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { renderHtmlReport } from '../../../shared/analytics/html.ts';
import {
  describeDefault,
  describeType,
  parseParameterArguments,
} from '../../../shared/analytics/parameters.ts';
import { type Analysis, analyses, findAnalysis } from '../../../shared/analytics/registry.ts';
import { prepareAnalysis, runAnalysis } from '../../../shared/analytics/run.ts';
import type { QueryResult, SqlEngine } from '../../../shared/ports.ts';
import { wrapWords } from '../../../shared/wrap.ts';
import { localBucketDir, localPaths } from '../../local/paths.ts';
import type { BucketName } from '../../topology.ts';
import { type CliCommand, type CliIo, CliUsageError } from '../command.ts';
import { formatResult, formatScanStats, type OutputFormat, outputFormats } from '../result-format.ts';

const engines = ['duckdb', 'athena'] as const;
type EngineName = (typeof engines)[number];

const lakeBucket: BucketName = 'lake';

export const queryUsage = `Usage: cdp query "<SQL>" [options]
       cdp query <analysis> [--param name=value]... [options]
       cdp query --list

Runs one SQL statement over the lake's tables and views (events, quarantine, identity_links, identity_merges,
identity_map, events_stitched; see docs/lake.md), or a named analysis
(${analyses.map((analysis) => analysis.name).join(', ')}; see docs/analytics.md and --list).
Write Athena's spelling, e.g. json_extract_scalar(properties, '$.revenue'): it runs on both engines.

Options:
  --param name=value       a parameter of the analysis (repeat for each); lists as a,b,c or ["a","b"]
  --list                   list the analyses with their parameters
  --engine duckdb|athena   where to run it (default: duckdb, over the local data dir)
  --format table|json|csv|html
                           output (default: table); json and csv print nothing else on stdout; html
                           writes a self-contained page with the analysis's chart
  --out <file.html>        html: where to write the page (default: cdp-<analysis>-<time>.html here)
  --data-dir <dir>         duckdb: the local data dir (default: $CDP_DATA_DIR or .cdp)
  --workgroup <name>       athena: the workgroup (default: cdp)
  --database <name>        athena: the Glue database (default: cdp)
  --region <region>        athena: the AWS region (default: the SDK's, e.g. $AWS_REGION)
  -h, --help               print this help
`;

const options = {
  engine: { type: 'string', default: 'duckdb' },
  format: { type: 'string', default: 'table' },
  param: { type: 'string', multiple: true },
  list: { type: 'boolean' },
  out: { type: 'string' },
  'data-dir': { type: 'string' },
  workgroup: { type: 'string' },
  database: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const athenaOnly = ['workgroup', 'database', 'region'] as const;

/** What to run: ad-hoc SQL, or a registered analysis with its parameters as given (texts). */
export type QueryTarget =
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'analysis'; readonly name: string; readonly params: Readonly<Record<string, string>> };

interface QueryCommandLine {
  readonly target: QueryTarget;
  readonly engine: EngineName;
  readonly format: OutputFormat;
  /** html: the page's path as given. */
  readonly out: string | undefined;
  readonly dataDir: string | undefined;
  readonly workgroup: string;
  readonly database: string;
  readonly region: string | undefined;
}

export const queryCommand: CliCommand = {
  name: 'query',
  summary: 'run SQL or a named analysis over the lake (DuckDB locally, or Athena)',
  async run(args, io) {
    const commandLine = parseQueryCommandLine(args);
    if (commandLine === 'help') {
      io.stdout(queryUsage);
      return 0;
    }
    if (commandLine === 'list') {
      io.stdout(formatAnalysisList(analyses));
      return 0;
    }
    const { target } = commandLine;
    // Parameters are checked before an engine is opened, so a typo fails fast and costs nothing on Athena.
    const prepared =
      target.kind === 'analysis' ? prepareAnalysis(target.name, target.params, new Date()) : undefined;
    const engine = await openEngine(commandLine, io);
    let result: QueryResult;
    try {
      result = prepared ? (await runAnalysis(engine, prepared)).result : await engine.query(sqlOf(target));
    } finally {
      await engine.close();
    }
    if (commandLine.format === 'html') {
      const path = resolve(commandLine.out ?? defaultHtmlFile(target));
      writeFileSync(
        path,
        renderHtmlReport({
          title: prepared ? prepared.analysis.title : 'Query',
          description: prepared ? prepared.analysis.description : sqlOf(target),
          ...(prepared ? { values: prepared.values, chart: prepared.analysis.chart } : {}),
          result,
          engine: result.stats.engine,
          generatedAt: new Date(),
        }),
      );
      io.stdout(`wrote ${path}\n`);
    } else {
      io.stdout(formatResult(result, commandLine.format));
    }
    if (result.stats.engine === 'athena') {
      (commandLine.format === 'table' ? io.stdout : io.stderr)(formatScanStats(result.stats));
    }
    return 0;
  },
};

/** The validated command line, `help` or `list`; throws `CliUsageError` with a message the user can act on. */
export function parseQueryCommandLine(args: readonly string[]): QueryCommandLine | 'help' | 'list' {
  const { values, positionals } = parseOptions(args);
  if (values.help) return 'help';
  if (values.list) {
    if (positionals.length > 0) throw new CliUsageError('--list takes no SQL or analysis');
    return 'list';
  }
  const engine = oneOf('--engine', values.engine, engines);
  const format = oneOf('--format', values.format, outputFormats);
  if (engine === 'duckdb') {
    const misplaced = athenaOnly.find((name) => values[name] !== undefined);
    if (misplaced) throw new CliUsageError(`--${misplaced} applies to --engine athena only`);
  } else if (values['data-dir'] !== undefined) {
    throw new CliUsageError('--data-dir applies to --engine duckdb only');
  }
  if (values.out !== undefined && format !== 'html')
    throw new CliUsageError('--out applies to --format html only');
  const [text, ...extra] = positionals;
  if (text === undefined || text.trim() === '') {
    throw new CliUsageError(
      'missing the SQL or analysis, e.g. cdp query "SELECT count(*) FROM events" or cdp query sessions',
    );
  }
  if (extra.length > 0) {
    throw new CliUsageError(`expected one SQL argument but got ${positionals.length}: quote the SQL`);
  }
  const params = values.param ?? [];
  let target: QueryTarget;
  if (findAnalysis(text)) {
    target = { kind: 'analysis', name: text, params: parseParameterArguments(params) };
  } else if (params.length > 0) {
    throw new CliUsageError(
      `--param applies to a named analysis, and '${text}' is none (see cdp query --list)`,
    );
  } else {
    target = { kind: 'sql', sql: text };
  }
  return {
    target,
    engine,
    format,
    out: values.out,
    dataDir: values['data-dir'],
    workgroup: values.workgroup ?? 'cdp',
    database: values.database ?? 'cdp',
    region: values.region,
  };
}

/** `cdp query --list`: each analysis with its description and parameters (name, type, default, meaning). */
export function formatAnalysisList(list: readonly Analysis[]): string {
  const blocks = list.map((analysis) => {
    const rows = analysis.parameters.map((parameter) => [
      parameter.name,
      describeType(parameter),
      describeDefault(parameter),
      parameter.description,
    ]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
    const lines = rows.map((row) =>
      `    ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`.trimEnd(),
    );
    return [
      `${analysis.name} — ${analysis.title}`,
      ...wrapWords(analysis.description, 100).map((line) => `  ${line}`),
      `  parameters (name, type, default, meaning):`,
      ...lines,
    ].join('\n');
  });
  return `${blocks.join('\n\n')}\n\nRun one: cdp query <analysis> --param name=value …\n`;
}

function sqlOf(target: QueryTarget): string {
  return target.kind === 'sql' ? target.sql : '';
}

function defaultHtmlFile(target: QueryTarget): string {
  const stamp = new Date()
    .toISOString()
    .replaceAll(':', '')
    .replace(/\.\d+Z$/, 'Z');
  return `cdp-${target.kind === 'analysis' ? target.name : 'query'}-${stamp}.html`;
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
