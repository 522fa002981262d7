/**
 * The shape of `bench-report.json` and of a benchmark section. A section is one module exporting a
 * `BenchSection`; listing it in sections.ts adds its result to the report under its name, its lines to the
 * printed summary and its targets to the report's `targets`.
 */
import type { RunMeta } from './meta.ts';

/** A product target and whether this run met it. */
export interface Target {
  readonly name: string;
  /** The bound as a reader states it, e.g. `<= 0.30`. */
  readonly target: string;
  readonly actual: number | string;
  readonly met: boolean;
}

export interface SectionOutcome<R> {
  /** Goes into the report as `sections[name]`: plain JSON data. */
  readonly result: R;
  /** Short human lines for stdout. */
  readonly summary: readonly string[];
  readonly targets?: readonly Target[];
}

export interface BenchSection<R = unknown> {
  /** Key of the section in the report, e.g. `collectorThroughput`. */
  readonly name: string;
  readonly title: string;
  run(context: BenchContext): Promise<SectionOutcome<R>>;
}

export interface BenchContext {
  readonly repoRoot: string;
  /** The result of a section that ran before this one; throws when it did not run or failed. */
  resultOf<R>(section: BenchSection<R>): R;
  /**
   * Registers the release of something the section started (emulators, a temp dir). The runner calls every
   * release still registered when the run ends, fails or is interrupted; call the returned function to release
   * it earlier (it then runs once only).
   */
  onCleanup(release: () => Promise<void> | void): () => Promise<void>;
}

export type SectionReport = { readonly title: string; readonly seconds: number } & (
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: string }
);

export interface BenchReport {
  readonly meta: RunMeta;
  readonly sections: Readonly<Record<string, SectionReport>>;
  readonly targets: readonly Target[];
}

/** The report as JSON: fractional numbers to 6 significant digits, so cents and microseconds stay readable. */
export function reportJson(report: BenchReport): string {
  return `${JSON.stringify(
    report,
    (_key, value: unknown) =>
      typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value)
        ? Number(value.toPrecision(6))
        : value,
    2,
  )}\n`;
}
