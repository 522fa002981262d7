/**
 * The local stand-in for API Gateway's HTTP API: routes requests by the topology's route keys and turns them
 * into the payload-format-2.0 events Lambda receives, and the functions' results back into HTTP responses,
 * with API Gateway's own answers for unknown routes (404) and failed invocations (500/503). Admin routes are
 * authorized here, as the IAM authorizer does in AWS: locally with the admin token as a bearer token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { HttpRoute } from '../topology.ts';
import { functionIdentity, invokeWithTimeout, LOCAL_ACCOUNT, lambdaContext } from './lambda-invoke.ts';
import { FunctionTimeoutError } from './stream-poller-errors.ts';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface GatewayRoute extends HttpRoute {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly handler: HttpHandler;
}

export interface GatewayOptions {
  readonly port: number;
  readonly routes: readonly GatewayRoute[];
  /** Answers `GET /health`, which only the local runtime has: 200 once every component is ready. */
  readonly health: () => { ready: boolean; components: Record<string, boolean> };
  readonly log: (message: string, fields: Record<string, unknown>) => void;
  /** What `Authorization: Bearer …` must carry on routes with `auth: 'admin'`. */
  readonly adminToken: string;
  /**
   * Answers `POST /_local/schedules/{function}` (admin only, local only): runs a scheduled function now,
   * queued behind a run in progress, as `aws lambda invoke` would run it in AWS (`npx cdp run`, `npx cdp
   * score`); a JSON object body adds its fields to the scheduled event (e.g. `{"asOf": "2026-11-22"}`).
   */
  readonly runScheduled?: (functionName: string, input: Record<string, unknown>) => Promise<unknown>;
}

const LOCAL_SCHEDULE_PATH = /^\/_local\/schedules\/([a-z][a-zA-Z0-9]*)$/;

/** HTTP APIs reject bodies over 10 MB before invoking anything. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** HTTP APIs cut integrations off at 30 s. */
const MAX_INTEGRATION_SECONDS = 30;

export interface Gateway {
  readonly url: string;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const matchers = options.routes.map((route) => ({ route, pattern: routePattern(route.path) }));
  const server: Server = createServer((request, response) => {
    handle(request, response, matchers, options).catch((error: unknown) => {
      options.log('gateway failure', { error: String(error) });
      if (!response.headersSent) send(response, 500, { message: 'Internal Server Error' });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Matcher {
  readonly route: GatewayRoute;
  readonly pattern: { readonly regex: RegExp; readonly params: readonly string[] };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  matchers: readonly Matcher[],
  options: GatewayOptions,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  if (method === 'GET' && url.pathname === '/health') {
    const health = options.health();
    send(response, health.ready ? 200 : 503, health);
    return;
  }
  const schedule = LOCAL_SCHEDULE_PATH.exec(url.pathname);
  if (method === 'POST' && schedule?.[1] !== undefined && options.runScheduled) {
    await runSchedule(request, response, schedule[1], options.runScheduled, options);
    return;
  }
  const match = findRoute(matchers, method, url.pathname);
  if (!match) {
    send(response, 404, { message: 'Not Found' });
    return;
  }
  if (match.route.auth === 'admin' && !isAdmin(request.headers.authorization, options.adminToken)) {
    response.writeHead(401, {
      'content-type': 'application/json',
      'www-authenticate': 'Bearer realm="cdp admin"',
    });
    response.end(JSON.stringify({ message: 'Unauthorized' }));
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    send(response, 413, { message: 'Request Entity Too Large' });
    return;
  }
  const { route, pathParameters } = match;
  const event = toEvent(request, url, route, pathParameters, body);
  const timeoutSeconds = Math.min(route.timeoutSeconds, MAX_INTEGRATION_SECONDS);
  const fn = functionIdentity(route.functionName, route.memoryMb, timeoutSeconds);
  let result: APIGatewayProxyResultV2;
  try {
    const context = lambdaContext(fn, Date.now() + timeoutSeconds * 1000);
    result = await invokeWithTimeout(route.handler, event, context, fn);
  } catch (error) {
    options.log('function error', { function: route.functionName, error: String(error) });
    // As the HTTP API answers: 503 when the integration timed out, 500 when the function failed.
    if (error instanceof FunctionTimeoutError) send(response, 503, { message: 'Service Unavailable' });
    else send(response, 500, { message: 'Internal Server Error' });
    return;
  }
  writeResult(response, result);
}

async function runSchedule(
  request: IncomingMessage,
  response: ServerResponse,
  functionName: string,
  run: (functionName: string, input: Record<string, unknown>) => Promise<unknown>,
  options: GatewayOptions,
): Promise<void> {
  if (!isAdmin(request.headers.authorization, options.adminToken)) {
    request.resume();
    send(response, 401, { message: 'Unauthorized' });
    return;
  }
  const body = await readBody(request);
  let input: unknown = {};
  try {
    if (body !== undefined && body.length > 0) input = JSON.parse(body.toString('utf8'));
  } catch {
    input = undefined;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    send(response, 400, { functionName, message: 'the body must be a JSON object (or empty)' });
    return;
  }
  try {
    send(response, 200, {
      functionName,
      result: (await run(functionName, input as Record<string, unknown>)) ?? null,
    });
  } catch (error) {
    options.log('scheduled run failed', { function: functionName, error: String(error) });
    const message = error instanceof Error ? error.message : String(error);
    send(response, /no schedule/i.test(message) ? 404 : 500, { functionName, message });
  }
}

/** Compares digests, so that the time taken says nothing about the token. */
function isAdmin(authorization: string | undefined, adminToken: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined || adminToken === '') return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(adminToken));
}

function routePattern(path: string): Matcher['pattern'] {
  const params: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { regex: new RegExp(`^${source}$`), params };
}

function findRoute(matchers: readonly Matcher[], method: string, path: string) {
  for (const { route, pattern } of matchers) {
    if (route.method !== method) continue;
    const found = pattern.regex.exec(path);
    if (!found) continue;
    const pathParameters: Record<string, string> = {};
    pattern.params.forEach((name, index) => {
      pathParameters[name] = decodeURIComponent(found[index + 1] ?? '');
    });
    return { route, pathParameters };
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Content types API Gateway passes as text; anything else arrives base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript|.*\+json|.*\+xml))/i;

function toEvent(
  request: IncomingMessage,
  url: URL,
  route: GatewayRoute,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway adds these, as any proxy does.
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(request.socket.localPort ?? '');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  // A content-encoded body (gzip) is bytes whatever its type names: it arrives base64-encoded.
  const encoded = (headers['content-encoding'] ?? 'identity').toLowerCase() !== 'identity';
  const isText = body.length === 0 || (!encoded && (contentType === '' || TEXT_TYPES.test(contentType)));
  const now = new Date();
  const host = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

/** Payload format 2.0: a result without `statusCode` is a 200 with the value as its JSON body. */
function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  const structured: APIGatewayProxyStructuredResultV2 =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? result
      : { statusCode: 200, body: JSON.stringify(result), headers: { 'content-type': 'application/json' } };
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    response.setHeader(name, String(value));
  if (structured.cookies?.length) response.setHeader('set-cookie', structured.cookies);
  response.statusCode = structured.statusCode ?? 200;
  const body = structured.body ?? '';
  response.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
