/**
 * The collector's domain operation: a Segment-compatible request in, every message stored on the events stream
 * (valid ones as events, invalid ones in the quarantine) or a refusal out. Transport-neutral, so the HTTP
 * handler, the local runtime and the benchmark drive the same code.
 */
import type { RuntimeSettings } from '../config/settings.ts';
import type { EventStream, Source, SourceRegistry } from '../ports.ts';
import { parseJsonBody } from './body.ts';
import { EventsNotStoredError, InvalidEventError } from './errors.ts';
import { assertOriginAllowed } from './origins.ts';
import { type Endpoint, type PreparedMessage, prepareMessages } from './prepare.ts';
import { eventRecord, quarantineRecord } from './records.ts';
import { sourceOfWriteKey, writeKeyFromAuthorization, writeKeyFromBody } from './write-key.ts';

export interface CollectRequest {
  readonly endpoint: Endpoint;
  /** The body as received; JSON whatever its declared content type. */
  readonly body: string | Uint8Array | undefined;
  readonly authorization?: string | undefined;
  /** The Origin header: present on browser requests. */
  readonly origin?: string | undefined;
  /** API Gateway's source IP of the request. */
  readonly sourceIp?: string | undefined;
  readonly userAgent?: string | undefined;
  /** When the request arrived; passed in so time is injectable. */
  readonly receivedAt: Date;
}

export interface PrepareDependencies {
  readonly sources: SourceRegistry;
  readonly privacy: Pick<RuntimeSettings['privacy'], 'ip'>;
}

export interface CollectDependencies extends PrepareDependencies {
  readonly stream: EventStream;
}

export interface RejectedMessage {
  /** Position in the batch (0 for a single-event request). */
  readonly index: number;
  readonly messageId: string;
  readonly reason: string;
  readonly path: string;
}

export interface CollectResult {
  readonly source: Source;
  /** Messages stored as events. */
  readonly accepted: number;
  /** Messages stored in the quarantine, with why. */
  readonly rejected: readonly RejectedMessage[];
}

/**
 * Parses, authenticates and validates a request without storing anything: the body as JSON, the write key from
 * Basic auth or the body, the browser origin against the source's, then every message. Throws
 * `InvalidRequestError`, `UnauthorizedError` or `OriginNotAllowedError` for requests refused as a whole.
 */
export async function prepareRequest(
  request: CollectRequest,
  deps: PrepareDependencies,
): Promise<{ readonly source: Source; readonly messages: readonly PreparedMessage[] }> {
  const body = parseJsonBody(request.body);
  const writeKey = writeKeyFromAuthorization(request.authorization) ?? writeKeyFromBody(body);
  const source = await sourceOfWriteKey(deps.sources, writeKey);
  assertOriginAllowed(source, request.origin);
  const messages = prepareMessages(body, request.endpoint, {
    source,
    receivedAt: request.receivedAt,
    requestIp: request.sourceIp,
    requestUserAgent: request.userAgent,
    ipPrivacy: deps.privacy.ip,
  });
  return { source, messages };
}

/**
 * Collects one request. Resolves only once every record is durably on the stream; throws
 * `EventsNotStoredError` when the stream could not take them all, so nothing unstored is ever acknowledged (a
 * retried request dedupes downstream by messageId). A single-event request whose event broke the spec throws
 * `InvalidEventError` after the event was quarantined; in a batch the rejected messages are reported instead.
 *
 * @example
 *   const result = await collect({ endpoint: 'track', body, authorization, receivedAt: new Date() }, deps);
 *   // result.accepted === 1, result.rejected === []
 */
export async function collect(request: CollectRequest, deps: CollectDependencies): Promise<CollectResult> {
  const { source, messages } = await prepareRequest(request, deps);
  // Records keep the input order, so one sender's events reach their shard in the order they were sent.
  const records = messages.map((message) =>
    message.ok ? eventRecord(message.event) : quarantineRecord(message.quarantined),
  );
  const { failed } = await deps.stream.put(records);
  if (failed.length > 0) throw new EventsNotStoredError(failed.length, records.length);
  const rejected: RejectedMessage[] = [];
  for (const message of messages) {
    if (message.ok) continue;
    if (request.endpoint !== 'batch') throw new InvalidEventError(message.quarantined);
    const { messageId, reason, path } = message.quarantined;
    rejected.push({ index: message.index, messageId, reason, path });
  }
  return { source, accepted: messages.length - rejected.length, rejected };
}
