/**
 * The rows of the job's SQL (shared/scoring/sql/) turned into what the models read: customer snapshots with
 * their behavioural features, and whole purchase histories with their behaviour at each training snapshot for
 * the churn model. The engine's rows are
 * checked, never trusted: a summary that breaks the model's invariants is refused with the person named.
 */
import type { JsonObject } from '../events/model.ts';
import { ScoringInputError } from './errors.ts';
import { type CustomerSnapshot, HistoryBuilder, type PurchaseHistory } from './history.ts';
import { purchaseProblem } from './statistics.ts';
import { daysPerUnit, type TimeUnit } from './time.ts';

/** One person as of the run's date: the snapshot the models score, times in the job's unit. */
export interface JobCustomer {
  readonly snapshot: CustomerSnapshot;
  /** Behavioural features by name (sessions_30d, email_opens_30d, …, activity_trend). */
  readonly features: JsonObject;
}

/**
 * A profile without a purchase by the run's date (a prospect): no summary for the models, only its behaviour.
 * customer-summary.sql gives it NULL purchase columns.
 */
export interface JobProspect {
  readonly profileId: string;
  readonly features: JsonObject;
}

/** Behavioural feature columns of customer-summary.sql, as they go into the scores table's `features`. */
export const featureColumns = [
  'sessions_30d',
  'sessions_90d',
  'email_opens_30d',
  'email_clicks_30d',
  'app_events_30d',
  'support_tickets_90d',
  'satisfaction_90d',
  'events_30d',
  'events_previous_30d',
] as const;

/** A row of customer-summary.sql: a prospect when its purchase columns are NULL, else a customer. */
export function jobPerson(
  row: Readonly<Record<string, unknown>>,
  unit: TimeUnit,
): { readonly customer: JobCustomer } | { readonly prospect: JobProspect } {
  if (row.x !== null && row.x !== undefined) return { customer: jobCustomer(row, unit) };
  return { prospect: { profileId: profileIdOf(row), features: featuresOf(row) } };
}

function profileIdOf(row: Readonly<Record<string, unknown>>): string {
  const profileId = row.profile_id;
  if (typeof profileId !== 'string' || profileId === '') {
    throw new ScoringInputError('a customer summary row has no profile_id');
  }
  return profileId;
}

/** The behavioural features of a summary row, and the activity trend of its two 30-day counts. */
function featuresOf(row: Readonly<Record<string, unknown>>): JsonObject {
  const features: JsonObject = {};
  for (const name of featureColumns) {
    const value = row[name];
    features[name] = typeof value === 'number' && Number.isFinite(value) ? value : null;
  }
  const recent = Number(features.events_30d ?? 0);
  const previous = Number(features.events_previous_30d ?? 0);
  // In [−1, 1]: +1 active only lately, −1 only before, 0 steady (or no activity at all).
  features.activity_trend = recent + previous === 0 ? 0 : (recent - previous) / (recent + previous);
  return features;
}

/** A row of customer-summary.sql as a snapshot in `unit`. */
export function jobCustomer(row: Readonly<Record<string, unknown>>, unit: TimeUnit): JobCustomer {
  const profileId = profileIdOf(row);
  const whole = (name: string): number => {
    const value = row[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new ScoringInputError(
        `customer ${profileId}: ${name} is ${String(value)}, not a whole number ≥ 0`,
      );
    }
    return value;
  };
  const x = whole('x');
  const txDays = whole('t_x_days');
  const tDays = whole('t_days');
  const totalCents = whole('total_cents');
  const repeatCents = whole('repeat_cents');
  const perUnit = daysPerUnit[unit];
  const problem = purchaseProblem(x, txDays, tDays);
  if (problem !== undefined || repeatCents > totalCents) {
    throw new ScoringInputError(`customer ${profileId}: ${problem ?? 'repeat spend above total spend'}`);
  }
  const features = featuresOf(row);
  return {
    snapshot: {
      customerId: profileId,
      x,
      tx: txDays / perUnit,
      T: tDays / perUnit,
      zbar: x === 0 ? 0 : repeatCents / x / 100,
      occasions: x + 1,
      daysSinceLast: tDays - txDays,
      tenureDays: tDays,
      totalSpend: totalCents / 100,
      repeatCents,
      attributeMeans: [],
    },
    features,
  };
}

/** The rows of training-occasions.sql (`profile_id, day, cents`) as purchase histories. */
export function trainingHistories(rows: readonly Readonly<Record<string, unknown>>[]): PurchaseHistory[] {
  const builder = new HistoryBuilder();
  for (const row of rows) {
    const { profile_id: profileId, day, cents } = row;
    if (typeof profileId !== 'string' || !Number.isSafeInteger(day) || !Number.isSafeInteger(cents)) {
      throw new ScoringInputError(`a training occasion row is malformed: ${JSON.stringify(row)}`);
    }
    builder.add({ customerId: profileId, day: day as number, amount: (cents as number) / 100 });
  }
  return builder.histories();
}

/** People's behavioural features at the churn model's training snapshots, by person and snapshot date. */
export class TrainingBehaviour {
  readonly #byKey = new Map<string, JsonObject>();
  #otherEvents = 0;

  /** The rows of training-behaviour.sql (`profile_id, snapshot`, the feature columns). */
  constructor(rows: readonly Readonly<Record<string, unknown>>[]) {
    for (const row of rows) {
      const { profile_id: profileId, snapshot } = row;
      if (typeof profileId !== 'string' || typeof snapshot !== 'string') {
        throw new ScoringInputError(`a training behaviour row is malformed: ${JSON.stringify(row)}`);
      }
      this.#byKey.set(`${profileId}\u0000${snapshot}`, featuresOf(row));
      this.#otherEvents += Number(row.other_events_90d ?? 0);
    }
  }

  /**
   * Whether any snapshot saw an event other than an order: without one the features are functions of the
   * purchases alone (orders are events and start sessions), and there is no behaviour to learn from.
   */
  get anyBeyondPurchases(): boolean {
    return this.#otherEvents > 0;
  }

  /** How many (person, snapshot) pairs had any event. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The features of `profileId` as of the end of `snapshot` (`YYYY-MM-DD`); `undefined`: no event then. */
  at(profileId: string, snapshot: string): JsonObject | undefined {
    return this.#byKey.get(`${profileId}\u0000${snapshot}`);
  }
}
