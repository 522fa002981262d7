/**
 * Why an import cannot go on as a whole. A row that cannot be imported is not an error: it is rejected with its
 * reason into the rejects file and the import continues.
 */
import { CdpError } from '../errors.ts';

export class ImportError extends CdpError {}

/** A mapping file that does not parse or breaks the mapping schema; `where` names the file. */
export class MappingError extends ImportError {}

/** The input cannot be read as the mapping declares it: unknown encoding, broken CSV quoting, missing columns. */
export class InputError extends ImportError {}

/** The stream did not take every record of a batch even after retries: the run stops at its last checkpoint. */
export class EventsNotStoredError extends ImportError {
  readonly failed: number;
  readonly total: number;

  constructor(failed: number, total: number, options?: ErrorOptions) {
    super(`${failed} of ${total} records of a batch were not stored on the stream`, options);
    this.failed = failed;
    this.total = total;
  }
}

/** A webhook request whose signature is missing, malformed, stale or wrong: nothing of it is imported. */
export class WebhookSignatureError extends ImportError {}

/** A webhook body that is not what the provider sends (not JSON, not an object or an array of objects). */
export class WebhookBodyError extends ImportError {}
