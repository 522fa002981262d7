/** How well a score separates and predicts a binary outcome: AUC, the Brier score and a reliability table. */
import { ScoringInputError } from './errors.ts';

/**
 * The area under the ROC curve by the Mann–Whitney statistic: the chance that a random positive scores higher
 * than a random negative, ties counting one half (through mid-ranks).
 * @example auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]) // 0.75
 */
export function auc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = checkedLength(scores, positive);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => (scores[i] as number) - (scores[j] as number),
  );
  let positives = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) end++;
    // Ranks start + 1 … end share their mean.
    const midRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (positive[order[k] as number]) {
        positives++;
        positiveRankSum += midRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new ScoringInputError('AUC needs at least one positive and one negative outcome');
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** The mean squared difference between predicted probabilities and outcomes (0 is perfect). */
export function brierScore(probabilities: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = checkedLength(probabilities, positive);
  let total = 0;
  for (let i = 0; i < n; i++) total += ((probabilities[i] as number) - (positive[i] ? 1 : 0)) ** 2;
  return total / n;
}

export interface ReliabilityBin {
  /** Predictions in [lower, upper); the last bin includes 1. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

export interface Calibration {
  readonly brier: number;
  /** Σ over bins of (count / n) · |observed − predicted|: the expected calibration error. */
  readonly expectedCalibrationError: number;
  /** Non-empty bins only. */
  readonly bins: readonly ReliabilityBin[];
}

/** A reliability table over `binCount` equal-width bins of predicted probability, and the Brier score. */
export function calibration(
  probabilities: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  binCount = 10,
): Calibration {
  const n = checkedLength(probabilities, positive);
  const counts = new Array<number>(binCount).fill(0);
  const predicted = new Array<number>(binCount).fill(0);
  const observed = new Array<number>(binCount).fill(0);
  for (let i = 0; i < n; i++) {
    const probability = probabilities[i] as number;
    if (!(probability >= 0 && probability <= 1)) {
      throw new ScoringInputError(`a probability must be in [0, 1], got ${probability}`);
    }
    const bin = Math.min(binCount - 1, Math.floor(probability * binCount));
    counts[bin] = (counts[bin] as number) + 1;
    predicted[bin] = (predicted[bin] as number) + probability;
    observed[bin] = (observed[bin] as number) + (positive[i] ? 1 : 0);
  }
  const bins: ReliabilityBin[] = [];
  let error = 0;
  for (let bin = 0; bin < binCount; bin++) {
    const count = counts[bin] as number;
    if (count === 0) continue;
    const meanPredicted = (predicted[bin] as number) / count;
    const observedRate = (observed[bin] as number) / count;
    error += (count / n) * Math.abs(observedRate - meanPredicted);
    bins.push({ lower: bin / binCount, upper: (bin + 1) / binCount, count, meanPredicted, observedRate });
  }
  return { brier: brierScore(probabilities, positive), expectedCalibrationError: error, bins };
}

function checkedLength(values: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  if (values.length !== positive.length) {
    throw new ScoringInputError(`${values.length} scores but ${positive.length} outcomes`);
  }
  if (values.length === 0) throw new ScoringInputError('no outcomes to evaluate');
  return values.length;
}
