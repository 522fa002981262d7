/**
 * What an import run keeps between its start and its end, and across an interruption: the checkpoint, the
 * rejected rows and the summary. `ImportRunStore` is the port; `FileRunStore` keeps them in a directory
 * (locally `<data dir>/imports/<run id>/`), and a store over the lake bucket can do the same for the import
 * function.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Channel } from '../ports.ts';

export interface ImportCounts {
  /** Data rows read (blank rows are not counted). */
  readonly rowsRead: number;
  /** Rows that are part of an event put on the stream. */
  readonly rowsImported: number;
  /** Rows skipped because the file already had them (same natural key, same content). */
  readonly rowsDuplicate: number;
  readonly rowsRejected: number;
  /** Events put on the stream (an order of several rows is one event). */
  readonly events: number;
  /** Rejected rows by `field: reason`. */
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** Invalid values left out of imported rows (fields with `invalid: omit`), by `field: reason`. */
  readonly omittedByReason: Readonly<Record<string, number>>;
}

export const noCounts: ImportCounts = {
  rowsRead: 0,
  rowsImported: 0,
  rowsDuplicate: 0,
  rowsRejected: 0,
  events: 0,
  rejectedByReason: {},
  omittedByReason: {},
};

/** Where a run stands: a re-run of the same input with the same mapping resumes after `record`. */
export interface ImportCheckpoint {
  readonly version: 1;
  readonly mappingHash: string;
  /** What identifies the input's content (size and modification time, an S3 ETag). */
  readonly inputFingerprint: string;
  /**
   * Every row up to this record was processed, and everything it produced is stored: events on the stream,
   * rejects in the store. A resumed run re-reads these rows to rebuild its state without sending them.
   */
  readonly record: number;
  readonly complete: boolean;
  readonly startedAt: string;
  readonly counts: ImportCounts;
}

/** A row that was not imported, as the rejects file lists it. */
export interface RejectedRow {
  readonly record: number;
  readonly line: number;
  /** The spec field (or `naturalKey.<column>`, `group.by`…) the problem is in; '' for the row as a whole. */
  readonly field: string;
  readonly reason: string;
  /** The offending text, when one value is at fault. */
  readonly value: string;
  /** The row as it was in the input (CSV text or the JSON line). */
  readonly raw: string;
}

export type ImportStatus = 'completed' | 'interrupted' | 'failed' | 'already-imported';

/** What `cdp import` prints at the end and stores with the run. */
export interface ImportSummary {
  readonly runId: string;
  readonly status: ImportStatus;
  /** Why a failed run stopped. */
  readonly error?: string;
  /**
   * Why a run failed: the input or its mapping (`input`: the sender can fix it), the events stream refusing
   * records (`stream`: send again later; nothing is doubled), or the platform (`internal`: its message is for
   * operators, not for an HTTP caller).
   */
  readonly errorKind?: 'input' | 'stream' | 'internal';
  readonly input: string;
  readonly source: string;
  readonly channel: Channel;
  readonly mapping: string;
  readonly mappingHash: string;
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The run went on from an earlier interrupted one after this record (0: it started at the first row). */
  readonly resumedAfterRecord: number;
  /** Every row up to this record is stored: where a re-run of an interrupted or failed run goes on. */
  readonly checkpointRecord: number;
  readonly rows: {
    readonly read: number;
    readonly imported: number;
    readonly duplicates: number;
    readonly rejected: number;
  };
  readonly events: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly omittedByReason: Readonly<Record<string, number>>;
  /** Where the rejected rows are. */
  readonly rejects: string;
}

export interface ImportRunStore {
  readonly runId: string;
  /** Where the rejected rows are kept, as the summary names it. */
  readonly rejectsLocation: string;
  readonly summaryLocation: string;
  /** The checkpoint of an earlier run, if there is one. */
  loadCheckpoint(): Promise<ImportCheckpoint | undefined>;
  /** The summary of the earlier run, if it completed. */
  loadSummary(): Promise<ImportSummary | undefined>;
  /**
   * Prepares the rejects for this run: going on from `resumed` keeps exactly the rejects written up to its
   * checkpoint; a fresh run (`undefined`) starts with none.
   */
  begin(resumed: ImportCheckpoint | undefined): Promise<void>;
  /** Stores `rejects`, then the checkpoint: once it resolves, a resumed run starts after `checkpoint.record`. */
  saveProgress(checkpoint: ImportCheckpoint, rejects: readonly RejectedRow[]): Promise<void>;
  saveSummary(summary: ImportSummary): Promise<void>;
}

/**
 * The run id of importing `input` as `source` with a mapping: the same command gets the same id, so it finds
 * its checkpoint. `orders-2024.csv` → `orders-2024-csv-1f2e3d4c5b6a`.
 */
export function importRunId(input: string, source: string, mappingHash: string): string {
  const slug =
    basename(input)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'input';
  const digest = createHash('sha256').update(`${source}\u0000${input}\u0000${mappingHash}`).digest('hex');
  return `${slug}-${digest.slice(0, 12)}`;
}

/** RFC 4180 CSV of the rejects: a header line, then one line per row, CRLF line ends. */
export const rejectsHeader = 'record,line,field,reason,value,raw\r\n';

export function rejectsCsv(rows: readonly RejectedRow[]): string {
  let text = '';
  for (const row of rows) {
    text += `${row.record},${row.line},${csvField(row.field)},${csvField(row.reason)},${csvField(row.value)},${csvField(row.raw)}\r\n`;
  }
  return text;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
