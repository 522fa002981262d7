/**
 * The behavioural features of the churn model (docs/scoring.md#churn-risk): the scoring job's features of a
 * person as of a date (job-summaries.ts `featureColumns`, the same SQL definitions at the run date and at each
 * training snapshot) turned into the model's inputs.
 *
 * Counts are heavy-tailed (one person's 300 sessions must not outweigh everyone else), so they enter as
 * ln(1 + count). The activity trend is already in [−1, 1]. The mean satisfaction score is missing for everyone
 * who gave none, which is not the same as a middling score: it enters as two inputs, an indicator
 * `no_satisfaction_90d` (1 when missing) and the score with 0 put in when missing. With the indicator in the
 * model the value put in is neutral: whatever it is, the indicator's coefficient absorbs it, so the score's
 * coefficient is learnt from the people who gave one only.
 *
 * @example
 * behaviourAttributes({ sessions_30d: 3, satisfaction_90d: null, ... }) // [ln 4, …, 0, 1]
 */
import type { JsonObject } from '../events/model.ts';
import { featureColumns } from './job-summaries.ts';

/** The counts among the summary's features, each an input as ln(1 + count); the previous 30 days' events enter
 * through the trend. */
const countColumns = featureColumns.filter(
  (column) => column !== 'satisfaction_90d' && column !== 'events_previous_30d',
);

export const behaviourChurnFeatures: readonly string[] = [
  ...countColumns.map((column) => `ln_${column}`),
  'activity_trend',
  'satisfaction_90d',
  'no_satisfaction_90d',
];

/** The model's behavioural inputs, in the order of `behaviourChurnFeatures`; absent counts are 0. */
export function behaviourAttributes(features: JsonObject | undefined): number[] {
  const number = (name: string): number | undefined => {
    const value = features?.[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const satisfaction = number('satisfaction_90d');
  return [
    ...countColumns.map((name) => Math.log1p(Math.max(0, number(name) ?? 0))),
    number('activity_trend') ?? 0,
    satisfaction ?? 0,
    satisfaction === undefined ? 1 : 0,
  ];
}

/** Whether the features show any behaviour at all: an event in the 90 days or a satisfaction score. */
export function hasBehaviour(features: JsonObject | undefined): boolean {
  if (features === undefined) return false;
  return (
    Number(features.sessions_90d ?? 0) > 0 ||
    Number(features.events_30d ?? 0) > 0 ||
    Number(features.events_previous_30d ?? 0) > 0 ||
    typeof features.satisfaction_90d === 'number'
  );
}
