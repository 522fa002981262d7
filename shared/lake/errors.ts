import { CdpError } from '../errors.ts';
import type { CompactionSummary } from './compact.ts';

/** Base of every error the lake raises on purpose. */
export class LakeError extends CdpError {}

/** A stream record that is not a `StreamEnvelope` the lake knows; it goes to the failure destination. */
export class InvalidStreamRecordError extends LakeError {}

/** A Parquet object that cannot be read back. */
export class LakeFileError extends LakeError {
  constructor(
    message: string,
    readonly key: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Writing landed files or their compaction markers failed; the whole batch is retried. */
export class LakeWriteError extends LakeError {
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Some partitions could not be compacted (their markers stay for the next run); the others were. */
export class CompactionFailedError extends LakeError {
  constructor(readonly summary: CompactionSummary) {
    const first = summary.failures[0];
    super(`compaction failed for ${summary.failures.length} partition(s), e.g. ${first?.table}/${first?.dt}`);
  }
}
