/** Starts the real local platform for one test file, in a fresh data directory. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localBucketDir } from '../../infra/local/paths.ts';
import { type LocalPlatform, startLocalPlatform } from '../../infra/local/runtime.ts';
import { DuckDbSqlEngine } from '../../shared/adapters/duckdb-sql-engine.ts';

export interface TestPlatform extends LocalPlatform {
  /** Write key of the configured web source (`website`). */
  readonly webKey: string;
  /** Write key of the configured server source (`backend`). */
  readonly serverKey: string;
  /** SQL over the lake, as `npx cdp query` runs it. */
  sql(text: string, params?: (string | number)[]): Promise<Record<string, unknown>[]>;
  dispose(): Promise<void>;
}

export interface TestPlatformOptions {
  /** A cdp.config.json of the test's own, written into the data directory. @default the repository's */
  readonly config?: unknown;
}

export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-it-'));
  let configFile: string | undefined;
  if (options.config !== undefined) {
    configFile = join(dataDir, 'cdp.config.json');
    writeFileSync(configFile, JSON.stringify(options.config));
  }
  // The functions log every batch, as they do in CloudWatch; a test run only needs their errors.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const platform = await startLocalPlatform({
    dataDir,
    port: 0,
    batchingWindowSeconds: 0.2,
    schedules: false,
    log: () => {},
    ...(configFile === undefined ? {} : { configFile }),
  });
  const engine = await DuckDbSqlEngine.open({ lakeDir: localBucketDir(platform.paths, 'lake') });
  return {
    ...platform,
    webKey: platform.secrets.writeKeys.website ?? '',
    serverKey: platform.secrets.writeKeys.backend ?? '',
    sql: async (text, params) => [...(await engine.query(text, params)).rows],
    dispose: async () => {
      await engine.close();
      await platform.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

export async function post(
  platform: TestPlatform,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${platform.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} };
}
