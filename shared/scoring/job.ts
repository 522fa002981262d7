/**
 * The scheduled scoring job (docs/scoring.md#the-scoring-job): as of a date, aggregate every person's purchases
 * and behaviour with SQL over the lake (Athena in AWS, DuckDB locally), fit the models on those summaries, score
 * everyone, write the `scores` partition of that date to the lake, and write changed scores back to profiles.
 *
 * Every profile gets scores: the SQL also returns the profiles of the identity map that have no purchase by the
 * date (prospects), which get the segment `Prospects` and no model values (docs/scoring.md#prospects).
 *
 * Memory: the SQL reduces the events to one summary row per person, each turned into its snapshot as it is
 * read (RFM ranks the customers against each other, so they are scored together); the lake files and the
 * profile writes are then built and sent a chunk (`chunkSize`) at a time, so only one chunk's rows and profile
 * scores exist at once. The churn model trains on the whole histories of a bounded sample
 * (`trainingProfiles`) and on that sample's behaviour as of each training snapshot (training-behaviour.sql,
 * bounded the same way); with behaviour only when that beats purchases alone on the most recent snapshot, held
 * out (churn-selection.ts), whose AUCs and calibration go into the run's `models`.
 *
 * Models that cannot be fitted do not stop the run: with fewer than `minCustomersForModels` customers, or a
 * fit that fails, the run scores RFM only and says why in its summary; a churn model that cannot be trained
 * out of time (too little history before the date) falls back to BG/NBD's probability of no purchase in the
 * horizon, marked `churn_model = bgnbd`.
 *
 * @example
 * const summary = await runScoringJob({ engine, lake, profiles }, { asOf: '2026-11-22', now: new Date() });
 */
import type { JsonObject } from '../events/model.ts';
import type { LakeRow } from '../lake/rows.ts';
import type { ObjectStore, QueryResult, SqlEngine } from '../ports.ts';
import { type BgNbdFit, fitBgNbd } from './bgnbd.ts';
import {
  baseChurnFeatures,
  type ChurnModel,
  type ChurnPlan,
  type ChurnRisk,
  churnRisk,
  planChurnTraining,
  snapshotDate,
} from './churn.ts';
import { behaviourAttributes } from './churn-behaviour.ts';
import { type ChurnSelection, selectChurnModel } from './churn-selection.ts';
import { ScoringError } from './errors.ts';
import type { Calibration } from './evaluation.ts';
import { fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import { zbarCents } from './history.ts';
import { withSchemaVersion, writeScoresFiles } from './job-lake.ts';
import { scoringSql, scoringWindows, trainingBehaviourBindings } from './job-sql.ts';
import {
  type JobCustomer,
  type JobProspect,
  jobPerson,
  TrainingBehaviour,
  trainingHistories,
} from './job-summaries.ts';
import {
  type ProfileScores,
  type ScoreWriter,
  type WriteBackResult,
  writeBackScores,
} from './job-writeback.ts';
import { defaultSegmentTable, type RfmScores, rfmScores, segmentOf } from './rfm.ts';
import { type CustomerScore, type ScoreOptions, scoreSnapshots } from './score.ts';
import { PurchaseStatisticsBuilder, SpendStatisticsBuilder } from './statistics.ts';
import { type Duration, dayNumber, durationIn, formatDay, formatDuration } from './time.ts';

export interface ScoringJobDependencies {
  readonly engine: SqlEngine;
  /** The lake bucket. */
  readonly lake: ObjectStore;
  readonly profiles: ScoreWriter;
}

export interface ScoringJobOptions {
  /** Scores as of the end of this UTC day, `YYYY-MM-DD`; the `dt` of the scores partition. */
  readonly asOf: string;
  /** When the run happens: its id and the rows' `scored_at`. */
  readonly now: Date;
  /** @default 39 weeks */
  readonly horizon?: Duration;
  /** People whose whole histories train the churn model. @default 50_000 */
  readonly trainingProfiles?: number;
  /** Fewer customers than this score RFM only: the models need a population. @default 20 */
  readonly minCustomersForModels?: number;
  /** People whose lake rows (one Parquet file) and profile scores are built and sent together. @default 125_000 */
  readonly chunkSize?: number;
  /** Score writes in flight at once (docs/scoring.md#scale: what on-demand DynamoDB sustains). @default 32 */
  readonly writeConcurrency?: number;
}

export type ChurnSource = 'logistic' | 'bgnbd' | 'none';

export interface ScoringRunSummary {
  readonly asOf: string;
  readonly runId: string;
  readonly horizon: string;
  /** People who had bought by the as-of date. */
  readonly customers: number;
  /** Profiles without a purchase by the as-of date: segment `Prospects`, no model values. */
  readonly prospects: number;
  readonly churnModel: ChurnSource;
  /** Why a model was not fitted or fell back; empty when all were fitted. */
  readonly notes: readonly string[];
  readonly models: JsonObject;
  readonly segments: Readonly<Record<string, number>>;
  readonly lake: { readonly keys: readonly string[]; readonly rows: number; readonly replaced: number };
  readonly profiles: WriteBackResult;
}

const defaultHorizon: Duration = { amount: 39, unit: 'weeks' };
/** The segment of a profile without a purchase by the as-of date (docs/scoring.md#prospects). */
export const prospectSegment = 'Prospects';
const timeUnit = 'weeks';

/** One person's scores, whichever models the run could fit. */
interface PersonScores {
  readonly customer: JobCustomer;
  readonly rfm: { readonly r: number; readonly f: number; readonly m: number; readonly segment: string };
  readonly value?: Pick<
    CustomerScore,
    'pAlive' | 'expectedPurchases' | 'pNoPurchase' | 'expectedOrderValue' | 'clv'
  >;
  readonly churn?: {
    readonly probability: number;
    readonly risk: ChurnRisk;
    readonly model: 'logistic' | 'bgnbd';
  };
}

/** Runs the job once; see the module comment. */
export async function runScoringJob(
  dependencies: ScoringJobDependencies,
  options: ScoringJobOptions,
): Promise<ScoringRunSummary> {
  const { engine, lake, profiles } = dependencies;
  const asOfDay = dayNumber(options.asOf) as number;
  const windows = scoringWindows(options.asOf);
  const horizon = options.horizon ?? defaultHorizon;
  const runId = runIdOf(options.now);

  const summary = scoringSql('customer-summary.sql', windows);
  const { customers, prospects } = readPeople(await engine.query(summary.sql, summary.params));

  const notes: string[] = [];
  const fitted = fitValueModels(customers, options.minCustomersForModels ?? 20, notes);
  let churn: ChurnSelection | undefined;
  if (fitted) {
    const trainingProfiles = options.trainingProfiles ?? 50_000;
    const training = scoringSql('training-occasions.sql', {
      as_of: options.asOf,
      training_profiles: trainingProfiles,
    });
    const histories = trainingHistories((await engine.query(training.sql, training.params)).rows);
    try {
      const plan = planChurnTraining(histories, asOfDay, { horizon });
      const behaviour = await trainingBehaviourOf(engine, options.asOf, trainingProfiles, plan);
      churn = selectChurnModel(
        histories,
        asOfDay,
        plan,
        {
          horizon,
          behaviourAt: (profileId, date) => behaviour.at(profileId, date),
          anyBehaviour: behaviour.anyBeyondPurchases,
        },
        notes,
      );
    } catch (error) {
      if (!(error instanceof ScoringError)) throw error;
      notes.push(
        `churn: ${error.message}; churn_probability is BG/NBD's P(no purchase in ${formatDuration(horizon)})`,
      );
    }
  }
  const scoreOptions: ScoreOptions = { asOfDay, horizon, timeUnit };
  const scored = scorePeople(customers, fitted, churn, scoreOptions);
  const churnModel: ChurnSource = fitted ? (churn ? 'logistic' : 'bgnbd') : 'none';
  const models = modelsJson(fitted, churn);

  // Stringified once: every row carries the same text (a million copies would be hundreds of megabytes).
  const run = { runId, scoredAt: options.now, horizon, models: JSON.stringify(models) };
  const buyers = customers.length;
  const total = buyers + prospects.length;
  const chunkSize = options.chunkSize ?? 125_000;
  const written = await writeScoresFiles(
    lake,
    options.asOf,
    runId,
    total,
    (start, end) =>
      range(start, end).map((i) =>
        i < buyers
          ? scoresRow(personAt(customers, scored, i), run)
          : prospectRow(prospects[i - buyers] as JobProspect, run),
      ),
    chunkSize,
  );

  const writeBack = { written: 0, unchanged: 0, redirected: 0, missing: 0 };
  for (let start = 0; start < total; start += chunkSize) {
    const chunk = range(start, Math.min(start + chunkSize, total)).map((i) =>
      i < buyers
        ? profileScoresOf(personAt(customers, scored, i), options.asOf, horizon)
        : prospectScoresOf(prospects[i - buyers] as JobProspect, options.asOf, horizon),
    );
    const result = await writeBackScores(profiles, chunk, {
      ...(options.writeConcurrency === undefined ? {} : { concurrency: options.writeConcurrency }),
    });
    writeBack.written += result.written;
    writeBack.unchanged += result.unchanged;
    writeBack.redirected += result.redirected;
    writeBack.missing += result.missing;
  }

  const segments: Record<string, number> = {};
  for (let i = 0; i < buyers; i += 1) {
    const segment = segmentAt(scored, i);
    segments[segment] = (segments[segment] ?? 0) + 1;
  }
  if (prospects.length > 0) segments[prospectSegment] = prospects.length;
  return {
    asOf: options.asOf,
    runId,
    horizon: formatDuration(horizon),
    customers: customers.length,
    prospects: prospects.length,
    churnModel,
    notes,
    models,
    segments,
    lake: written,
    profiles: writeBack,
  };
}

/**
 * The summary rows as customers and prospects, in the rows' order. Each row is released as it is converted:
 * taken off the end of the result's own array (the job is the result's only holder), so that the rows and
 * their conversions never both exist for everyone at once (a million rows are about 450 MB of objects).
 */
function readPeople(result: QueryResult): { customers: JobCustomer[]; prospects: JobProspect[] } {
  const rows = result.rows as Readonly<Record<string, unknown>>[];
  const customers: JobCustomer[] = [];
  const prospects: JobProspect[] = [];
  for (let row = rows.pop(); row !== undefined; row = rows.pop()) {
    const person = jobPerson(row, timeUnit);
    if ('customer' in person) customers.push(person.customer);
    else prospects.push(person.prospect);
  }
  return { customers: customers.reverse(), prospects: prospects.reverse() };
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** The as-of date of a run at `now` that names none: the last complete UTC day, yesterday. */
export function lastCompleteDay(now: Date): string {
  return formatDay(Math.floor(now.getTime() / 86_400_000) - 1);
}

/** `20261122t031500123z`: the run's time, sortable, and `[0-9a-z]` as lake keys want. */
export function runIdOf(now: Date): string {
  return now.toISOString().replace(/[-:.]/g, '').toLowerCase();
}

interface ValueModels {
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit;
}

/** BG/NBD and Gamma-Gamma on the summaries' sufficient statistics, or `undefined` with the reason noted. */
function fitValueModels(
  customers: readonly JobCustomer[],
  minCustomers: number,
  notes: string[],
): ValueModels | undefined {
  if (customers.length < minCustomers) {
    notes.push(
      `models: ${customers.length} customer(s), fewer than the ${minCustomers} the models need; RFM only`,
    );
    return undefined;
  }
  const purchases = new PurchaseStatisticsBuilder(timeUnit);
  const spend = new SpendStatisticsBuilder();
  for (const { snapshot } of customers) {
    purchases.add(snapshot.x, snapshot.tx, snapshot.T);
    if (snapshot.zbar > 0) spend.add(snapshot.x, snapshot.zbar);
  }
  try {
    return { bgnbd: fitBgNbd(purchases.build()), gammaGamma: fitGammaGamma(spend.build()) };
  } catch (error) {
    if (!(error instanceof ScoringError)) throw error;
    notes.push(`models: ${error.message}; RFM only`);
    return undefined;
  }
}

/**
 * A churn model that the scoring pass can carry when none was trained: its probability (always ½) is replaced
 * by BG/NBD's probability of no purchase before anything reads it.
 */
function placeholderChurnModel(horizon: Duration): ChurnModel {
  const zeros = baseChurnFeatures.map(() => 0);
  return {
    horizon,
    windowDays: durationIn(horizon, 'days'),
    windows: 1,
    featureNames: [...baseChurnFeatures],
    means: zeros,
    scales: baseChurnFeatures.map(() => 1),
    logistic: { intercept: 0, coefficients: zeros },
    training: { snapshots: [], rows: 0, churned: 0 },
  };
}

/**
 * Everyone's scores as the models give them, one object per customer: the fuller `PersonScores` (and the lake
 * rows and profile scores made from it) are built from these a chunk at a time, not for everyone at once.
 */
type Scored =
  | { readonly kind: 'models'; readonly scores: readonly CustomerScore[]; readonly churn: boolean }
  | { readonly kind: 'rfm'; readonly rfm: readonly RfmScores[] };

function scorePeople(
  customers: readonly JobCustomer[],
  models: ValueModels | undefined,
  churn: ChurnSelection | undefined,
  options: ScoreOptions,
): Scored {
  // A behavioural churn model reads the run date's behaviour as the snapshot's attributes (the copies live
  // only while scoring).
  const snapshots = customers.map((customer) =>
    churn?.behaviour
      ? { ...customer.snapshot, attributeMeans: behaviourAttributes(customer.features) }
      : customer.snapshot,
  );
  if (models === undefined) return { kind: 'rfm', rfm: rfmScores(snapshots) };
  const scores = scoreSnapshots(
    snapshots,
    { ...models, churn: churn?.model ?? placeholderChurnModel(options.horizon) },
    options,
  );
  return { kind: 'models', scores, churn: churn !== undefined };
}

/** Customer `i`'s scores in the shape the lake row and the profile are made from. */
function personAt(customers: readonly JobCustomer[], scored: Scored, i: number): PersonScores {
  const customer = customers[i] as JobCustomer;
  if (scored.kind === 'rfm') {
    const scores = scored.rfm[i] as RfmScores;
    return { customer, rfm: { ...scores, segment: segmentOf(scores, defaultSegmentTable) } };
  }
  const score = scored.scores[i] as CustomerScore;
  const probability = scored.churn ? score.churnProbability : score.pNoPurchase;
  return {
    customer,
    rfm: { r: score.rScore, f: score.fScore, m: score.mScore, segment: score.rfmSegment },
    value: score,
    churn: {
      probability,
      risk: scored.churn ? score.churnRisk : churnRisk(probability),
      model: scored.churn ? 'logistic' : 'bgnbd',
    },
  };
}

/** Customer `i`'s segment, without building the rest. */
function segmentAt(scored: Scored, i: number): string {
  return scored.kind === 'rfm'
    ? segmentOf(scored.rfm[i] as RfmScores, defaultSegmentTable)
    : (scored.scores[i] as CustomerScore).rfmSegment;
}

function modelsJson(models: ValueModels | undefined, selection: ChurnSelection | undefined): JsonObject {
  const churn = selection?.model;
  if (!models) return {};
  const { r, alpha, a, b } = models.bgnbd.parameters;
  const { p, q, v } = models.gammaGamma.parameters;
  return {
    bgnbd: { r, alpha, a, b, timeUnit, logLikelihood: models.bgnbd.logLikelihood },
    gammaGamma: { p, q, v, logLikelihood: models.gammaGamma.logLikelihood },
    ...(churn
      ? {
          churn: {
            windows: churn.windows,
            windowDays: churn.windowDays,
            features: [...churn.featureNames],
            intercept: churn.logistic.intercept,
            coefficients: [...churn.logistic.coefficients],
            trainedAt: [...churn.training.snapshots],
            rows: churn.training.rows,
            behaviour: selection?.behaviour ?? false,
            ...(selection?.holdout ? { holdout: holdoutJson(selection.holdout) } : {}),
          },
        }
      : {}),
  };
}

/** The holdout comparison as the `models` JSON reports it (docs/scoring.md#behaviour-the-holdout-and-the-model-that-ships). */
function holdoutJson(holdout: NonNullable<ChurnSelection['holdout']>): JsonObject {
  const calibrationJson = (calibration: Calibration): JsonObject => ({
    brier: calibration.brier,
    expectedCalibrationError: calibration.expectedCalibrationError,
    bins: calibration.bins.map((bin) => ({ ...bin })),
  });
  const { withBehaviour, purchasesOnly } = holdout.calibration;
  return {
    snapshot: holdout.snapshot,
    windowDays: holdout.windowDays,
    trainedAt: [...holdout.trainedAt],
    rows: holdout.rows,
    churned: holdout.churned,
    auc: { ...holdout.auc },
    calibration: {
      ...(withBehaviour ? { withBehaviour: calibrationJson(withBehaviour) } : {}),
      purchasesOnly: calibrationJson(purchasesOnly),
    },
  };
}

/**
 * The behavioural features of the training sample as of each snapshot of `plan` (training-behaviour.sql):
 * bounded as training-occasions.sql is, to the sample's people and the snapshots' 90-day windows.
 */
async function trainingBehaviourOf(
  engine: SqlEngine,
  asOf: string,
  trainingProfiles: number,
  plan: ChurnPlan,
): Promise<TrainingBehaviour> {
  if (plan.snapshotDays.length === 0) return new TrainingBehaviour([]);
  const snapshots = plan.snapshotDays.map(snapshotDate);
  const { sql, params } = scoringSql(
    'training-behaviour.sql',
    trainingBehaviourBindings(asOf, trainingProfiles, snapshots),
  );
  return new TrainingBehaviour((await engine.query(sql, params)).rows);
}

interface RunStamp {
  readonly runId: string;
  readonly scoredAt: Date;
  readonly horizon: Duration;
  /** The run's models, as JSON text. */
  readonly models: string;
}

/** A prospect's row: its behaviour and segment; the purchase and model columns NULL, total spend 0. */
function prospectRow(prospect: JobProspect, run: RunStamp): LakeRow {
  return withSchemaVersion({
    profile_id: prospect.profileId,
    run_id: run.runId,
    scored_at: run.scoredAt,
    frequency: null,
    recency_days: null,
    tenure_days: null,
    days_since_last: null,
    total_spend: 0,
    monetary: null,
    r_score: null,
    f_score: null,
    m_score: null,
    rfm_segment: prospectSegment,
    p_alive: null,
    expected_purchases: null,
    p_no_purchase: null,
    expected_order_value: null,
    clv: null,
    churn_probability: null,
    churn_risk: null,
    churn_model: null,
    horizon: formatDuration(run.horizon),
    features: JSON.stringify(prospect.features),
    models: run.models,
  });
}

/** A prospect's profile scores: the segment only; churn and value do not apply to someone who never bought. */
function prospectScoresOf(prospect: JobProspect, asOf: string, horizon: Duration): ProfileScores {
  return {
    profileId: prospect.profileId,
    scores: { asOf, horizon: formatDuration(horizon), rfm: { segment: prospectSegment } },
  };
}

function scoresRow(person: PersonScores, run: RunStamp): LakeRow {
  const { snapshot, features } = person.customer;
  return withSchemaVersion({
    profile_id: snapshot.customerId,
    run_id: run.runId,
    scored_at: run.scoredAt,
    frequency: snapshot.x,
    recency_days: snapshot.tenureDays - snapshot.daysSinceLast,
    tenure_days: snapshot.tenureDays,
    days_since_last: snapshot.daysSinceLast,
    total_spend: snapshot.totalSpend,
    monetary: zbarCents(snapshot),
    r_score: person.rfm.r,
    f_score: person.rfm.f,
    m_score: person.rfm.m,
    rfm_segment: person.rfm.segment,
    p_alive: person.value?.pAlive ?? null,
    expected_purchases: person.value?.expectedPurchases ?? null,
    p_no_purchase: person.value?.pNoPurchase ?? null,
    expected_order_value: person.value?.expectedOrderValue ?? null,
    clv: person.value?.clv ?? null,
    churn_probability: person.churn?.probability ?? null,
    churn_risk: person.churn?.risk ?? null,
    churn_model: person.churn?.model ?? null,
    horizon: formatDuration(run.horizon),
    features: JSON.stringify(features),
    models: run.models,
  });
}

/** What the profile keeps (docs/scoring.md#write-back): rounded, so that a change is a visible one. */
function profileScoresOf(person: PersonScores, asOf: string, horizon: Duration): ProfileScores {
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  const { value, churn } = person;
  return {
    profileId: person.customer.snapshot.customerId,
    scores: {
      asOf,
      horizon: formatDuration(horizon),
      rfm: { ...person.rfm },
      ...(value
        ? {
            pAlive: round(value.pAlive, 3),
            expectedPurchases: round(value.expectedPurchases, 3),
            pNoPurchase: round(value.pNoPurchase, 3),
            expectedOrderValue: round(value.expectedOrderValue, 2),
            clv: round(value.clv, 2),
          }
        : {}),
      ...(churn
        ? { churn: { probability: round(churn.probability, 3), risk: churn.risk, model: churn.model } }
        : {}),
    },
  };
}
