/**
 * Why the collector refuses a request. The HTTP edge maps each to a status (400, 401, 403, 503); anything else
 * that escapes is a bug and becomes a generic 500.
 */
import { CdpError } from '../errors.ts';
import type { QuarantinedEvent } from '../events/model.ts';

export class CollectError extends CdpError {}

/** The request as a whole is unusable: not JSON, too large, not the expected shape. Nothing was stored. */
export class InvalidRequestError extends CollectError {
  /** Where in the request the problem is (`batch`, `batch[3].event`), '' for the request as a whole. */
  readonly path: string;
  readonly reason: string;

  constructor(reason: string, path = '', options?: { cause?: unknown }) {
    super(path === '' ? reason : `${path}: ${reason}`, options);
    this.path = path;
    this.reason = reason;
  }
}

/**
 * The single event of a single-call request broke the spec. It was stored in the quarantine, so nothing is
 * lost, but the client is told (browsers ignore the answer, server libraries report it).
 */
export class InvalidEventError extends InvalidRequestError {
  readonly messageId: string;

  constructor(quarantined: QuarantinedEvent) {
    super(quarantined.reason, quarantined.path);
    this.messageId = quarantined.messageId;
  }
}

/** No write key, or one that belongs to no source. */
export class UnauthorizedError extends CollectError {}

/** A browser request from an origin the source does not allow. */
export class OriginNotAllowedError extends CollectError {
  readonly origin: string;
  readonly source: string;

  constructor(origin: string, source: string) {
    super(`origin ${origin} may not send to source ${source}`);
    this.origin = origin;
    this.source = source;
  }
}

/** The stream did not take every record even after retries: the client must send the request again. */
export class EventsNotStoredError extends CollectError {
  readonly failed: number;
  readonly total: number;

  constructor(failed: number, total: number) {
    super(`${failed} of ${total} records were not stored`);
    this.failed = failed;
    this.total = total;
  }
}
