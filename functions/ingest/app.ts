/**
 * The ingest function's HTTP adapter with its dependencies injected: `POST /v1/import/{source}` (bulk NDJSON or
 * CSV, authenticated by the source's write key) and `POST /v1/webhooks/{source}` (signed provider events).
 * Both run the body through the source's mapping with `importRequestBody`, the same import `cdp import` runs.
 * `handler.ts` builds it once per cold start; tests build it from fakes.
 */
import { Buffer } from 'node:buffer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { UnauthorizedError } from '../../shared/collect/errors.ts';
import { sourceOfWriteKey, writeKeyFromAuthorization } from '../../shared/collect/write-key.ts';
import type { IpPrivacy } from '../../shared/events/ip.ts';
import { WebhookBodyError, WebhookSignatureError } from '../../shared/import/errors.ts';
import type { IngestSource } from '../../shared/import/ingest-sources.ts';
import {
  importRequestBody,
  type RequestFormat,
  type RequestImportResult,
} from '../../shared/import/request-import.ts';
import type { ImportSummary } from '../../shared/import/run.ts';
import { verifyWebhookSignature, webhookEventsAsNdjson } from '../../shared/import/webhooks.ts';
import type { Logger } from '../../shared/logger.ts';
import type { EventStream, SourceRegistry } from '../../shared/ports.ts';
import { bulkStatus, failure, type HttpResult, importAnswer, notStored, unauthorized } from './http.ts';

/**
 * The most body the function takes. API Gateway HTTP APIs refuse more than 10 MB, and Lambda takes at most
 * 6 MB of request (a gzipped body arrives base64-encoded: about 4.5 MB of it); larger files go through S3.
 */
export const maxBodyBytes = 6 * 1024 * 1024;

export interface IngestHandlerDependencies {
  /** Write key → source: who may post to the bulk endpoint. */
  readonly sources: SourceRegistry;
  /** Configured sources with their mapping (and webhook), by name. */
  readonly ingestSources: ReadonlyMap<string, IngestSource>;
  readonly stream: EventStream;
  readonly privacy: IpPrivacy;
  readonly logger: Logger;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default maxBodyBytes */
  readonly maxBodyBytes?: number;
  /** Rejected rows listed in an answer. @default 100 */
  readonly maxRejects?: number;
}

export type IngestHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<HttpResult>;

const tooLarge = (limit: number) =>
  failure(
    413,
    `body over ${limit} bytes: split the file, or upload it under imports/<source>/ in the imports bucket (docs/import.md#dropping-files-in-s3)`,
  );

export function createIngestHandler(deps: IngestHandlerDependencies): IngestHandler {
  const { logger } = deps;
  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    logger.appendKeys({ requestId: event.requestContext.requestId, routeKey: event.routeKey });
    try {
      return await answer(event, deps);
    } catch (error) {
      logger.error('unexpected error', { error });
      return failure(500, 'internal error');
    } finally {
      logger.resetKeys();
    }
  };
}

async function answer(event: APIGatewayProxyEventV2, deps: IngestHandlerDependencies): Promise<HttpResult> {
  const headers = lowerCaseKeys(event.headers);
  const name = event.pathParameters?.source ?? '';
  const body = bodyBytes(event);
  const limit = deps.maxBodyBytes ?? maxBodyBytes;
  if (body.byteLength > limit) return tooLarge(limit);
  const runId = `http-${name}-${event.requestContext.requestId}`;
  if (event.routeKey.endsWith('/v1/import/{source}')) return bulkImport(name, headers, body, runId, deps);
  if (event.routeKey.endsWith('/v1/webhooks/{source}')) return webhook(name, headers, body, runId, deps);
  return failure(404, 'no such route');
}

async function bulkImport(
  name: string,
  headers: Record<string, string | undefined>,
  body: Buffer,
  runId: string,
  deps: IngestHandlerDependencies,
): Promise<HttpResult> {
  let source: Awaited<ReturnType<typeof sourceOfWriteKey>>;
  try {
    source = await sourceOfWriteKey(deps.sources, writeKeyFromAuthorization(headers.authorization));
  } catch (error) {
    if (error instanceof UnauthorizedError) return unauthorized(error.message);
    throw error;
  }
  if (source.name !== name)
    return failure(403, `this write key belongs to source ${source.name}, not ${name}`);
  const configured = deps.ingestSources.get(name);
  if (configured === undefined) return failure(404, `source ${name} has no mapping (docs/import.md)`);
  const format = formatOf(headers['content-type']);
  if (format === undefined) {
    return failure(415, 'send text/csv or application/x-ndjson (optionally with Content-Encoding: gzip)');
  }
  if (body.byteLength === 0) return failure(400, 'empty body');
  const result = await run(configured, body, format, runId, deps);
  if (result.summary.status === 'failed') return failedRun(result.summary, deps);
  deps.logger.info('bulk import', { source: name, rows: result.summary.rows });
  return importAnswer(bulkStatus(result), result);
}

async function webhook(
  name: string,
  headers: Record<string, string | undefined>,
  body: Buffer,
  runId: string,
  deps: IngestHandlerDependencies,
): Promise<HttpResult> {
  const configured = deps.ingestSources.get(name);
  const hook = configured?.webhook;
  if (configured === undefined || hook === undefined) return failure(404, `source ${name} takes no webhooks`);
  if (hook.secret === undefined) {
    deps.logger.error('webhook secret not resolved', { source: name });
    return failure(503, 'webhook not configured');
  }
  let ndjson: Uint8Array;
  try {
    verifyWebhookSignature(
      hook.kind,
      { body, headers, now: (deps.now ?? (() => new Date()))() },
      hook.secret,
    );
    ndjson = webhookEventsAsNdjson(body);
  } catch (error) {
    if (error instanceof WebhookSignatureError) {
      deps.logger.warn('webhook signature refused', { source: name, reason: error.message });
      return failure(401, error.message);
    }
    if (error instanceof WebhookBodyError) return failure(400, error.message);
    throw error;
  }
  if (ndjson.byteLength === 0) return importAnswer(200, emptyResult(configured));
  const result = await run(configured, ndjson, 'ndjson', runId, deps);
  if (result.summary.status === 'failed') return failedRun(result.summary, deps);
  if (result.summary.rows.rejected > 0) {
    deps.logger.warn('webhook events rejected', {
      source: name,
      rejectedByReason: result.summary.rejectedByReason,
    });
  }
  // 200 even with rejected events: the provider would only send the same events again.
  return importAnswer(200, result);
}

/** Imports through the source's mapping, the same import `cdp import` runs. */
function run(
  source: IngestSource,
  body: Uint8Array,
  format: RequestFormat,
  runId: string,
  deps: IngestHandlerDependencies,
): Promise<RequestImportResult> {
  return importRequestBody(
    {
      body,
      format,
      mapping: source.mapping,
      mappingName: source.mappingName,
      source: { name: source.name, channel: source.channel },
      privacy: deps.privacy,
      runId,
    },
    {
      stream: deps.stream,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.maxRejects ? { maxRejects: deps.maxRejects } : {}),
    },
  );
}

/**
 * A run that stopped: the caller hears why when the input is at fault and to send again (503) when the stream
 * did not take the events; a platform fault stays in the log.
 */
function failedRun(summary: ImportSummary, deps: IngestHandlerDependencies): HttpResult {
  if (summary.errorKind === 'input') return failure(400, summary.error ?? 'cannot read the body');
  if (summary.errorKind === 'stream') {
    deps.logger.error('events not stored', { source: summary.source, error: summary.error });
    return notStored();
  }
  deps.logger.error('import run failed', { runId: summary.runId, error: summary.error });
  return failure(500, 'internal error');
}

function emptyResult(source: IngestSource): RequestImportResult {
  return {
    summary: {
      runId: '',
      status: 'completed',
      input: '',
      source: source.name,
      channel: source.channel,
      mapping: source.mappingName,
      mappingHash: '',
      dryRun: false,
      startedAt: '',
      finishedAt: '',
      resumedAfterRecord: 0,
      checkpointRecord: 0,
      rows: { read: 0, imported: 0, duplicates: 0, rejected: 0 },
      events: 0,
      rejectedByReason: {},
      omittedByReason: {},
      rejects: 'inline',
    },
    rejects: [],
    rejectsLeftOut: 0,
  };
}

/** The input format a content type names; parameters (`; charset=utf-8`) are ignored. */
function formatOf(contentType: string | undefined): RequestFormat | undefined {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (
    type === 'application/x-ndjson' ||
    type === 'application/ndjson' ||
    type === 'application/jsonl' ||
    type === 'application/x-jsonlines'
  ) {
    return 'ndjson';
  }
  return undefined;
}

function bodyBytes(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Payload 2.0 lower-cases header names already; other callers (tests, tools) may not. */
function lowerCaseKeys(
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
