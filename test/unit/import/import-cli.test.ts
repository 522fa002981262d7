import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliUsageError } from '../../../infra/cli/command.ts';
import { parseImportCommandLine } from '../../../infra/cli/commands/import.ts';
import { runCdp } from '../../fixtures/cli.ts';
import { fixturesDir, mappingsDir } from './helpers.ts';

interface PutRecord {
  readonly stream: string;
  readonly partitionKey: string;
  readonly event: { readonly type: string; readonly channel: string };
}

/** Answers Kinesis PutRecords (JSON 1.1) over HTTP on a free port, keeping the records it was sent. */
async function fakeKinesis(): Promise<{ url: string; records: PutRecord[]; close(): Promise<void> }> {
  const records: PutRecord[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const put = JSON.parse(body) as {
        StreamName: string;
        Records: { Data: string; PartitionKey: string }[];
      };
      for (const record of put.Records) {
        const envelope = JSON.parse(Buffer.from(record.Data, 'base64').toString('utf8'));
        records.push({ stream: put.StreamName, partitionKey: record.PartitionKey, event: envelope.event });
      }
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          FailedRecordCount: 0,
          Records: put.Records.map((_, index) => ({
            SequenceNumber: String(index),
            ShardId: 'shardId-000000000000',
          })),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCdp(['import', ...args], env);
}

describe('cdp import: the command line', () => {
  it('takes files, a source, and defaults the mapping, config and progress', () => {
    // Act
    const line = parseImportCommandLine([
      'a.csv',
      'b.csv.gz',
      '--source',
      'pos',
      '--encoding',
      'gbk',
      '--restart',
    ]);

    // Assess
    expect(line).toMatchObject({
      files: ['a.csv', 'b.csv.gz'],
      source: 'pos',
      mappingFile: undefined,
      configFile: 'cdp.config.json',
      overrides: { encoding: 'gbk' },
      restart: true,
      dryRun: false,
      progress: true,
    });
  });

  it('refuses command lines it cannot act on, saying what to do', () => {
    // Act
    const problems = [
      [],
      ['a.csv'],
      ['a.csv', '--source', 'pos', '--stream', 's', '--kinesis-endpoint', 'http://x'],
      ['a.csv', '--source', 'pos', '--region', 'eu-west-1'],
      ['a.csv', '--source', 'pos', '--format', 'xlsx'],
      ['a.csv', '--source', 'pos', '--colour', 'blue'],
    ].map((args) => {
      try {
        parseImportCommandLine(args);
        return 'accepted';
      } catch (error) {
        return error instanceof CliUsageError ? error.message : `unexpected: ${String(error)}`;
      }
    });

    // Assess
    expect(problems).toEqual([
      'name the file(s) to import, e.g. cdp import orders.csv --source pos',
      'give --source <name> (and --mapping <file> unless it is mappings/<source>.json)',
      '--stream (AWS) and --kinesis-endpoint (local) exclude each other',
      '--region applies with --stream only',
      "--format must be csv or ndjson, not 'xlsx'",
      "Unknown option '--colour' (see cdp import --help)",
    ]);
  });
});

describe('cdp import: running it', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdp-import-cli-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('checks a file on a dry run: prints the summary and keeps it, with the rejected rows, in the data dir', async () => {
    // Prepare
    const dir = dataDir();

    // Act
    const { code, out } = await cli([
      join(fixturesDir, 'pos-orders.csv'),
      '--source',
      'pos',
      '--mapping',
      join(mappingsDir, 'pos.json'),
      '--data-dir',
      dir,
      '--dry-run',
    ]);

    // Assess
    expect(code).toBe(0);
    expect(out).toContain('Checked (dry run, nothing sent)');
    expect(out).toContain('rows read            12');
    const summaryPath = /summary: +(\S+)/.exec(out)?.[1] ?? '';
    expect(summaryPath.startsWith(join(dir, 'imports', 'pos-orders-csv-'))).toBe(true);
    expect(JSON.parse(readFileSync(summaryPath, 'utf8'))).toMatchObject({
      status: 'completed',
      events: 3,
      dryRun: true,
    });
    const rejects = readFileSync(summaryPath.replace('summary.json', 'rejects.csv'), 'utf8');
    expect(rejects.split('\r\n').filter(Boolean)).toHaveLength(7);
  });

  it('names the source the configuration lacks, and how to add it', async () => {
    // Prepare: a configuration without the mapping's source.
    const config = join(dataDir(), 'web-only.config.json');
    writeFileSync(config, JSON.stringify({ sources: [{ name: 'website', channel: 'web' }] }));

    // Act
    const { code, err } = await cli([
      join(fixturesDir, 'esp-events.ndjson'),
      '--mapping',
      join(mappingsDir, 'esp.json'),
      '--config',
      config,
      '--dry-run',
      '--data-dir',
      dataDir(),
    ]);

    // Assess
    expect(code).toBe(1);
    expect(err).toBe(
      `cdp import: source "esp" is not in ${config}: add it to "sources", e.g. { "name": "esp", "channel": "other" }\n`,
    );
  });

  it('refuses a mapping of another source than --source names', async () => {
    // Act
    const { err } = await cli([
      join(fixturesDir, 'crm-contacts.csv'),
      '--source',
      'crm',
      '--mapping',
      join(mappingsDir, 'pos.json'),
    ]);

    // Assess
    expect(err).toContain('imports as source "pos", not "crm"');
  });

  it('asks for the platform when no local stream can be found', async () => {
    // Prepare
    const dir = dataDir();

    // Act
    const { code, err } = await cli([
      join(fixturesDir, 'pos-orders.csv'),
      '--mapping',
      join(mappingsDir, 'pos.json'),
      '--data-dir',
      dir,
    ]);

    // Assess
    expect(code).toBe(1);
    expect(err).toContain(
      `no running local platform found (${join(dir, 'endpoints.json')} is missing): start it with npm start`,
    );
  });

  it('sends to the local Kinesis endpoint that npm start writes into the data dir, and resends nothing the next time', async () => {
    // Prepare: a stand-in for kinesalite that stores what PutRecords sends.
    const kinesis = await fakeKinesis();
    const dir = dataDir();
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify({ kinesis: kinesis.url }));
    const args = [
      join(fixturesDir, 'crm-contacts.csv'),
      '--source',
      'crm',
      '--mapping',
      join(mappingsDir, 'crm.json'),
      '--data-dir',
      dir,
    ];

    // Act
    const first = await cli(args);
    const second = await cli(args);
    await kinesis.close();

    // Assess
    expect(first.code).toBe(0);
    expect(
      kinesis.records.map((record) => [
        record.stream,
        record.partitionKey,
        record.event.type,
        record.event.channel,
      ]),
    ).toEqual([
      ['events', 'crm-C-001', 'identify', 'crm'],
      ['events', 'crm-C-002', 'identify', 'crm'],
    ]);
    expect(second.code).toBe(0);
    expect(second.out).toContain(': already imported');
  });

  it('prints its help', async () => {
    // Act
    const { code, out } = await cli(['--help']);

    // Assess
    expect(code).toBe(0);
    expect(out).toContain('Usage: cdp import <file>... --source <name> [options]');
  });
});
