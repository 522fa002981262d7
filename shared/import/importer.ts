/**
 * The import's domain operation: an input file and a mapping in, events on the events stream, rejected rows
 * and a summary in the run store. Transport-neutral, so `cdp import`, the benchmark and (later) the
 * S3-triggered import function and the bulk HTTP endpoint drive the same code.
 *
 * Every event goes through the collector's own shaping (`prepareMessages`: the spec's validation, the size
 * limit, enrichment; then the `cdp.event/1` envelope of `eventRecord`) with the source's name and channel, so
 * downstream an imported event is indistinguishable from a collected one. Its messageId is a digest of the
 * source and the row's natural key, so importing the same rows again sends the same ids and the lake keeps one
 * row each.
 *
 * Resuming: a checkpoint names the last row whose output (events, rejects) is stored. A run that finds the
 * checkpoint of an unfinished run of the same input and mapping re-reads the rows up to it without sending,
 * writing or counting anything — which rebuilds the orders still open and the keys already sent — and goes on
 * from there, so an interrupted and resumed import ends exactly like an uninterrupted one.
 */
import { type PreparedMessage, prepareMessages } from '../collect/prepare.ts';
import { eventRecord } from '../collect/records.ts';
import type { EdgeFacts } from '../events/enrich.ts';
import type { IpPrivacy } from '../events/ip.ts';
import type { Channel, EventStream, Source, StreamRecord } from '../ports.ts';
import { type Assembled, MessageAssembler } from './assembler.ts';
import { EventsNotStoredError, ImportError } from './errors.ts';
import { type InputRow, openInput } from './input.ts';
import { compileMapping, type Omission, type RowMapper } from './mapper.ts';
import { type Mapping, mappingHash } from './mapping.ts';
import { RecentKeys } from './recent-keys.ts';
import {
  type ImportCheckpoint,
  type ImportCounts,
  type ImportRunStore,
  type ImportStatus,
  type ImportSummary,
  noCounts,
  type RejectedRow,
} from './run.ts';

export interface ImportRequest {
  /** The input's bytes, as stored (gzip is recognised and inflated). */
  readonly input: AsyncIterable<Uint8Array>;
  /** How the summary names the input: a path, an S3 URI. */
  readonly inputName: string;
  /** Changes when the input's content does (size and mtime, an ETag): a checkpoint only resumes the same. */
  readonly inputFingerprint: string;
  readonly mapping: Mapping;
  /** How the summary names the mapping: its file. */
  readonly mappingName: string;
  /** The configured source the mapping names, with its channel. */
  readonly source: { readonly name: string; readonly channel: Channel };
  readonly privacy: IpPrivacy;
  /** Map, clean and count, but put nothing on the stream. */
  readonly dryRun?: boolean;
}

export interface ImportProgress {
  /** Records read so far, the rows re-read to resume included. */
  readonly records: number;
  /** Re-reading the rows an interrupted run already imported. */
  readonly resuming: boolean;
  readonly counts: ImportCounts;
}

export interface ImportDependencies {
  readonly stream: EventStream;
  readonly runs: ImportRunStore;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Events per `put`. @default 500 */
  readonly batchSize?: number;
  /** Told every few thousand rows and at every checkpoint. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Aborting stops after the current row: what was read is stored, checkpointed and summarised. */
  readonly signal?: AbortSignal;
  /** Keys remembered per generation to recognise duplicates in the file (see recent-keys.ts). */
  readonly recentKeys?: number;
}

/** An event may be dated at most this far ahead of the import: further is a clock or data error. */
const maxFutureMs = 24 * 3600_000;
/** Rejected rows are written at least this often, so a file of mostly bad rows keeps memory flat too. */
const maxBufferedRejects = 1_000;
const progressEvery = 2_000;

/**
 * Imports one input. Resolves with the run's summary, also stored with the run, whatever the outcome: a run
 * stopped by the signal is `interrupted`, one whose stream or input failed is `failed` (with `error`); both
 * resume from their checkpoint when run again. A completed run of the same input and mapping is not repeated:
 * its summary comes back as `already-imported`.
 *
 * @example
 *   const summary = await runImport(
 *     { input: createReadStream('orders.csv'), inputName: 'orders.csv', inputFingerprint: '1234:1700000000000',
 *       mapping, mappingName: 'mappings/pos.json', source: { name: 'pos', channel: 'pos' }, privacy: 'truncate' },
 *     { stream, runs: new FileRunStore({ dir, runId }) },
 *   );
 *   // summary.rows → { read: 1204, imported: 1180, duplicates: 12, rejected: 12 }
 */
export async function runImport(request: ImportRequest, deps: ImportDependencies): Promise<ImportSummary> {
  const run = new ImportRun(request, deps);
  return run.execute();
}

class ImportRun {
  readonly #request: ImportRequest;
  readonly #deps: ImportDependencies;
  readonly #now: () => Date;
  readonly #batchSize: number;
  readonly #hash: string;
  readonly #recent: RecentKeys;
  readonly #mapping: Mapping;
  readonly #edgeSource: Source;

  #mapper: RowMapper | undefined;
  #assembler: MessageAssembler | undefined;
  #counts: MutableCounts = mutableCounts(noCounts);
  #stored: ImportCounts = noCounts;
  #storedRecord = 0;
  #startedAt = '';
  #resumeAfter = 0;
  /** Re-reading rows an earlier run already stored: state is rebuilt, nothing is sent, written or counted. */
  #replaying = false;
  #lastRecord = 0;
  #batch: StreamRecord[] = [];
  #rejects: RejectedRow[] = [];

  constructor(request: ImportRequest, deps: ImportDependencies) {
    this.#request = request;
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#batchSize = deps.batchSize ?? 500;
    this.#mapping = request.mapping;
    this.#hash = mappingHash(request.mapping);
    this.#recent = new RecentKeys(deps.recentKeys);
    // The importer has no write key; the source stands for itself.
    this.#edgeSource = { ...request.source, writeKey: '', allowedOrigins: [] };
  }

  async execute(): Promise<ImportSummary> {
    const { runs } = this.#deps;
    const checkpoint = this.#request.dryRun ? undefined : await runs.loadCheckpoint();
    const resumable =
      checkpoint !== undefined &&
      checkpoint.mappingHash === this.#hash &&
      checkpoint.inputFingerprint === this.#request.inputFingerprint;
    if (resumable && checkpoint.complete) {
      const previous = await runs.loadSummary();
      if (previous !== undefined) return { ...previous, status: 'already-imported' };
    }
    const resumed = resumable && !checkpoint.complete ? checkpoint : undefined;
    await runs.begin(resumed);
    this.#startedAt = resumed?.startedAt ?? this.#now().toISOString();
    this.#resumeAfter = resumed?.record ?? 0;
    this.#stored = resumed?.counts ?? noCounts;
    this.#storedRecord = this.#resumeAfter;
    this.#counts = mutableCounts(this.#stored);

    let status: ImportStatus = 'completed';
    let error: { message: string; kind: NonNullable<ImportSummary['errorKind']> } | undefined;
    try {
      const interrupted = await this.#readAll();
      if (interrupted) status = 'interrupted';
      else {
        const assembled: Assembled[] = [];
        this.#assembler?.end(assembled);
        this.#handle(assembled);
      }
      await this.#checkpoint(!interrupted);
    } catch (caught) {
      status = 'failed';
      error = {
        message: caught instanceof Error ? caught.message : String(caught),
        kind:
          caught instanceof EventsNotStoredError
            ? 'stream'
            : caught instanceof ImportError
              ? 'input'
              : 'internal',
      };
      // What was read before the failure is still worth keeping, unless the stream is what failed or the
      // failure came while re-reading rows an earlier run stored (its checkpoint is further on).
      const keep = !(caught instanceof EventsNotStoredError) && this.#lastRecord >= this.#resumeAfter;
      if (keep) await this.#checkpoint(false).catch(() => undefined);
    }
    const summary = this.#summary(status, error);
    await runs.saveSummary(summary);
    return summary;
  }

  /** Reads every row; resolves `true` when the signal stopped it first. */
  async #readAll(): Promise<boolean> {
    const { columns, rows } = await openInput(this.#request.input, this.#mapping.input);
    this.#mapper = compileMapping(this.#mapping, columns);
    this.#assembler = new MessageAssembler(this.#mapper, this.#mapping);
    const assembled: Assembled[] = [];
    for await (const batch of rows) {
      for (const row of batch) {
        this.#replaying = row.record <= this.#resumeAfter;
        if (!this.#replaying && this.#deps.signal?.aborted) return true;
        if (!this.#replaying) this.#counts.rowsRead += 1;
        this.#assembler.push(row, assembled);
        this.#handle(assembled);
        assembled.length = 0;
        this.#lastRecord = row.record;
        if (this.#replaying) {
          if (row.record % progressEvery === 0) this.#progress();
          continue;
        }
        if (this.#batch.length >= this.#batchSize || this.#rejects.length >= maxBufferedRejects) {
          await this.#checkpoint(false);
        } else if (row.record % progressEvery === 0) this.#progress();
      }
    }
    this.#replaying = false;
    return false;
  }

  #handle(assembled: readonly Assembled[]): void {
    for (const item of assembled) {
      if (item.kind === 'rejected') this.#reject(item.rows, item.problem, item.culprit);
      else this.#ship(item);
    }
  }

  /** Validates and enriches a message as the collector does, recognises duplicates, and batches it. */
  #ship(assembled: Extract<Assembled, { kind: 'message' }>): void {
    const { message, rows, fingerprint, content, keyRow } = assembled;
    const mapper = this.#mapper as RowMapper;
    const receivedAt = this.#now();
    const [prepared] = prepareMessages(message, mapper.type, this.#edge(receivedAt)) as [PreparedMessage];
    if (!prepared.ok) {
      const { reason, path } = prepared.quarantined;
      this.#reject(rows, { field: path, reason });
      return;
    }
    if (Date.parse(prepared.event.timestamp) > receivedAt.getTime() + maxFutureMs) {
      this.#reject(rows, { field: 'timestamp', reason: 'is in the future' });
      return;
    }
    const seen = this.#recent.get(fingerprint);
    if (seen === undefined) this.#recent.add(fingerprint, content, keyRow.record);
    if (this.#replaying) return;
    if (seen !== undefined) {
      if (seen.content === content) {
        this.#counts.rowsDuplicate += rows.length;
        return;
      }
      const reason =
        mapper.group === undefined
          ? `has the natural key of record ${seen.record} with other values`
          : `has the order key of the order at record ${seen.record} with other rows (rows of one order must be within group.window rows of each other)`;
      this.#reject(rows, { field: mapper.group?.field ?? 'naturalKey', reason });
      return;
    }
    for (const omission of assembled.omitted) count(this.#counts.omittedByReason, omission, 1);
    this.#counts.rowsImported += rows.length;
    this.#counts.events += 1;
    this.#batch.push(eventRecord(prepared.event));
  }

  #edge(receivedAt: Date): EdgeFacts {
    return { source: this.#edgeSource, receivedAt, ipPrivacy: this.#request.privacy };
  }

  /** Rejects every row of a message; the row at fault (`culprit`) carries the offending value. */
  #reject(
    rows: readonly InputRow[],
    problem: { readonly field: string; readonly reason: string; readonly value?: string },
    culprit?: InputRow,
  ): void {
    if (this.#replaying) return;
    count(this.#counts.rejectedByReason, problem, rows.length);
    this.#counts.rowsRejected += rows.length;
    for (const row of rows) {
      this.#rejects.push({
        record: row.record,
        line: row.line,
        field: problem.field,
        reason: problem.reason,
        value: row === culprit || rows.length === 1 ? (problem.value ?? '') : '',
        raw: this.#raw(row),
      });
    }
  }

  #raw(row: InputRow): string {
    if (row.text !== undefined) return row.text;
    const input = this.#mapping.input;
    const delimiter = input.format === 'csv' ? input.delimiter : ',';
    const values = row.values as readonly string[];
    return values
      .map((value) =>
        value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value,
      )
      .join(delimiter);
  }

  /** Puts the batch, then stores the rejects and the checkpoint (`complete` at the end of the input). */
  async #checkpoint(complete: boolean): Promise<void> {
    // In order, one put per batch: a record is only ever acknowledged after every record before it.
    for (let start = 0; start < this.#batch.length && !this.#request.dryRun; start += this.#batchSize) {
      const batch = this.#batch.slice(start, start + this.#batchSize);
      let failed: readonly unknown[];
      try {
        ({ failed } = await this.#deps.stream.put(batch));
      } catch (error) {
        throw new EventsNotStoredError(batch.length, batch.length, { cause: error });
      }
      if (failed.length > 0) throw new EventsNotStoredError(failed.length, batch.length);
    }
    this.#batch = [];
    const counts = frozenCounts(this.#counts);
    const checkpoint: ImportCheckpoint = {
      version: 1,
      mappingHash: this.#hash,
      inputFingerprint: this.#request.inputFingerprint,
      record: this.#lastRecord,
      complete,
      startedAt: this.#startedAt,
      counts,
    };
    await this.#deps.runs.saveProgress(checkpoint, this.#rejects);
    this.#rejects = [];
    this.#stored = counts;
    this.#storedRecord = this.#lastRecord;
    this.#progress();
  }

  #progress(): void {
    this.#deps.onProgress?.({
      records: this.#lastRecord,
      resuming: this.#replaying,
      counts: this.#counts,
    });
  }

  #summary(
    status: ImportStatus,
    error: { message: string; kind: NonNullable<ImportSummary['errorKind']> } | undefined,
  ): ImportSummary {
    // A failed run reports what its last checkpoint stored: that is where the next run goes on from.
    const counts = status === 'failed' ? this.#stored : frozenCounts(this.#counts);
    const request = this.#request;
    return {
      runId: this.#deps.runs.runId,
      status,
      ...(error === undefined ? {} : { error: error.message, errorKind: error.kind }),
      input: request.inputName,
      source: request.source.name,
      channel: request.source.channel,
      mapping: request.mappingName,
      mappingHash: this.#hash,
      dryRun: request.dryRun ?? false,
      startedAt: this.#startedAt,
      finishedAt: this.#now().toISOString(),
      resumedAfterRecord: this.#resumeAfter,
      checkpointRecord: this.#storedRecord,
      rows: {
        read: counts.rowsRead,
        imported: counts.rowsImported,
        duplicates: counts.rowsDuplicate,
        rejected: counts.rowsRejected,
      },
      events: counts.events,
      rejectedByReason: counts.rejectedByReason,
      omittedByReason: counts.omittedByReason,
      rejects: this.#deps.runs.rejectsLocation,
    };
  }
}

type MutableCounts = {
  -readonly [K in keyof ImportCounts]: K extends `${string}ByReason`
    ? Record<string, number>
    : ImportCounts[K];
};

function mutableCounts(counts: ImportCounts): MutableCounts {
  return {
    ...counts,
    rejectedByReason: { ...counts.rejectedByReason },
    omittedByReason: { ...counts.omittedByReason },
  };
}

function frozenCounts(counts: MutableCounts): ImportCounts {
  return mutableCounts(counts);
}

function count(byReason: Record<string, number>, problem: Omission, rows: number): void {
  const key = problem.field === '' ? problem.reason : `${problem.field}: ${problem.reason}`;
  byReason[key] = (byReason[key] ?? 0) + rows;
}
