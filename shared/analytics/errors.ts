import { CdpError } from '../errors.ts';

/** Base of every error the analyses raise on purpose. */
export class AnalyticsError extends CdpError {}

/** No analysis of that name is registered. */
export class UnknownAnalysisError extends AnalyticsError {
  constructor(
    readonly analysis: string,
    readonly known: readonly string[],
  ) {
    super(`no analysis named '${analysis}' (known: ${known.join(', ')})`);
  }
}

/** A parameter value the analysis cannot run with; the message names the parameter and what it accepts. */
export class AnalysisParameterError extends AnalyticsError {
  constructor(
    message: string,
    readonly parameter: string | undefined,
  ) {
    super(message);
  }
}

/** An analysis's SQL text refers to a placeholder no parameter provides, or cannot be read. */
export class AnalysisSqlError extends AnalyticsError {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The engine's result does not have the shape the analysis's in-process step expects. */
export class AnalysisResultError extends AnalyticsError {}
