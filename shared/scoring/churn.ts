/**
 * Churn risk: the probability that a customer makes no purchase in the next horizon, from an L2-regularised
 * logistic regression trained on the data's own past with an out-of-time split.
 *
 * Training. The horizon H is cut into K windows of h = H / K days, K as small as the history allows: K = 1 when
 * the history before the as-of date A is at least 2H long, otherwise K = ⌈2H / history⌉, so that at least one
 * training snapshot has a full window of history before it. Snapshots are taken at S = A − h, A − 2h, … (at
 * most `maxSnapshots`, none before the first purchase); at each, every customer who had bought by S is a row,
 * with features as of S and the label "no purchase in (S, S + h]". Every label is observed on or before A.
 *
 * Prediction. With no purchase, a customer's features move deterministically (recency and tenure grow by h,
 * the rest stays), so P(no purchase in H) = Π_{k<K} P(no purchase in window k | features advanced by k·h), the
 * discrete-time survival product. With K = 1 it is the logistic probability itself.
 *
 * Features: ln(1 + days since the last purchase), ln(1 + tenure in days), ln(1 + repeat purchases),
 * ln(1 + mean spend per purchase occasion), and either the mean per transaction of each optional behavioural
 * attribute of the histories or time-varying attributes asked for per customer and snapshot date
 * (`snapshotAttributes`: the scoring job's behaviour as of each snapshot, whose dates `planChurnTraining`
 * gives before training); all standardised with the training rows' mean and standard deviation.
 */
import { ScoringInputError } from './errors.ts';
import { type CustomerSnapshot, countUpTo, type PurchaseHistory, snapshotAt } from './history.ts';
import { fitLogistic, type LogisticModel, logisticProbability } from './logistic.ts';
import { type Duration, durationIn, formatDay } from './time.ts';

export interface ChurnOptions {
  /** The span the probability is about. */
  readonly horizon: Duration;
  /** L2 penalty of the logistic regression. @default 1 */
  readonly l2?: number;
  /** Training snapshots, most recent first. @default 4 */
  readonly maxSnapshots?: number;
  /** Names of the histories' behavioural attributes, in order. @default none */
  readonly attributeNames?: readonly string[];
}

export interface ChurnModel {
  readonly horizon: Duration;
  /** The window h the logistic model predicts, in days, and how many make the horizon. */
  readonly windowDays: number;
  readonly windows: number;
  readonly featureNames: readonly string[];
  /** Standardisation of the raw features, from the training rows. */
  readonly means: readonly number[];
  readonly scales: readonly number[];
  /** On the standardised features. */
  readonly logistic: LogisticModel;
  readonly training: {
    /** Snapshot dates, most recent first (the day whose end the features are taken at, rounded down). */
    readonly snapshots: readonly string[];
    readonly rows: number;
    /** Rows with no purchase in their window. */
    readonly churned: number;
  };
}

export const baseChurnFeatures = [
  'ln_days_since_last',
  'ln_tenure_days',
  'ln_repeat_purchases',
  'ln_mean_spend',
] as const;

/**
 * When the model trains: the window h and how many make the horizon, and the snapshot days (most recent first;
 * fractional when h is, the features then taken as of the end of the day they fall in, `snapshotDate`). They
 * depend on the earliest purchase, so a caller that needs data as of each snapshot (the scoring job's
 * behavioural features) asks for them first.
 */
export interface ChurnPlan {
  readonly windowDays: number;
  readonly windows: number;
  readonly snapshotDays: readonly number[];
}

/** The plan for customers as of the end of `asOfDay` (see the module comment). */
export function planChurnTraining(
  histories: readonly PurchaseHistory[],
  asOfDay: number,
  options: Pick<ChurnOptions, 'horizon' | 'maxSnapshots'>,
): ChurnPlan {
  const horizonDays = durationIn(options.horizon, 'days');
  const maxSnapshots = options.maxSnapshots ?? 4;
  let earliest = Number.POSITIVE_INFINITY;
  for (const history of histories) {
    const first = history.days[0];
    if (first !== undefined && first <= asOfDay) earliest = Math.min(earliest, first);
  }
  const historyDays = asOfDay - earliest;
  if (!(historyDays > 0)) {
    throw new ScoringInputError(
      `no purchase history before ${formatDay(asOfDay)} to train the churn model on`,
    );
  }
  const windows = historyDays >= 2 * horizonDays ? 1 : Math.ceil((2 * horizonDays) / historyDays);
  const windowDays = horizonDays / windows;
  const snapshotDays: number[] = [];
  for (let j = 1; j <= maxSnapshots; j++) {
    const snapshotDay = asOfDay - j * windowDays;
    if (snapshotDay < earliest) break;
    snapshotDays.push(snapshotDay);
  }
  return { windowDays, windows, snapshotDays };
}

/** The `YYYY-MM-DD` of a snapshot day: the day whose end its features are taken at. */
export function snapshotDate(snapshotDay: number): string {
  return formatDay(Math.floor(snapshotDay));
}

/**
 * Time-varying attributes of a customer at a training snapshot (e.g. behaviour in the 90 days to it), in the
 * order of `ChurnOptions.attributeNames`; they replace the snapshot's per-transaction `attributeMeans`.
 */
export type SnapshotAttributes = (customerId: string, snapshotDate: string) => readonly number[];

export interface ChurnTrainingOptions extends ChurnOptions {
  /** Train at these snapshots instead of the plan for `asOfDay` (the scoring job's holdout). */
  readonly plan?: ChurnPlan;
  readonly snapshotAttributes?: SnapshotAttributes;
}

/** Trains the model for customers as of the end of `asOfDay`, on `histories` up to that day only. */
export function trainChurnModel(
  histories: readonly PurchaseHistory[],
  asOfDay: number,
  options: ChurnTrainingOptions,
): ChurnModel {
  const attributeNames = options.attributeNames ?? [];
  const { windowDays, windows, snapshotDays } =
    options.plan ?? planChurnTraining(histories, asOfDay, options);
  const attributesAt = options.snapshotAttributes;
  const raw: number[][] = [];
  const churned: boolean[] = [];
  const snapshots: string[] = [];
  for (const snapshotDay of snapshotDays) {
    const date = snapshotDate(snapshotDay);
    snapshots.push(date);
    for (const history of histories) {
      const snapshot = snapshotAt(history, snapshotDay, 'days');
      if (!snapshot) continue;
      const attributes = attributesAt ? attributesAt(history.customerId, date) : snapshot.attributeMeans;
      raw.push(rawFeatures({ ...snapshot, attributeMeans: attributes }, 0));
      churned.push(countUpTo(history.days, snapshotDay + windowDays) === snapshot.occasions);
    }
  }
  const positives = churned.filter(Boolean).length;
  if (raw.length < 10 || positives === 0 || positives === raw.length) {
    throw new ScoringInputError(
      `not enough history before ${formatDay(asOfDay)} to train the churn model: ` +
        `${raw.length} customer snapshots, ${positives} without a purchase in their window`,
    );
  }
  const featureCount = baseChurnFeatures.length + attributeNames.length;
  const means: number[] = [];
  const scales: number[] = [];
  for (let j = 0; j < featureCount; j++) {
    let mean = 0;
    for (const row of raw) mean += row[j] as number;
    mean /= raw.length;
    let variance = 0;
    for (const row of raw) variance += ((row[j] as number) - mean) ** 2;
    const scale = Math.sqrt(variance / raw.length);
    means.push(mean);
    scales.push(scale > 0 ? scale : 1);
  }
  const standardised = raw.map((row) =>
    row.map((value, j) => (value - (means[j] as number)) / (scales[j] as number)),
  );
  const logistic = fitLogistic(standardised, churned, { l2: options.l2 ?? 1 });
  return {
    horizon: options.horizon,
    windowDays,
    windows,
    featureNames: [...baseChurnFeatures, ...attributeNames],
    means,
    scales,
    logistic: { intercept: logistic.intercept, coefficients: logistic.coefficients },
    training: { snapshots, rows: raw.length, churned: positives },
  };
}

/**
 * P(no purchase in the model's window h) for a customer as of a snapshot: the logistic probability alone, what
 * a training row's label is about (the scoring job's holdout evaluation).
 */
export function windowChurnProbability(model: ChurnModel, snapshot: CustomerSnapshot): number {
  const raw = rawFeatures(snapshot, 0);
  const features = new Float64Array(model.featureNames.length);
  for (let j = 0; j < features.length; j++) {
    features[j] = ((raw[j] as number) - (model.means[j] as number)) / (model.scales[j] as number);
  }
  return logisticProbability(model.logistic, features);
}

/**
 * P(no purchase in the model's horizon) for a customer as of the date the model was trained for. A model with
 * attributes reads them from `snapshot.attributeMeans` (the scoring job puts the run date's behaviour there);
 * they stay as they are over the horizon's windows.
 */
export function churnProbability(model: ChurnModel, snapshot: CustomerSnapshot): number {
  let probability = 1;
  const features = new Float64Array(model.featureNames.length);
  for (let k = 0; k < model.windows; k++) {
    const raw = rawFeatures(snapshot, k * model.windowDays);
    for (let j = 0; j < features.length; j++) {
      features[j] = ((raw[j] as number) - (model.means[j] as number)) / (model.scales[j] as number);
    }
    probability *= logisticProbability(model.logistic, features);
  }
  return probability;
}

function rawFeatures(snapshot: CustomerSnapshot, daysLater: number): number[] {
  return [
    Math.log1p(snapshot.daysSinceLast + daysLater),
    Math.log1p(snapshot.tenureDays + daysLater),
    Math.log1p(snapshot.x),
    Math.log1p(snapshot.totalSpend / snapshot.occasions),
    ...snapshot.attributeMeans,
  ];
}

export const churnRiskTiers = ['low', 'medium', 'high'] as const;
export type ChurnRisk = (typeof churnRiskTiers)[number];

/** Probabilities of no purchase at or above which a customer is medium or high risk. */
export interface RiskThresholds {
  readonly medium: number;
  readonly high: number;
}

/** low below 0.5, medium from 0.5, high from 0.8 (see docs/scoring.md for why). */
export const defaultRiskThresholds: RiskThresholds = { medium: 0.5, high: 0.8 };

export function churnRisk(
  probability: number,
  thresholds: RiskThresholds = defaultRiskThresholds,
): ChurnRisk {
  if (probability >= thresholds.high) return 'high';
  return probability >= thresholds.medium ? 'medium' : 'low';
}
