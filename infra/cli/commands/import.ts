/**
 * `cdp import <file>… --source <name>`: imports CSV or NDJSON files (optionally gzipped) through a mapping onto
 * the events stream — the local platform's (`npm start`) or a deployed one's — as events of a configured
 * source. Prints a summary per file on stdout and keeps it, with the checkpoint and the rejected rows, in
 * `<data dir>/imports/<run id>/`; a progress bar goes to stderr when it is a terminal.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KinesisEventStream } from '../../../shared/adapters/kinesis-event-stream.ts';
import { loadSettingsFile } from '../../../shared/config/settings.ts';
import type { IpPrivacy } from '../../../shared/events/ip.ts';
import { FileRunStore } from '../../../shared/import/file-run-store.ts';
import { type ImportProgress, runImport } from '../../../shared/import/importer.ts';
import {
  loadMappingFile,
  type Mapping,
  mappingHash,
  withInputOverrides,
} from '../../../shared/import/mapping.ts';
import { ProgressBar } from '../../../shared/import/progress.ts';
import { type ImportSummary, importRunId } from '../../../shared/import/run.ts';
import { formatSummary } from '../../../shared/import/summary.ts';
import type { Channel, EventStream, StreamRecord } from '../../../shared/ports.ts';
import { LOCAL_REGION } from '../../local/lambda-invoke.ts';
import { localPaths } from '../../local/paths.ts';
import type { StreamName } from '../../topology.ts';
import { type CliCommand, type CliIo, CliUsageError } from '../command.ts';

export const importUsage = `Usage: cdp import <file>... --source <name> [options]

Imports CSV or NDJSON files (gzipped or not) as events of a source in cdp.config.json, through a mapping
(see docs/import.md). Locally the events go onto the running platform's stream (npm start); with --stream,
onto a deployed platform's. Running the same command again after an interruption goes on where it stopped;
after a completed run it sends nothing.

Options:
  --source <name>           the source (gives the channel); default: the one the mapping names
  --mapping <file>          the mapping (default: mappings/<source>.json)
  --config <file>           the platform configuration (default: cdp.config.json)
  --data-dir <dir>          the local data dir, which keeps the runs (default: $CDP_DATA_DIR or .cdp)
  --kinesis-endpoint <url>  the local Kinesis (default: from <data dir>/endpoints.json, written by npm start)
  --stream <name>           import into a deployed platform's stream (output CdpData.EventsStreamName)
  --region <region>         with --stream: the AWS region (default: the SDK's, e.g. $AWS_REGION)
  --format csv|ndjson       overrides the mapping's input format
  --encoding <name>         overrides the mapping's encoding (utf-8, gbk, gb18030, utf-16le, latin1, ...)
  --delimiter <char>        overrides the mapping's CSV delimiter (\\t for tab)
  --rejects <file>          where to write the rejected rows (default: <data dir>/imports/<run>/rejects.csv)
  --restart                 start at the first row even if an earlier run of the file stopped or completed
  --dry-run                 map and clean only: rejects and summary, nothing sent
  --no-progress             no progress bar
  -h, --help                print this help
`;

const options = {
  source: { type: 'string' },
  mapping: { type: 'string' },
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  'kinesis-endpoint': { type: 'string' },
  stream: { type: 'string' },
  region: { type: 'string' },
  format: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  rejects: { type: 'string' },
  restart: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The local platform's stream; in AWS its physical name is the stack output. */
const eventsStream: StreamName = 'events';

export interface ImportCommandLine {
  readonly files: readonly string[];
  readonly source: string | undefined;
  readonly mappingFile: string | undefined;
  readonly configFile: string;
  readonly dataDir: string | undefined;
  readonly kinesisEndpoint: string | undefined;
  readonly stream: string | undefined;
  readonly region: string | undefined;
  readonly overrides: { format?: string; encoding?: string; delimiter?: string };
  readonly rejectsFile: string | undefined;
  readonly restart: boolean;
  readonly dryRun: boolean;
  readonly progress: boolean;
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import CSV or NDJSON files as events of a source, through a mapping',
  async run(args, io) {
    const commandLine = parseImportCommandLine(args);
    if (commandLine === 'help') {
      io.stdout(importUsage);
      return 0;
    }
    const { mapping, mappingFile } = loadMapping(commandLine);
    const settings = loadSettingsFile(commandLine.configFile);
    const source = settings.sources.find((candidate) => candidate.name === mapping.source);
    if (source === undefined) {
      throw new CliUsageError(
        `source "${mapping.source}" is not in ${commandLine.configFile}: add it to "sources", e.g. { "name": "${mapping.source}", "channel": "other" }`,
      );
    }
    const stream = commandLine.dryRun ? discardingStream : openStream(commandLine, io);
    const paths = localPaths({ ...io.env, CDP_DATA_DIR: commandLine.dataDir ?? io.env.CDP_DATA_DIR });
    let exitCode = 0;
    for (const file of commandLine.files) {
      const summary = await importFile(file, {
        commandLine,
        mapping,
        mappingFile,
        source,
        stream,
        io,
        runsDir: join(paths.root, 'imports'),
        privacy: settings.privacy.ip,
      });
      const failed = summary.status === 'failed' ? 1 : summary.status === 'interrupted' ? 130 : 0;
      exitCode = Math.max(exitCode, failed);
      if (summary.status === 'interrupted') break;
    }
    return exitCode;
  },
};

interface FileImport {
  readonly commandLine: ImportCommandLine;
  readonly mapping: Mapping;
  readonly mappingFile: string;
  readonly source: { readonly name: string; readonly channel: Channel };
  readonly stream: EventStream;
  readonly io: CliIo;
  readonly runsDir: string;
  readonly privacy: IpPrivacy;
}

async function importFile(file: string, context: FileImport): Promise<ImportSummary> {
  const { commandLine, io } = context;
  if (!existsSync(file)) throw new CliUsageError(`no such file: ${file}`);
  const stats = statSync(file);
  if (!stats.isFile()) throw new CliUsageError(`not a file: ${file}`);
  const mapping = withInputOverrides(context.mapping, commandLine.overrides);
  const runId = `${importRunId(resolve(file), context.source.name, mappingHash(mapping))}${commandLine.dryRun ? '-dry-run' : ''}`;
  const runs = new FileRunStore({
    dir: join(context.runsDir, runId),
    runId,
    ...(commandLine.rejectsFile ? { rejectsFile: resolve(commandLine.rejectsFile) } : {}),
  });
  if (commandLine.restart || commandLine.dryRun) await runs.begin(undefined);

  const bar = commandLine.progress && process.stderr.isTTY ? new ProgressBar(io.stderr) : undefined;
  let bytesRead = 0;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(file, {
      highWaterMark: 1024 * 1024,
    }) as AsyncIterable<Buffer>) {
      bytesRead += chunk.byteLength;
      yield chunk;
    }
  };
  const onProgress = (progress: ImportProgress) =>
    bar?.update({ bytesRead, totalBytes: stats.size, rows: progress.records, resuming: progress.resuming });

  const abort = new AbortController();
  const onInterrupt = () => {
    io.stderr(
      '\nstopping after the current row; the next run of this command goes on from there (Ctrl-C again to quit now)\n',
    );
    abort.abort();
  };
  process.once('SIGINT', onInterrupt);
  let summary: ImportSummary;
  try {
    summary = await runImport(
      {
        input: counted(),
        inputName: file,
        inputFingerprint: `${stats.size}:${Math.trunc(stats.mtimeMs)}`,
        mapping,
        mappingName: context.mappingFile,
        source: context.source,
        privacy: context.privacy,
        dryRun: commandLine.dryRun,
      },
      { stream: context.stream, runs, onProgress, signal: abort.signal },
    );
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    bar?.done();
  }
  io.stdout(formatSummary(summary, runs.summaryLocation));
  return summary;
}

/** The validated command line, or `help`; throws `CliUsageError` with a message the user can act on. */
export function parseImportCommandLine(args: readonly string[]): ImportCommandLine | 'help' {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    const message = error instanceof Error ? error.message.split(/\.\s/, 1)[0] : String(error);
    throw new CliUsageError(`${message} (see cdp import --help)`, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0)
    throw new CliUsageError('name the file(s) to import, e.g. cdp import orders.csv --source pos');
  if (values.source === undefined && values.mapping === undefined) {
    throw new CliUsageError(
      'give --source <name> (and --mapping <file> unless it is mappings/<source>.json)',
    );
  }
  if (values.stream !== undefined && values['kinesis-endpoint'] !== undefined) {
    throw new CliUsageError('--stream (AWS) and --kinesis-endpoint (local) exclude each other');
  }
  if (values.region !== undefined && values.stream === undefined)
    throw new CliUsageError('--region applies with --stream only');
  if (values.rejects !== undefined && positionals.length > 1) {
    throw new CliUsageError('--rejects names one file: with it, import one file at a time');
  }
  if (values.format !== undefined && values.format !== 'csv' && values.format !== 'ndjson') {
    throw new CliUsageError(`--format must be csv or ndjson, not '${values.format}'`);
  }
  return {
    files: positionals,
    source: values.source,
    mappingFile: values.mapping,
    configFile: values.config ?? 'cdp.config.json',
    dataDir: values['data-dir'],
    kinesisEndpoint: values['kinesis-endpoint'],
    stream: values.stream,
    region: values.region,
    overrides: {
      ...(values.format === undefined ? {} : { format: values.format }),
      ...(values.encoding === undefined ? {} : { encoding: values.encoding }),
      ...(values.delimiter === undefined ? {} : { delimiter: values.delimiter }),
    },
    rejectsFile: values.rejects,
    restart: values.restart,
    dryRun: values['dry-run'],
    progress: !values['no-progress'],
  };
}

function parseOptions(args: readonly string[]) {
  return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
}

function loadMapping(commandLine: ImportCommandLine): { mapping: Mapping; mappingFile: string } {
  const mappingFile = commandLine.mappingFile ?? join('mappings', `${commandLine.source}.json`);
  if (!existsSync(mappingFile)) {
    throw new CliUsageError(
      `no mapping file ${mappingFile}: write one (see docs/import.md) or pass --mapping <file>`,
    );
  }
  const mapping = loadMappingFile(mappingFile);
  if (commandLine.source !== undefined && mapping.source !== commandLine.source) {
    throw new CliUsageError(
      `${mappingFile} imports as source "${mapping.source}", not "${commandLine.source}"`,
    );
  }
  return { mapping, mappingFile };
}

function openStream(commandLine: ImportCommandLine, io: CliIo): EventStream {
  // Imports are not answering a waiting client: retry throttling far longer than the collector may.
  const retries = { maxAttempts: 10, retryBudgetMs: 120_000 };
  // HTTP/1.1: the Kinesis client would default to HTTP/2, which PutRecords does not need and kinesalite lacks.
  const requestHandler = new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 30_000 });
  if (commandLine.stream !== undefined) {
    const client = new KinesisClient({
      requestHandler,
      ...(commandLine.region ? { region: commandLine.region } : {}),
    });
    return new KinesisEventStream({ client, streamName: commandLine.stream, ...retries });
  }
  const endpoint = commandLine.kinesisEndpoint ?? localKinesisEndpoint(commandLine, io);
  const client = new KinesisClient({
    endpoint,
    region: LOCAL_REGION,
    requestHandler,
    // kinesalite accepts any credentials; these keep the SDK from looking for real ones.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return new KinesisEventStream({ client, streamName: eventsStream, ...retries });
}

/** The running local platform's Kinesis endpoint, which `npm start` writes into the data dir. */
function localKinesisEndpoint(commandLine: ImportCommandLine, io: CliIo): string {
  const paths = localPaths({ ...io.env, CDP_DATA_DIR: commandLine.dataDir ?? io.env.CDP_DATA_DIR });
  if (existsSync(paths.endpoints)) {
    const endpoints = JSON.parse(readFileSync(paths.endpoints, 'utf8')) as { kinesis?: unknown };
    if (typeof endpoints.kinesis === 'string') return endpoints.kinesis;
  }
  throw new CliUsageError(
    `no running local platform found (${paths.endpoints} is missing): start it with npm start, pass --kinesis-endpoint <url>, or --stream <name> for AWS`,
  );
}

/** --dry-run: a stream that stores nothing and loses nothing. */
const discardingStream: EventStream = {
  put: async (_records: readonly StreamRecord[]) => ({ failed: [] }),
};
