/**
 * Reads a handler's response the way Lambda reads a `ReportBatchItemFailures` response: an absent or empty
 * list is a success; otherwise the batch resumes at the lowest failed sequence number. An identifier that is
 * empty, null, misnamed or not in the batch makes the whole batch a failure.
 */
import type { InvocationOutcome } from './batch-retry.ts';

const success: InvocationOutcome = { kind: 'success' };
const wholeBatch: InvocationOutcome = { kind: 'partial', failedFrom: 0 };

/** `sequenceNumbers` are those of the invoked records, in order. */
export function outcomeOfResponse(response: unknown, sequenceNumbers: readonly string[]): InvocationOutcome {
  if (typeof response !== 'object' || response === null || !('batchItemFailures' in response)) return success;
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return success;
  if (!Array.isArray(failures)) return wholeBatch;
  if (failures.length === 0) return success;

  const positions = new Map(sequenceNumbers.map((sequenceNumber, index) => [sequenceNumber, index]));
  let failedFrom = sequenceNumbers.length;
  for (const failure of failures) {
    const identifier: unknown =
      typeof failure === 'object' && failure !== null && 'itemIdentifier' in failure
        ? failure.itemIdentifier
        : undefined;
    const position = typeof identifier === 'string' ? positions.get(identifier) : undefined;
    if (position === undefined) return wholeBatch;
    failedFrom = Math.min(failedFrom, position);
  }
  return { kind: 'partial', failedFrom };
}
