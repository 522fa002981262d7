/** Errors of the profiles module. */
import { CdpError } from '../errors.ts';

/** Base of every error the profiles module raises on purpose. */
export class ProfileError extends CdpError {}

/** A request the profile API cannot answer as asked: a bad identifier or a bad parameter. */
export class InvalidProfileRequestError extends ProfileError {}
