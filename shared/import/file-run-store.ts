/**
 * `ImportRunStore` in a directory: `checkpoint.json`, `summary.json` and, unless placed elsewhere,
 * `rejects.csv`. The rejects file is appended to; the checkpoint records its length, so a resumed run cuts off
 * whatever was appended after the last checkpoint and writes those rows again exactly once.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type ImportCheckpoint,
  type ImportRunStore,
  type ImportSummary,
  type RejectedRow,
  rejectsCsv,
  rejectsHeader,
} from './run.ts';

interface StoredCheckpoint extends ImportCheckpoint {
  /** Bytes of the rejects file that belong to the checkpoint. */
  readonly rejectsBytes: number;
}

export interface FileRunStoreOptions {
  /** The run's directory, e.g. `.cdp/imports/<run id>`. */
  readonly dir: string;
  readonly runId: string;
  /** @default `<dir>/rejects.csv` */
  readonly rejectsFile?: string;
}

export class FileRunStore implements ImportRunStore {
  readonly runId: string;
  readonly rejectsLocation: string;
  readonly summaryLocation: string;
  readonly #checkpointFile: string;

  constructor(options: FileRunStoreOptions) {
    this.runId = options.runId;
    this.rejectsLocation = options.rejectsFile ?? join(options.dir, 'rejects.csv');
    this.summaryLocation = join(options.dir, 'summary.json');
    this.#checkpointFile = join(options.dir, 'checkpoint.json');
  }

  async loadCheckpoint(): Promise<ImportCheckpoint | undefined> {
    const stored = readJson<StoredCheckpoint>(this.#checkpointFile);
    if (stored === undefined) return undefined;
    const { rejectsBytes: _bytes, ...checkpoint } = stored;
    return checkpoint;
  }

  async loadSummary(): Promise<ImportSummary | undefined> {
    return readJson<ImportSummary>(this.summaryLocation);
  }

  async begin(resumed: ImportCheckpoint | undefined): Promise<void> {
    mkdirSync(dirname(this.#checkpointFile), { recursive: true });
    mkdirSync(dirname(this.rejectsLocation), { recursive: true });
    const stored = resumed === undefined ? undefined : readJson<StoredCheckpoint>(this.#checkpointFile);
    if (stored !== undefined && existsSync(this.rejectsLocation)) {
      truncateSync(this.rejectsLocation, stored.rejectsBytes);
      return;
    }
    rmSync(this.#checkpointFile, { force: true });
    rmSync(this.summaryLocation, { force: true });
    writeFileSync(this.rejectsLocation, rejectsHeader);
  }

  async saveProgress(checkpoint: ImportCheckpoint, rejects: readonly RejectedRow[]): Promise<void> {
    if (rejects.length > 0) appendFileSync(this.rejectsLocation, rejectsCsv(rejects));
    const stored: StoredCheckpoint = { ...checkpoint, rejectsBytes: statSync(this.rejectsLocation).size };
    writeAtomically(this.#checkpointFile, `${JSON.stringify(stored, null, 2)}\n`);
  }

  async saveSummary(summary: ImportSummary): Promise<void> {
    writeAtomically(this.summaryLocation, `${JSON.stringify(summary, null, 2)}\n`);
  }
}

/** Written beside and renamed over: a crash leaves the old file or the new one, never half of one. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
