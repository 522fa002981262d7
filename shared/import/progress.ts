/**
 * A one-line progress bar for a terminal: bytes read of the input's size, rows per second and an estimate of
 * the time left. Rendering is a pure function; `ProgressBar` redraws it at most every 100 ms.
 */

export interface ProgressState {
  readonly bytesRead: number;
  /** Undefined when the size is unknown (a pipe): no bar, no ETA. */
  readonly totalBytes: number | undefined;
  readonly rows: number;
  readonly elapsedMs: number;
  /** Re-reading rows an interrupted run stored, before going on. */
  readonly resuming: boolean;
}

const barWidth = 24;

/**
 * @example renderProgress({ bytesRead: 50, totalBytes: 100, rows: 120_000, elapsedMs: 2_000, resuming: false })
 *   // '[############------------]  50%  120,000 rows  60,000 rows/s  ETA 2s'
 */
export function renderProgress(state: ProgressState): string {
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? state.rows / seconds : 0;
  const rows = `${state.rows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')} rows/s`;
  const prefix = state.resuming ? 'resuming: re-reading stored rows  ' : '';
  if (state.totalBytes === undefined || state.totalBytes <= 0) return `${prefix}${rows}`;
  const fraction = Math.min(1, state.bytesRead / state.totalBytes);
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = fraction > 0 && fraction < 1 ? `  ETA ${duration((seconds * (1 - fraction)) / fraction)}` : '';
  return `${prefix}${bar} ${percent}  ${rows}${eta}`;
}

function duration(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Redraws one stderr line in place; `done()` clears it so the summary starts on a clean line. */
export class ProgressBar {
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #started: number;
  #lastDraw = 0;
  #drawn = false;

  constructor(write: (text: string) => void, now: () => number = () => performance.now()) {
    this.#write = write;
    this.#now = now;
    this.#started = now();
  }

  update(state: Omit<ProgressState, 'elapsedMs'>): void {
    const now = this.#now();
    if (now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    this.#drawn = true;
    this.#write(`\r\u001b[2K${renderProgress({ ...state, elapsedMs: now - this.#started })}`);
  }

  done(): void {
    if (this.#drawn) this.#write('\r\u001b[2K');
  }
}
