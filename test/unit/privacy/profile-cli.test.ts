import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCdp } from '../../fixtures/cli.ts';

/** A stand-in for the profile API on localhost: answers each request from `routes` by method and path. */
async function fakeApi(
  routes: Record<string, { status: number; body: unknown }>,
): Promise<{ url: string; server: Server; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    const route = `${request.method} ${request.url}`;
    seen.push(`${route} ${request.headers.authorization ?? ''}`);
    const answer = routes[route] ?? { status: 404, body: { message: 'Not Found' } };
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

describe('cdp profile delete and erasure', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('sends DELETE with the admin token and, with --wait, prints the erasure once the profile is erased', async () => {
    // Prepare
    const api = await fakeApi({
      'DELETE /v1/profiles/email/Ann%40Example.com': {
        status: 202,
        body: { erasureId: 'e1', status: 'profile_erased' },
      },
      'GET /v1/erasures/e1': {
        status: 200,
        body: { erasureId: 'e1', status: 'profile_erased', lakePassAfter: '2026-12-01T10:04:00.000Z' },
      },
    });
    server = api.server;

    // Act
    const result = await runCdp([
      'profile',
      'delete',
      'email:Ann@Example.com',
      '--wait',
      '--url',
      api.url,
      '--token',
      't0k',
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ erasureId: 'e1', status: 'profile_erased' });
    expect(result.err).toContain(
      'the lake rows go with the next hourly lake upkeep after 2026-12-01T10:04:00.000Z',
    );
    expect(api.seen).toEqual([
      'DELETE /v1/profiles/email/Ann%40Example.com Bearer t0k',
      'GET /v1/erasures/e1 Bearer t0k',
    ]);
  });

  it('says so and fails when no profile has the identifier or there is no such erasure', async () => {
    // Prepare
    const api = await fakeApi({});
    server = api.server;

    // Act
    const deleted = await runCdp(['profile', 'delete', 'user_id:nobody', '--url', api.url, '--token', 't']);
    const erasure = await runCdp(['profile', 'erasure', 'e9', '--url', api.url, '--token', 't']);

    // Assess
    expect([deleted.code, erasure.code]).toEqual([1, 1]);
    expect(deleted.err).toContain('no profile has user_id:nobody');
    expect(erasure.err).toContain('no erasure e9');
  });

  it('refuses to erase through --table, which only reads', async () => {
    // Act
    const result = await runCdp(['profile', 'delete', 'user_id:u1', '--table', 'profiles']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toContain('--table only reads');
  });
});
