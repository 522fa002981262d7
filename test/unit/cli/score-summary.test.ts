import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../infra/cli/commands/score.ts';
import type { ScoringRunSummary } from '../../../shared/scoring/job.ts';

const summary: ScoringRunSummary = {
  asOf: '2026-11-22',
  runId: '20261123t031500123z',
  horizon: '39w',
  customers: 1200,
  prospects: 300,
  churnModel: 'logistic',
  notes: [],
  models: {
    churn: {
      behaviour: true,
      holdout: {
        snapshot: '2026-08-24',
        auc: { withBehaviour: 0.8123, purchasesOnly: 0.7741, daysSinceLastPurchase: 0.7612 },
      },
    },
  },
  segments: { Champions: 200, Prospects: 300, Lost: 1000 },
  lake: { keys: [], rows: 1500, replaced: 0 },
  profiles: { written: 1500, unchanged: 0, redirected: 0, missing: 0 },
} as unknown as ScoringRunSummary;

describe('cdp score’s summary', () => {
  it('names the churn model that shipped and the holdout AUCs it was chosen on', () => {
    // Act
    const text = formatSummary(summary);

    // Assess: BG/NBD could not be fitted at the holdout date, so it is left out.
    expect(text).toContain(
      'churn model: logistic on purchases and behaviour (holdout AUC at 2026-08-24: with behaviour 0.812, ' +
        'purchases only 0.774, days since last purchase 0.761)',
    );
    expect(text).toContain('scored 1200 customer(s) and 300 prospect(s) as of 2026-11-22');
    expect(text).toContain('segments: Lost 1000, Prospects 300, Champions 200');
  });

  it('says only the model when none was compared', () => {
    // Act
    const text = formatSummary({ ...summary, churnModel: 'bgnbd', models: {} });

    // Assess
    expect(text).toContain('churn model: bgnbd\n');
  });
});
