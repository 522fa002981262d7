/** Errors of the privacy module (erasure and suppression). */
import { CdpError } from '../errors.ts';

/** Base of every error the privacy module raises on purpose. */
export class PrivacyError extends CdpError {}

/**
 * An erasure job changed between its read and its write: another run (the request, or the scheduled upkeep)
 * is working on it. Every step is idempotent, so the other run's work stands and this one stops.
 */
export class ErasureJobConflictError extends PrivacyError {
  constructor(readonly erasureId: string) {
    super(`erasure ${erasureId} was changed by another run`);
  }
}

/** Some erasure steps of an upkeep run failed; their jobs are tried again next run. */
export class ErasureUpkeepError extends PrivacyError {}

/** Other writers kept changing a suppression entry's late-event count; the events are delivered again. */
export class SuppressionConflictError extends PrivacyError {}
