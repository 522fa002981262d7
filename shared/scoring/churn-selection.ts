/**
 * Which churn model the scoring job ships (docs/scoring.md#churn-risk): purchases only, or purchases and
 * behaviour. Both are trained on the earlier training snapshots and compared out of time on the most recent
 * one, the holdout (its labels, "no purchase in the window after it", end on the as-of date), against two
 * baselines: days since the last purchase and BG/NBD's probability of no purchase in the window, fitted on
 * the holdout date's summaries. The better model by holdout AUC is then refitted on all snapshots and ships;
 * behaviour ships only when it raises the AUC.
 *
 * @example
 * const { model, behaviour, holdout } = selectChurnModel(histories, asOfDay, plan, { horizon, behaviourAt }, notes);
 */
import type { JsonObject } from '../events/model.ts';
import { fitBgNbd, probabilityNoPurchase } from './bgnbd.ts';
import {
  type ChurnModel,
  type ChurnPlan,
  type ChurnTrainingOptions,
  snapshotDate,
  trainChurnModel,
  windowChurnProbability,
} from './churn.ts';
import { behaviourAttributes, behaviourChurnFeatures } from './churn-behaviour.ts';
import { ScoringError, ScoringInputError } from './errors.ts';
import { auc, type Calibration, calibration } from './evaluation.ts';
import { type CustomerSnapshot, countUpTo, type PurchaseHistory, snapshotAt } from './history.ts';
import { PurchaseStatisticsBuilder } from './statistics.ts';
import type { Duration } from './time.ts';

export interface ChurnSelectionOptions {
  readonly horizon: Duration;
  /** A person's behavioural features as of a snapshot date (`YYYY-MM-DD`); `undefined` when they had none. */
  readonly behaviourAt: (customerId: string, snapshotDate: string) => JsonObject | undefined;
  /** Whether any training row shows behaviour; without, the behavioural model is not trained. */
  readonly anyBehaviour: boolean;
  /** @default 1 */
  readonly l2?: number;
}

/** The out-of-time comparison on the most recent training snapshot. */
export interface ChurnHoldout {
  readonly snapshot: string;
  readonly windowDays: number;
  /** Customers who had bought by the holdout snapshot, and those of them with no purchase in its window. */
  readonly rows: number;
  readonly churned: number;
  /** Trained on the snapshots before the holdout. */
  readonly trainedAt: readonly string[];
  readonly auc: {
    readonly withBehaviour?: number;
    readonly purchasesOnly: number;
    readonly daysSinceLastPurchase: number;
    /** Absent when BG/NBD could not be fitted on the holdout date's summaries. */
    readonly bgnbdNoPurchase?: number;
  };
  readonly calibration: {
    readonly withBehaviour?: Calibration;
    readonly purchasesOnly: Calibration;
  };
}

export interface ChurnSelection {
  /** Refitted on all the plan's snapshots. */
  readonly model: ChurnModel;
  /** Whether the shipped model reads behaviour (`snapshot.attributeMeans` = `behaviourAttributes`). */
  readonly behaviour: boolean;
  readonly holdout?: ChurnHoldout;
}

/** Trains, compares on the holdout, and refits the better model; why behaviour did not ship goes to `notes`. */
export function selectChurnModel(
  histories: readonly PurchaseHistory[],
  asOfDay: number,
  plan: ChurnPlan,
  options: ChurnSelectionOptions,
  notes: string[],
): ChurnSelection {
  const purchaseOptions: ChurnTrainingOptions = { horizon: options.horizon, l2: options.l2 ?? 1 };
  const behaviourOptions: ChurnTrainingOptions = {
    ...purchaseOptions,
    attributeNames: behaviourChurnFeatures,
    snapshotAttributes: (customerId, date) => behaviourAttributes(options.behaviourAt(customerId, date)),
  };
  let holdout: ChurnHoldout | undefined;
  const [holdoutDay, ...earlier] = plan.snapshotDays;
  // Without any snapshot, the training below says why.
  if (holdoutDay !== undefined && earlier.length === 0) {
    notes.push(
      'churn: one training snapshot, none left to hold out; the purchase-only model ships, not evaluated',
    );
  } else if (holdoutDay !== undefined) {
    const earlierPlan: ChurnPlan = { ...plan, snapshotDays: earlier };
    try {
      const purchases = trainChurnModel(histories, asOfDay, { ...purchaseOptions, plan: earlierPlan });
      const withBehaviour = options.anyBehaviour
        ? trainChurnModel(histories, asOfDay, { ...behaviourOptions, plan: earlierPlan })
        : undefined;
      holdout = evaluateHoldout(
        histories,
        holdoutDay,
        plan.windowDays,
        { purchases, withBehaviour },
        options,
      );
    } catch (error) {
      if (!(error instanceof ScoringError)) throw error;
      notes.push(`churn: no holdout evaluation (${error.message}); the purchase-only model ships`);
    }
  }
  const behaviourWins =
    holdout?.auc.withBehaviour !== undefined && holdout.auc.withBehaviour > holdout.auc.purchasesOnly;
  if (holdout && !options.anyBehaviour) {
    notes.push('churn: no behavioural events before the training snapshots; the purchase-only model ships');
  } else if (holdout && !behaviourWins) {
    notes.push(
      `churn: behaviour did not raise the holdout AUC (${formatAuc(holdout.auc.withBehaviour)} against ` +
        `${formatAuc(holdout.auc.purchasesOnly)} on purchases only); the purchase-only model ships`,
    );
  }
  const model = trainChurnModel(histories, asOfDay, {
    ...(behaviourWins ? behaviourOptions : purchaseOptions),
    plan,
  });
  return { model, behaviour: behaviourWins, ...(holdout ? { holdout } : {}) };
}

function formatAuc(value: number | undefined): string {
  return value === undefined ? 'none' : value.toFixed(3);
}

/** The models and baselines on the customers as of the holdout snapshot, labelled by its window. */
function evaluateHoldout(
  histories: readonly PurchaseHistory[],
  holdoutDay: number,
  windowDays: number,
  models: { readonly purchases: ChurnModel; readonly withBehaviour: ChurnModel | undefined },
  options: ChurnSelectionOptions,
): ChurnHoldout {
  const date = snapshotDate(holdoutDay);
  const purchases: number[] = [];
  const withBehaviour: number[] = [];
  const daysSinceLast: number[] = [];
  const churned: boolean[] = [];
  const statistics = new PurchaseStatisticsBuilder('weeks');
  const snapshots: CustomerSnapshot[] = [];
  for (const history of histories) {
    // In weeks for BG/NBD; the churn features read the snapshot's days.
    const snapshot = snapshotAt(history, holdoutDay, 'weeks');
    if (!snapshot) continue;
    snapshots.push(snapshot);
    statistics.add(snapshot.x, snapshot.tx, snapshot.T);
    churned.push(countUpTo(history.days, holdoutDay + windowDays) === snapshot.occasions);
    daysSinceLast.push(snapshot.daysSinceLast);
    purchases.push(windowChurnProbability(models.purchases, snapshot));
    if (models.withBehaviour) {
      const attributeMeans = behaviourAttributes(options.behaviourAt(history.customerId, date));
      withBehaviour.push(windowChurnProbability(models.withBehaviour, { ...snapshot, attributeMeans }));
    }
  }
  const positives = churned.filter(Boolean).length;
  if (positives === 0 || positives === churned.length) {
    throw new ScoringInputError(
      `the ${churned.length} customers at the holdout snapshot ${date} all had the same outcome`,
    );
  }
  let bgnbdAuc: number | undefined;
  try {
    const bgnbd = fitBgNbd(statistics.build());
    const window = { amount: windowDays, unit: 'days' } as const;
    bgnbdAuc = auc(
      snapshots.map((snapshot) => probabilityNoPurchase(bgnbd, snapshot, window)),
      churned,
    );
  } catch (error) {
    if (!(error instanceof ScoringError)) throw error;
  }
  return {
    snapshot: date,
    windowDays,
    rows: churned.length,
    churned: positives,
    trainedAt: models.purchases.training.snapshots,
    auc: {
      ...(models.withBehaviour ? { withBehaviour: auc(withBehaviour, churned) } : {}),
      purchasesOnly: auc(purchases, churned),
      daysSinceLastPurchase: auc(daysSinceLast, churned),
      ...(bgnbdAuc === undefined ? {} : { bgnbdNoPurchase: bgnbdAuc }),
    },
    calibration: {
      ...(models.withBehaviour ? { withBehaviour: calibration(withBehaviour, churned) } : {}),
      purchasesOnly: calibration(purchases, churned),
    },
  };
}
