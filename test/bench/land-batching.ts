/**
 * How Lambda's event source mapping would have cut one shard's records into `land` invocations with the
 * topology's settings rather than the local runtime's shortened batching window. A batch closes when it holds
 * `batchSize` records, when the next record would push the invocation payload past its limit, or when the
 * window opened by its first record has passed; landing then writes one Parquet file and one marker per
 * (table, date) partition the batch touches.
 */

export interface ArrivedRecord {
  /** When the record reached the shard (Kinesis's ApproximateArrivalTimestamp), epoch milliseconds. */
  readonly arrivalMs: number;
  /** What the record adds to the invocation payload (`eventRecordBytes` of infra/local/kinesis-event.ts). */
  readonly eventBytes: number;
  /** The lake partition it lands in, e.g. `events/2026-11-22`. */
  readonly partition: string;
}

export interface BatchingSettings {
  readonly batchSize: number;
  readonly windowSeconds: number;
  readonly maxPayloadBytes: number;
  /** Payload bytes around the records (`{"Records":[]}`). */
  readonly envelopeBytes: number;
}

export interface SimulatedBatch {
  readonly records: number;
  readonly partitions: number;
  readonly closedBy: 'batchSize' | 'payload' | 'window';
}

/** Records in shard order; a stream with several shards is simulated shard by shard. */
export function simulateBatches(
  records: readonly ArrivedRecord[],
  settings: BatchingSettings,
): SimulatedBatch[] {
  const batches: SimulatedBatch[] = [];
  let open: { deadlineMs: number; records: number; bytes: number; partitions: Set<string> } | undefined;
  const close = (closedBy: SimulatedBatch['closedBy']) => {
    if (open) batches.push({ records: open.records, partitions: open.partitions.size, closedBy });
    open = undefined;
  };
  for (const record of records) {
    if (open) {
      if (open.records === settings.batchSize) close('batchSize');
      else if (open.bytes + record.eventBytes > settings.maxPayloadBytes) close('payload');
      else if (record.arrivalMs > open.deadlineMs) close('window');
    }
    open ??= {
      deadlineMs: record.arrivalMs + settings.windowSeconds * 1000,
      records: 0,
      bytes: settings.envelopeBytes,
      partitions: new Set(),
    };
    open.records += 1;
    open.bytes += record.eventBytes;
    open.partitions.add(record.partition);
  }
  // The stream went quiet: the last batch goes when its window runs out.
  close('window');
  return batches;
}

/** Each partition a batch touches costs two PUTs: its Parquet file and its pending-compaction marker. */
export function landingPuts(batches: readonly SimulatedBatch[]): number {
  return batches.reduce((total, batch) => total + 2 * batch.partitions, 0);
}
