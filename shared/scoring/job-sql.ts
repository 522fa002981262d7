/**
 * The scoring job's SQL: three files under `shared/scoring/sql/`, beside the models they feed rather than among
 * the analyst-facing analyses of `shared/analytics/sql/` (they are not `cdp query` analyses and have no
 * registry entry). They are written the same way: Athena (Trino) SQL over `events_stitched` that DuckDB runs
 * through the dialect shim, named placeholders rendered to bound `?` parameters by the analyses' renderer,
 * and `-- @include <fragment>.sql` lines expanded from `sql/fragments/`.
 *
 * @example
 * const { sql, params } = scoringSql('customer-summary.sql', scoringWindows('2026-11-22'));
 * const { rows } = await engine.query(sql, params);
 */
import { readFileSync } from 'node:fs';
import type { Bindable } from '../analytics/parameters.ts';
import { type RenderedSql, renderSql } from '../analytics/sql-template.ts';
import { ScoringInputError } from './errors.ts';
import { dayNumber, formatDay } from './time.ts';

const sqlDir = new URL('./sql/', import.meta.url);
const includeLine = /^[ \t]*-- @include ([a-z0-9_-]+\.sql)[ \t]*$/gm;

/** Each file with the placeholders it uses: its registry of parameters. */
export const scoringSqlFiles = {
  'customer-summary.sql': ['as_of', 'window_from', 'recent_from', 'previous_from', 'previous_to'],
  'training-occasions.sql': ['as_of', 'training_profiles'],
  'training-behaviour.sql': [
    'as_of',
    'training_profiles',
    'events_from',
    'events_to',
    ...snapshotSlotPlaceholders(1),
    ...snapshotSlotPlaceholders(2),
    ...snapshotSlotPlaceholders(3),
    ...snapshotSlotPlaceholders(4),
  ],
} as const;

/** The placeholders of training-behaviour.sql's snapshot slot `slot`: a date and its windows. */
function snapshotSlotPlaceholders<Slot extends 1 | 2 | 3 | 4>(slot: Slot) {
  return [
    `snapshot_${slot}`,
    `window_from_${slot}`,
    `recent_from_${slot}`,
    `previous_from_${slot}`,
    `previous_to_${slot}`,
  ] as const;
}

/** How many snapshot dates training-behaviour.sql takes: the churn model trains on at most four. */
export const snapshotSlots = 4;

export type ScoringSqlFile = keyof typeof scoringSqlFiles;
type Placeholder = (typeof scoringSqlFiles)[ScoringSqlFile][number];

/** The text of a scoring SQL file with its includes expanded. */
export function scoringSqlText(file: ScoringSqlFile): string {
  return readFileSync(new URL(file, sqlDir), 'utf8').replace(includeLine, (_line, fragment: string) =>
    readFileSync(new URL(`fragments/${fragment}`, sqlDir), 'utf8').trimEnd(),
  );
}

/** The file rendered with `?` placeholders and the values bound to them, in order. */
export function scoringSql(
  file: ScoringSqlFile,
  bindings: Readonly<Partial<Record<Placeholder, Bindable>>>,
): RenderedSql {
  const placeholders = scoringSqlFiles[file];
  return renderSql({ file, text: scoringSqlText(file), placeholders }, bindings);
}

/** The dates of the behavioural windows, as the `dt` partitions' `YYYY-MM-DD`, for a run as of `asOf`. */
export interface ScoringWindows {
  readonly as_of: string;
  /** First day of the 90 days read for behaviour. */
  readonly window_from: string;
  /** First day of the last 30 days. */
  readonly recent_from: string;
  /** The 30 days before those. */
  readonly previous_from: string;
  readonly previous_to: string;
}

/** The windows ending with `asOf` (`YYYY-MM-DD`), inclusive: 90, 30 and the previous 30 days. */
export function scoringWindows(asOf: string): ScoringWindows {
  const day = dayNumber(asOf);
  if (day === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    throw new ScoringInputError(`'${asOf}' is not a date (write YYYY-MM-DD)`);
  }
  return {
    as_of: asOf,
    window_from: formatDay(day - 89),
    recent_from: formatDay(day - 29),
    previous_from: formatDay(day - 59),
    previous_to: formatDay(day - 30),
  };
}

/**
 * The bindings of training-behaviour.sql: the run's sample (`asOf`, `trainingProfiles`) and the snapshot dates
 * (`YYYY-MM-DD`, 1 to `snapshotSlots`), each with the windows `scoringWindows` gives the run date, so that a
 * snapshot's features are defined exactly as the run's. Unused slots repeat the last date.
 */
export function trainingBehaviourBindings(
  asOf: string,
  trainingProfiles: number,
  snapshots: readonly string[],
): Readonly<Record<string, Bindable>> {
  if (snapshots.length === 0 || snapshots.length > snapshotSlots) {
    throw new ScoringInputError(`${snapshots.length} snapshot dates; training-behaviour.sql takes 1 to 4`);
  }
  const windows = snapshots.map(scoringWindows);
  const bindings: Record<string, Bindable> = {
    as_of: asOf,
    training_profiles: trainingProfiles,
    events_from: windows.map((w) => w.window_from).reduce((a, b) => (a < b ? a : b)),
    events_to: windows.map((w) => w.as_of).reduce((a, b) => (a > b ? a : b)),
  };
  for (let slot = 1; slot <= snapshotSlots; slot++) {
    const w = windows[Math.min(slot, windows.length) - 1] as ScoringWindows;
    bindings[`snapshot_${slot}`] = w.as_of;
    bindings[`window_from_${slot}`] = w.window_from;
    bindings[`recent_from_${slot}`] = w.recent_from;
    bindings[`previous_from_${slot}`] = w.previous_from;
    bindings[`previous_to_${slot}`] = w.previous_to;
  }
  return bindings;
}
