import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitUntil } from '../../infra/local/emulators.ts';
import { basicAuth } from './local-platform.ts';

const run = promisify(execFile);

describe('a new user: npm start, curl, npx cdp query', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-start-'));
  const writeKey = 'wk_test_user';
  let child: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    const port = await freePort();
    url = `http://localhost:${port}`;
    child = spawn('npm', ['start'], {
      env: { ...process.env, PORT: String(port), CDP_DATA_DIR: dataDir, CDP_WRITE_KEY: writeKey },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitUntil(
      async () => (await fetch(`${url}/health`).catch(() => undefined))?.status === 200,
      120_000,
      'npm start',
    );
  });

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGINT');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the write key it was given and finds a curl-sent event with SQL', async () => {
    // Act
    const response = await fetch(`${url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basicAuth(writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'new-user', event: 'Tried It' }),
    });
    let rows: { type: string; n: number }[] = [];
    await waitUntil(
      async () => {
        const { stdout } = await run(
          'npx',
          ['cdp', 'query', 'select type, count(*)::int as n from events group by 1', '--format', 'json'],
          { env: { ...process.env, CDP_DATA_DIR: dataDir } },
        );
        rows = JSON.parse(stdout);
        return rows.length > 0;
      },
      60_000,
      'the event in the lake',
    );

    // Assess
    expect(response.status).toBe(200);
    expect(output).toContain(writeKey);
    expect(rows).toEqual([{ type: 'track', n: 1 }]);
  });
});
