/** In-memory ports and small builders for the import tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectedEvent, StreamEnvelope } from '../../../shared/events/model.ts';
import { type ImportDependencies, type ImportRequest, runImport } from '../../../shared/import/importer.ts';
import { loadMappingFile, type Mapping, parseMapping } from '../../../shared/import/mapping.ts';
import {
  type ImportCheckpoint,
  type ImportRunStore,
  type ImportSummary,
  type RejectedRow,
  rejectsCsv,
  rejectsHeader,
} from '../../../shared/import/run.ts';
import type { Channel, EventStream, StreamRecord } from '../../../shared/ports.ts';

export const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures', 'import');
export const mappingsDir = join(import.meta.dirname, '..', '..', '..', 'mappings');

export function fixture(name: string): Buffer {
  return readFileSync(join(fixturesDir, name));
}

export function readyMapping(source: string): Mapping {
  return loadMappingFile(join(mappingsDir, `${source}.json`));
}

/** A mapping from a partial object: the fields a test needs, with a source and a timestamp. */
export function mappingOf(input: Record<string, unknown>): Mapping {
  return parseMapping({ source: 'test', naturalKey: ['id'], ...input }, 'test mapping');
}

/** Keeps every record put, decoded; can be told to fail the puts after the first `healthyPuts`. */
export class RecordingStream implements EventStream {
  readonly records: StreamRecord[] = [];
  puts = 0;
  readonly #healthyPuts: number;

  constructor(options: { healthyPuts?: number } = {}) {
    this.#healthyPuts = options.healthyPuts ?? Number.POSITIVE_INFINITY;
  }

  async put(records: readonly StreamRecord[]): Promise<{ readonly failed: readonly StreamRecord[] }> {
    this.puts += 1;
    if (this.puts > this.#healthyPuts) return { failed: records };
    this.records.push(...records);
    return { failed: [] };
  }

  get events(): CollectedEvent[] {
    return this.records.map((record) => {
      const envelope = JSON.parse(Buffer.from(record.data).toString('utf8')) as StreamEnvelope;
      if (envelope.schema !== 'cdp.event/1') throw new Error(`unexpected ${envelope.schema} record`);
      return envelope.event;
    });
  }
}

/** `ImportRunStore` in memory, with the rejects as the rejects file would hold them. */
export class MemoryRunStore implements ImportRunStore {
  readonly runId = 'test-run';
  readonly rejectsLocation = 'memory:rejects.csv';
  readonly summaryLocation = 'memory:summary.json';
  checkpoint: (ImportCheckpoint & { rejectsCount: number }) | undefined;
  summary: ImportSummary | undefined;
  rejects: RejectedRow[] = [];
  saves = 0;

  async loadCheckpoint(): Promise<ImportCheckpoint | undefined> {
    if (this.checkpoint === undefined) return undefined;
    const { rejectsCount: _count, ...checkpoint } = this.checkpoint;
    return checkpoint;
  }

  async loadSummary(): Promise<ImportSummary | undefined> {
    return this.summary;
  }

  async begin(resumed: ImportCheckpoint | undefined): Promise<void> {
    if (resumed !== undefined && this.checkpoint !== undefined) {
      this.rejects = this.rejects.slice(0, this.checkpoint.rejectsCount);
      return;
    }
    this.checkpoint = undefined;
    this.summary = undefined;
    this.rejects = [];
  }

  async saveProgress(checkpoint: ImportCheckpoint, rejects: readonly RejectedRow[]): Promise<void> {
    this.saves += 1;
    this.rejects.push(...rejects);
    this.checkpoint = { ...checkpoint, rejectsCount: this.rejects.length };
  }

  async saveSummary(summary: ImportSummary): Promise<void> {
    this.summary = summary;
  }

  /** The rejects as the CSV file would hold them. */
  csv(): string {
    return rejectsHeader + rejectsCsv(this.rejects);
  }
}

export const importedAt = new Date('2026-11-22T12:00:00.000Z');

export interface TestImport {
  readonly input: Buffer | string;
  readonly mapping: Mapping;
  readonly channel?: Channel;
  readonly stream?: RecordingStream;
  readonly runs?: MemoryRunStore;
  readonly request?: Partial<ImportRequest>;
  readonly deps?: Partial<ImportDependencies>;
}

/** Imports `input` in chunks of `chunkBytes` (so parsing across chunk borders is exercised). */
export async function importInput(test: TestImport, chunkBytes = 7) {
  const stream = test.stream ?? new RecordingStream();
  const runs = test.runs ?? new MemoryRunStore();
  const bytes = typeof test.input === 'string' ? Buffer.from(test.input, 'utf8') : test.input;
  const summary = await runImport(
    {
      input: chunks(bytes, chunkBytes),
      inputName: 'input.csv',
      inputFingerprint: `${bytes.byteLength}`,
      mapping: test.mapping,
      mappingName: 'mapping.json',
      source: { name: test.mapping.source, channel: test.channel ?? 'other' },
      privacy: 'truncate',
      ...test.request,
    },
    { stream, runs, now: () => importedAt, ...test.deps },
  );
  return { summary, stream, runs, events: stream.events };
}

export async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Drops what the edge adds and what varies, to compare events with what a test writes by hand. */
export function shape(event: CollectedEvent): Record<string, unknown> {
  const {
    messageId: _id,
    receivedAt: _received,
    originalTimestamp: _original,
    enrichment: _enrichment,
    ...rest
  } = event;
  return rest;
}
