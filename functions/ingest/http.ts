/** HTTP answers of the ingest function. Errors become statuses only here; unknown errors a bare 500. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RequestImportResult } from '../../shared/import/request-import.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/** Seconds a client should wait after a 503: Kinesis throughput is metered per second. */
export const retryAfterSeconds = 2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function failure(
  statusCode: number,
  message: string,
  headers: Record<string, string> = {},
): HttpResult {
  return json(statusCode, { success: false, message }, headers);
}

export function unauthorized(message: string): HttpResult {
  return failure(401, message, { 'www-authenticate': 'Basic realm="cdp"' });
}

export function notStored(): HttpResult {
  return failure(503, 'events not stored; send the same body again later (nothing is doubled)', {
    'retry-after': String(retryAfterSeconds),
  });
}

/** The run summary and the rejected rows (capped) as the client reads them. */
export function importAnswer(statusCode: number, result: RequestImportResult): HttpResult {
  const { summary } = result;
  return json(statusCode, {
    success: summary.rows.rejected === 0,
    source: summary.source,
    channel: summary.channel,
    mapping: summary.mapping,
    rows: summary.rows,
    events: summary.events,
    rejectedByReason: summary.rejectedByReason,
    omittedByReason: summary.omittedByReason,
    rejects: result.rejects.map(({ record, field, reason, value, raw }) => ({
      record,
      field,
      reason,
      value,
      raw,
    })),
    rejectsLeftOut: result.rejectsLeftOut,
  });
}

/**
 * 200 when every row was imported (or was a duplicate), 207 when some were rejected, 422 when all were. Like
 * WebDAV's Multi-Status, 207 says "look at the body": the rows that can be fixed are listed there.
 */
export function bulkStatus(result: RequestImportResult): 200 | 207 | 422 {
  const { rows } = result.summary;
  if (rows.rejected === 0) return 200;
  return rows.rejected === rows.read ? 422 : 207;
}
