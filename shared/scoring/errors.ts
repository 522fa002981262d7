/** Why scoring refuses its input or cannot produce a model. */
import { CdpError } from '../errors.ts';

/** Base of every error the scoring models raise on purpose. */
export class ScoringError extends CdpError {}

/** Input the models cannot use: a bad value, a missing column, an impossible customer history. */
export class ScoringInputError extends ScoringError {}

/** A value in a file that cannot be used, with where it is so that the user can fix it. */
export class ScoringFileError extends ScoringInputError {
  constructor(
    readonly reason: string,
    readonly place: { readonly file: string; readonly line?: number; readonly column?: string },
    options?: { cause?: unknown },
  ) {
    super(`${describePlace(place)}: ${reason}`, options);
  }
}

/** Maximum likelihood did not reach an optimum, or the data cannot identify the model. */
export class ModelFitError extends ScoringError {}

/** A numeric routine was asked for a value outside its domain, or did not converge. */
export class NumericError extends ScoringError {}

function describePlace(place: ScoringFileError['place']): string {
  const line = place.line === undefined ? '' : ` line ${place.line}`;
  const column = place.column === undefined ? '' : `, column ${place.column}`;
  return `${place.file}${line}${column}`;
}
