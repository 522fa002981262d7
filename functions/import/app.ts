/**
 * The import function's adapter with its dependencies injected: each object created under `imports/<source>/`
 * (an S3 "Object Created" event from EventBridge) is imported with `importObject`, the same `runImport` as
 * `cdp import`. `handler.ts`
 * builds it once per cold start; tests build it from fakes.
 *
 * EventBridge invokes it asynchronously and Lambda retries a failed invocation twice. The function fails an invocation
 * only when retrying helps: the stream did not take the events, or the file was not finished before the
 * timeout (the import stops at a checkpoint a minute before it, and the retry goes on from there). A file the
 * mapping cannot read, or from an unknown source, is not retried: its summary says why.
 */
import type { Context, S3ObjectCreatedNotificationEvent } from 'aws-lambda';
import { ImportError } from '../../shared/import/errors.ts';
import {
  droppedFile,
  importObject,
  type ObjectImportDependencies,
} from '../../shared/import/object-import.ts';
import type { ImportSummary } from '../../shared/import/run.ts';
import type { Logger } from '../../shared/logger.ts';
import { createdObject } from './s3-event.ts';

/** A run that did not finish; the invocation fails so that Lambda's retry resumes it from its checkpoint. */
export class ImportUnfinishedError extends ImportError {
  constructor(readonly summary: ImportSummary) {
    super(
      summary.status === 'interrupted'
        ? `${summary.input}: stopped before the timeout after record ${summary.checkpointRecord}; the retry goes on from there`
        : `${summary.input}: ${summary.error ?? 'failed'}; the retry goes on from record ${summary.checkpointRecord}`,
    );
  }
}

export interface ImportHandlerDependencies extends Omit<ObjectImportDependencies, 'signal'> {
  /** The bucket whose notifications are handled (the imports bucket); others' records are ignored. */
  readonly bucket: string;
  readonly logger: Logger;
  /** Time kept before the function's timeout to store the checkpoint and summary. @default 60_000 */
  readonly stopBeforeTimeoutMs?: number;
}

export type ImportHandler = (event: S3ObjectCreatedNotificationEvent, context?: Context) => Promise<void>;

export function createImportHandler(deps: ImportHandlerDependencies): ImportHandler {
  const { logger } = deps;
  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    const stop = new AbortController();
    const margin = deps.stopBeforeTimeoutMs ?? 60_000;
    const left =
      context === undefined ? Number.POSITIVE_INFINITY : context.getRemainingTimeInMillis() - margin;
    if (left <= 0) stop.abort();
    const timer = Number.isFinite(left) && left > 0 ? setTimeout(() => stop.abort(), left) : undefined;
    try {
      const object = createdObject(event);
      const file = object?.bucket === deps.bucket ? droppedFile(object.key) : undefined;
      if (file === undefined) {
        logger.warn('event ignored', { bucket: object?.bucket, key: object?.key });
        return;
      }
      logger.appendKeys({ key: file.key, source: file.source });
      report(await importObject(file, { ...deps, signal: stop.signal }), logger);
    } finally {
      clearTimeout(timer);
      logger.resetKeys();
    }
  };
}

function report(summary: ImportSummary | undefined, logger: Logger): void {
  if (summary === undefined) {
    logger.warn('object gone before its import');
    return;
  }
  const fields = { runId: summary.runId, status: summary.status, rows: summary.rows };
  if (summary.status === 'completed' || summary.status === 'already-imported') {
    logger.info('file imported', fields);
  } else if (summary.status === 'failed' && summary.errorKind === 'input') {
    // Retrying cannot help: the summary beside the file tells the sender what to fix.
    logger.warn('file not importable', { ...fields, error: summary.error });
  } else {
    throw new ImportUnfinishedError(summary);
  }
}
