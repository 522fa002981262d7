/**
 * `ImportRunStore` in memory, for imports that answer a waiting client (the HTTP bulk endpoint, webhooks): the
 * request is the run, so there is nothing to resume and nothing to keep once the answer is sent. The rejects
 * are kept up to a cap, so a body of bad rows cannot grow the answer (or the function's memory) without bound;
 * the summary still counts every one.
 */
import type { ImportCheckpoint, ImportRunStore, ImportSummary, RejectedRow } from './run.ts';

export interface MemoryRunStoreOptions {
  readonly runId: string;
  /** Rejected rows kept for the answer; the rest are counted only. @default 100 */
  readonly maxRejects?: number;
}

export class MemoryRunStore implements ImportRunStore {
  readonly runId: string;
  readonly rejectsLocation = 'inline';
  readonly summaryLocation = 'inline';
  readonly #maxRejects: number;
  readonly #rejects: RejectedRow[] = [];
  #rejectsLeftOut = 0;

  constructor(options: MemoryRunStoreOptions) {
    this.runId = options.runId;
    this.#maxRejects = options.maxRejects ?? 100;
  }

  /** The rejected rows kept, in input order. */
  get rejects(): readonly RejectedRow[] {
    return this.#rejects;
  }

  /** Rejected rows counted but not kept (beyond `maxRejects`). */
  get rejectsLeftOut(): number {
    return this.#rejectsLeftOut;
  }

  async loadCheckpoint(): Promise<ImportCheckpoint | undefined> {
    return undefined;
  }

  async loadSummary(): Promise<ImportSummary | undefined> {
    return undefined;
  }

  async begin(_resumed: ImportCheckpoint | undefined): Promise<void> {}

  async saveProgress(_checkpoint: ImportCheckpoint, rejects: readonly RejectedRow[]): Promise<void> {
    for (const row of rejects) {
      if (this.#rejects.length < this.#maxRejects) this.#rejects.push(row);
      else this.#rejectsLeftOut += 1;
    }
  }

  async saveSummary(_summary: ImportSummary): Promise<void> {}
}
