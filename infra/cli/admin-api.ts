/**
 * The platform's admin API as the CLI calls it: the running local platform's unless `--url` says otherwise,
 * with the admin token from `--token`, `$CDP_ADMIN_TOKEN` or the local data dir.
 */
import { existsSync, readFileSync } from 'node:fs';
import { localPaths } from '../local/paths.ts';
import { type CliIo, CliUsageError } from './command.ts';

export interface AdminApiOptions {
  readonly url?: string;
  readonly token?: string;
  readonly 'data-dir'?: string;
}

/** One admin API call, with `body` as JSON if given; resolves with the JSON answer, or `undefined` for a 404. */
export async function callAdminApi(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: AdminApiOptions,
  io: CliIo,
  body?: unknown,
): Promise<unknown> {
  const dataDir = options['data-dir'];
  const paths = localPaths(dataDir ? { ...io.env, CDP_DATA_DIR: dataDir } : io.env);
  const url = options.url ?? localApi(paths.endpoints) ?? `http://localhost:${io.env.PORT || 8080}`;
  const token = options.token ?? io.env.CDP_ADMIN_TOKEN ?? localAdminToken(paths.secrets);
  if (!token) {
    throw new CliUsageError(
      `no admin token: pass --token, set CDP_ADMIN_TOKEN, or start the platform (${paths.secrets})`,
    );
  }
  const target = new URL(path, url);
  let response: Response;
  try {
    response = await fetch(target, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new CliUsageError(`cannot reach ${target.origin}: is the platform running (npm start)?`, {
      cause: error,
    });
  }
  const answer = (await response.json().catch(() => ({}))) as { message?: string };
  if (response.status === 404) return undefined;
  if (response.status === 401 || response.status === 403)
    throw new CliUsageError(`${target.origin} refused the admin token`);
  if (!response.ok)
    throw new CliUsageError(`${target.origin} answered ${response.status}: ${answer.message ?? ''}`);
  return answer;
}

/** The API of the platform running on this data dir, if one is (it writes its endpoints at start). */
function localApi(endpointsFile: string): string | undefined {
  if (!existsSync(endpointsFile)) return undefined;
  const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as { api?: unknown };
  return typeof endpoints.api === 'string' ? endpoints.api : undefined;
}

function localAdminToken(secretsFile: string): string | undefined {
  if (!existsSync(secretsFile)) return undefined;
  const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as { adminToken?: unknown };
  return typeof secrets.adminToken === 'string' ? secrets.adminToken : undefined;
}
