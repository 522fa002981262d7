/** Errors of identity resolution. */
import { CdpError } from '../errors.ts';

/** Base of every error identity resolution raises on purpose. */
export class IdentityError extends CdpError {}

/** An identifier that cannot be looked up: an unknown type name, or a value that normalises to nothing. */
export class InvalidIdentifierError extends IdentityError {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

/**
 * Some events could not be applied because other writers kept changing the same profiles, or a redirect chain
 * did not end; the caller reports their records as failed so the stream delivers them again.
 */
export class ResolutionConflictError extends IdentityError {
  constructor(
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The graph contradicts itself: an identity points at a missing profile, or redirects do not end. */
export class InconsistentGraphError extends IdentityError {}
