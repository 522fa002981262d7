/**
 * Scoring a customer base as of a date: fit BG/NBD, Gamma-Gamma and the churn model on the data up to that date,
 * then score every customer. Models are fitted on sufficient statistics; scoring is one pass over customers plus
 * the RFM ranking (a sort per score).
 */
import { type BgNbdFit, type BgNbdModel, expectationCurve, fitBgNbd, likelihoodTerms } from './bgnbd.ts';
import {
  type ChurnModel,
  type ChurnRisk,
  churnProbability,
  churnRisk,
  defaultRiskThresholds,
  type RiskThresholds,
  trainChurnModel,
} from './churn.ts';
import {
  type ClvOptions,
  type DiscountSchedule,
  defaultClvStep,
  discountAlong,
  discountSchedule,
} from './clv.ts';
import { ScoringInputError } from './errors.ts';
import { expectedSpend, fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import { type CustomerSnapshot, type PurchaseHistory, snapshotAt, zbarCents } from './history.ts';
import { defaultSegmentTable, rfmScores, type SegmentTable, segmentOf } from './rfm.ts';
import { logAddExp } from './special.ts';
import { PurchaseStatisticsBuilder, SpendStatisticsBuilder } from './statistics.ts';
import { type Duration, durationIn, formatDay, type TimeUnit } from './time.ts';

export interface ScoreOptions {
  /** Customers are scored as of the end of this day; later transactions are ignored. */
  readonly asOfDay: number;
  readonly horizon: Duration;
  /** The unit the BG/NBD model is fitted in and frequency/recency/T are reported in. @default weeks */
  readonly timeUnit?: TimeUnit;
  /** @default 0.1 a year */
  readonly annualDiscountRate?: number;
  /** @default one month */
  readonly clvStep?: Duration;
  /** @default 1 */
  readonly margin?: number;
  readonly segments?: SegmentTable;
  readonly riskThresholds?: RiskThresholds;
  /** Names of the histories' behavioural attributes. */
  readonly attributeNames?: readonly string[];
  /** L2 penalty of the churn model. @default 1 */
  readonly l2?: number;
}

export interface ScoringModels {
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit;
  readonly churn: ChurnModel;
}

/** One customer's scores; times in the scoring time unit, money in currency units. */
export interface CustomerScore {
  readonly customerId: string;
  /** Repeat purchase occasions (x). */
  readonly frequency: number;
  /** Time from the first to the last purchase (t_x). */
  readonly recency: number;
  /** Time from the first purchase to the as-of date. */
  readonly T: number;
  /** Mean repeat purchase value, half-up to cents (0 without repeat purchases). */
  readonly monetary: number;
  readonly rScore: number;
  readonly fScore: number;
  readonly mScore: number;
  readonly rfmSegment: string;
  readonly pAlive: number;
  /** Expected purchases in the horizon. */
  readonly expectedPurchases: number;
  /** BG/NBD probability of no purchase in the horizon. */
  readonly pNoPurchase: number;
  /** Expected value of a future purchase (Gamma-Gamma). */
  readonly expectedOrderValue: number;
  /** Discounted value of the horizon's expected purchases. */
  readonly clv: number;
  /** Churn model's probability of no purchase in the horizon. */
  readonly churnProbability: number;
  readonly churnRisk: ChurnRisk;
}

/** Every customer who had bought by the end of `asOfDay`, as of then. */
export function snapshotsAt(
  histories: readonly PurchaseHistory[],
  asOfDay: number,
  unit: TimeUnit,
): CustomerSnapshot[] {
  const snapshots: CustomerSnapshot[] = [];
  for (const history of histories) {
    const snapshot = snapshotAt(history, asOfDay, unit);
    if (snapshot) snapshots.push(snapshot);
  }
  return snapshots;
}

/**
 * Fits BG/NBD and Gamma-Gamma on `snapshots` (one pass into sufficient statistics) and the churn model on the
 * histories.
 */
export function fitScoringModels(
  histories: readonly PurchaseHistory[],
  snapshots: readonly CustomerSnapshot[],
  options: ScoreOptions,
): ScoringModels {
  const timeUnit = options.timeUnit ?? 'weeks';
  const purchases = new PurchaseStatisticsBuilder(timeUnit);
  const spend = new SpendStatisticsBuilder();
  for (const snapshot of snapshots) {
    purchases.add(snapshot.x, snapshot.tx, snapshot.T);
    if (snapshot.zbar > 0) spend.add(snapshot.x, snapshot.zbar);
  }
  if (snapshots.length === 0)
    throw new ScoringInputError(`no customer had bought by ${formatDay(options.asOfDay)}`);
  return {
    bgnbd: fitBgNbd(purchases.build()),
    gammaGamma: fitGammaGamma(spend.build()),
    churn: trainChurnModel(histories, options.asOfDay, {
      horizon: options.horizon,
      l2: options.l2 ?? 1,
      attributeNames: options.attributeNames ?? [],
    }),
  };
}

/** Scores every snapshot with fitted models; the RFM scores rank the snapshots against each other. */
export function scoreSnapshots(
  snapshots: readonly CustomerSnapshot[],
  models: ScoringModels,
  options: ScoreOptions,
): CustomerScore[] {
  const timeUnit = options.timeUnit ?? 'weeks';
  if (models.bgnbd.timeUnit !== timeUnit) {
    throw new ScoringInputError(`the BG/NBD model is in ${models.bgnbd.timeUnit}, the scores in ${timeUnit}`);
  }
  const clvOptions: ClvOptions = {
    horizon: options.horizon,
    annualDiscountRate: options.annualDiscountRate ?? 0.1,
    step: options.clvStep ?? defaultClvStep,
    margin: options.margin ?? 1,
  };
  const schedule = discountSchedule(models.bgnbd, clvOptions);
  const horizon = durationIn(options.horizon, timeUnit);
  const segments = options.segments ?? defaultSegmentTable;
  const thresholds = options.riskThresholds ?? defaultRiskThresholds;
  const rfm = rfmScores(snapshots);
  return snapshots.map((snapshot, i) => {
    const scores = rfm[i] as { r: number; f: number; m: number };
    const value = modelScores(
      models.bgnbd,
      models.gammaGamma,
      snapshot,
      horizon,
      schedule,
      clvOptions.margin ?? 1,
    );
    const churn = churnProbability(models.churn, snapshot);
    return {
      customerId: snapshot.customerId,
      frequency: snapshot.x,
      recency: snapshot.tx,
      T: snapshot.T,
      monetary: zbarCents(snapshot),
      rScore: scores.r,
      fScore: scores.f,
      mScore: scores.m,
      rfmSegment: segmentOf(scores, segments),
      ...value,
      churnProbability: churn,
      churnRisk: churnRisk(churn, thresholds),
    };
  });
}

/** The BG/NBD and Gamma-Gamma quantities of one customer, sharing the work between them. */
function modelScores(
  model: BgNbdModel,
  spend: GammaGammaFit,
  customer: CustomerSnapshot,
  horizon: number,
  schedule: DiscountSchedule,
  margin: number,
): Pick<CustomerScore, 'pAlive' | 'expectedPurchases' | 'pNoPurchase' | 'expectedOrderValue' | 'clv'> {
  const { r, alpha } = model.parameters;
  const { x, tx, T } = customer;
  const { alive, dropped } = likelihoodTerms(model.parameters, x, tx, T);
  const pAlive = Math.exp(alive - logAddExp(alive, dropped));
  // = L(x, t_x, T + horizon) / L(x, t_x, T), the form probabilityNoPurchase computes, without its checks.
  const pNoPurchase = 1 - pAlive * (1 - ((alpha + T) / (alpha + T + horizon)) ** (r + x));
  const { discounted, atHorizon } = discountAlong(expectationCurve(model.parameters, x, tx, T), schedule);
  const expectedOrderValue = expectedSpend(spend.parameters, x, customer.zbar);
  return {
    pAlive,
    expectedPurchases: atHorizon,
    pNoPurchase,
    expectedOrderValue,
    clv: margin * expectedOrderValue * discounted,
  };
}

/** Fits the models as of `options.asOfDay` and scores every customer who had bought by then. */
export function scoreHistories(
  histories: readonly PurchaseHistory[],
  options: ScoreOptions,
): { readonly models: ScoringModels; readonly scores: CustomerScore[] } {
  const snapshots = snapshotsAt(histories, options.asOfDay, options.timeUnit ?? 'weeks');
  const models = fitScoringModels(histories, snapshots, options);
  return { models, scores: scoreSnapshots(snapshots, models, options) };
}
