/**
 * The Segment HTTP API's limits, which the clients already respect (analytics-node's ContextBatch caps an event
 * at 32 KB and a batch below 500 KB; the browser's batched dispatcher flushes before 500 KB). KB means KiB.
 */
export const limits = {
  /** Largest event, measured as the UTF-8 size of its compact JSON. */
  eventBytes: 32 * 1024,
  /** Largest request body, measured in bytes as received. */
  requestBytes: 500 * 1024,
  /** Most events in one batch request. */
  batchEvents: 2_500,
  /** `messageId` must be shorter than 100 characters. */
  messageIdLength: 99,
} as const;
