/**
 * `ImportRunStore` over an `ObjectStore` (the imports bucket), for the import function: `checkpoint.json`,
 * `summary.json` and the rejected rows as numbered CSV parts (`rejects/part-00001.csv`, each with its header)
 * under one run prefix. S3 cannot append, and one object per checkpoint would leave thousands of tiny parts
 * for a file with a reject every few hundred rows, so rejected rows wait in the checkpoint itself (which is
 * rewritten at every checkpoint anyway) until enough have gathered for a part, or the run ends. Whatever a
 * checkpoint names is stored, so a resumed run lists every rejected row exactly once.
 */
import type { ObjectStore } from '../ports.ts';
import {
  type ImportCheckpoint,
  type ImportRunStore,
  type ImportSummary,
  type RejectedRow,
  rejectsCsv,
  rejectsHeader,
} from './run.ts';

interface StoredCheckpoint extends ImportCheckpoint {
  /** Parts written up to this checkpoint: a resumed run deletes any later one (written, then interrupted). */
  readonly rejectsParts: number;
  /** Rejected rows not yet in a part. */
  readonly pendingRejects: readonly RejectedRow[];
}

export interface ObjectRunStoreOptions {
  readonly objects: ObjectStore;
  /** The run's key prefix, ending in `/`, e.g. `runs/pos/orders.csv/orders-csv-1f2e3d4c5b6a/`. */
  readonly prefix: string;
  readonly runId: string;
  /** How summaries name the store's objects, e.g. `s3://<bucket>/`. @default '' */
  readonly location?: string;
  /** Rejected rows per part. @default 10_000 */
  readonly rowsPerPart?: number;
}

const json = 'application/json';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ObjectRunStore implements ImportRunStore {
  readonly runId: string;
  readonly rejectsLocation: string;
  readonly summaryLocation: string;
  readonly #objects: ObjectStore;
  readonly #prefix: string;
  readonly #rowsPerPart: number;
  #parts = 0;
  #pending: RejectedRow[] = [];
  #last: ImportCheckpoint | undefined;

  constructor(options: ObjectRunStoreOptions) {
    this.runId = options.runId;
    this.#objects = options.objects;
    this.#prefix = options.prefix;
    this.#rowsPerPart = options.rowsPerPart ?? 10_000;
    const location = options.location ?? '';
    this.rejectsLocation = `${location}${this.#prefix}rejects/`;
    this.summaryLocation = `${location}${this.#prefix}summary.json`;
  }

  async loadCheckpoint(): Promise<ImportCheckpoint | undefined> {
    const stored = await this.#stored();
    if (stored === undefined) return undefined;
    const { rejectsParts: _parts, pendingRejects: _pending, ...checkpoint } = stored;
    return checkpoint;
  }

  async loadSummary(): Promise<ImportSummary | undefined> {
    return readJson<ImportSummary>(this.#objects, `${this.#prefix}summary.json`);
  }

  async begin(resumed: ImportCheckpoint | undefined): Promise<void> {
    const stored = resumed === undefined ? undefined : await this.#stored();
    this.#parts = stored?.rejectsParts ?? 0;
    this.#pending = [...(stored?.pendingRejects ?? [])];
    this.#last = stored;
    const stale: string[] = [];
    for await (const object of this.#objects.list(`${this.#prefix}rejects/`)) {
      if (partNumber(object.key) > this.#parts) stale.push(object.key);
    }
    if (stored === undefined) stale.push(`${this.#prefix}checkpoint.json`, `${this.#prefix}summary.json`);
    await this.#objects.delete(stale);
  }

  async saveProgress(checkpoint: ImportCheckpoint, rejects: readonly RejectedRow[]): Promise<void> {
    this.#pending.push(...rejects);
    if (this.#pending.length >= this.#rowsPerPart) await this.#writePart();
    await this.#saveCheckpoint(checkpoint);
  }

  /** Also writes the rejected rows still waiting, so the summary's `rejects` lists all of them. */
  async saveSummary(summary: ImportSummary): Promise<void> {
    if (this.#pending.length > 0 && this.#last !== undefined) {
      await this.#writePart();
      await this.#saveCheckpoint(this.#last);
    }
    await this.#objects.put(`${this.#prefix}summary.json`, jsonBytes(summary), json);
  }

  /** The rejected-row parts of the run, in order. */
  partKey(part: number): string {
    return `${this.#prefix}rejects/part-${String(part).padStart(5, '0')}.csv`;
  }

  async #writePart(): Promise<void> {
    const part = this.#parts + 1;
    await this.#objects.put(
      this.partKey(part),
      encoder.encode(rejectsHeader + rejectsCsv(this.#pending)),
      'text/csv',
    );
    this.#parts = part;
    this.#pending = [];
  }

  async #saveCheckpoint(checkpoint: ImportCheckpoint): Promise<void> {
    const stored: StoredCheckpoint = {
      ...checkpoint,
      rejectsParts: this.#parts,
      pendingRejects: this.#pending,
    };
    await this.#objects.put(`${this.#prefix}checkpoint.json`, jsonBytes(stored), json);
    this.#last = checkpoint;
  }

  #stored(): Promise<StoredCheckpoint | undefined> {
    return readJson<StoredCheckpoint>(this.#objects, `${this.#prefix}checkpoint.json`);
  }
}

function partNumber(key: string): number {
  const match = /part-(\d+)\.csv$/.exec(key);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

async function readJson<T>(objects: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await objects.get(key);
  return bytes === undefined ? undefined : (JSON.parse(decoder.decode(bytes)) as T);
}
