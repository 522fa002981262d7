/**
 * The scoring job's churn model with behaviour (docs/scoring.md#churn-risk): on a seeded synthetic lake where
 * customers who file a support ticket with a low satisfaction score stop buying some weeks later while the
 * others keep buying, the behaviour is signal the purchases do not carry (until the purchases stop), so the
 * model with behaviour beats purchases only and both baselines on the holdout, and ships; the same orders
 * without any other event leave nothing to learn from behaviour, and the purchase-only model ships with a note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { decodeParquet } from '../../../shared/lake/parquet.ts';
import type { LakeRow } from '../../../shared/lake/rows.ts';
import { scoresTable } from '../../../shared/lake/schema.ts';
import { behaviourChurnFeatures } from '../../../shared/scoring/churn-behaviour.ts';
import { runScoringJob, type ScoringRunSummary } from '../../../shared/scoring/job.ts';
import type { ScoreTarget, ScoreWriter } from '../../../shared/scoring/job-writeback.ts';
import { Random } from '../../../shared/scoring/simulate.ts';
import { dayNumber, formatDay } from '../../../shared/scoring/time.ts';
import { MemoryObjectStore } from '../lake/memory-object-store.ts';
import type { TempLake } from '../query/lake-fixture.ts';
import { type EventRow, lakeOf, track } from './scoring-lake.ts';

const asOf = '2026-11-22';
const asOfDay = dayNumber(asOf) as number;
/** 8 weeks: with 250 days of history one window (2 × 56 ≤ 250), snapshots 56, 112, 168 and 224 days back. */
const horizon = { amount: 8, unit: 'weeks' } as const;

/** Profiles that accept every write: the test reads the lake rows. */
const anyProfiles: ScoreWriter = {
  async scoreTargets(ids: readonly string[]): Promise<ReadonlyMap<string, ScoreTarget>> {
    return new Map(ids.map((id) => [id, { kind: 'live' }]));
  },
  async writeScores(): Promise<void> {},
};

function at(day: number, minute: number): string {
  return new Date(day * 86_400_000 + minute * 60_000).toISOString();
}

/**
 * 400 customers buying every 5 to 30 days on average (exponential gaps) from their first purchase in the first 20 of 250 days. Half quit on
 * a day drawn from the whole span (some after the as-of date); a quitter files `Ticket Created` with
 * satisfaction 1 or 2 in the 40 days before quitting, and buys as usual until then. Of the others, 40 % file a
 * ticket with satisfaction 4 or 5 on a random day. Everyone views a few pages. With `behaviour` false only the
 * orders are written.
 */
function syntheticEvents(seed: number, behaviour: boolean): EventRow[] {
  const random = new Random(seed);
  const start = asOfDay - 250;
  const events: EventRow[] = [];
  for (let i = 0; i < 400; i++) {
    const id = `k${String(i).padStart(4, '0')}`;
    const meanGap = 4 + random.uniform() * 26;
    const quits = random.uniform() < 0.5;
    const quitDay = quits ? start + 30 + Math.floor(random.uniform() * 280) : Number.POSITIVE_INFINITY;
    for (
      let day = start + Math.floor(random.uniform() * 20);
      day <= Math.min(asOfDay, quitDay);
      day += 1 + Math.floor(-Math.log(random.uniform()) * meanGap)
    ) {
      events.push(
        track(id, at(day, 600 + i), 'Order Completed', { revenue: 20 + Math.round(random.uniform() * 30) }),
      );
    }
    const ticketDay = quits
      ? quitDay - Math.floor(random.uniform() * 40)
      : random.uniform() < 0.4
        ? start + Math.floor(random.uniform() * 250)
        : undefined;
    const satisfaction = (quits ? 1 : 4) + Math.floor(random.uniform() * 2);
    if (behaviour && ticketDay !== undefined && ticketDay <= asOfDay) {
      events.push(track(id, at(ticketDay, 900), 'Ticket Created', { satisfaction_score: satisfaction }));
    }
    for (let view = 0; view < 3; view++) {
      const day = start + Math.floor(random.uniform() * 250);
      if (behaviour) events.push(track(id, at(day, 300), 'Product Viewed'));
    }
  }
  return events;
}

interface Holdout {
  snapshot: string;
  trainedAt: string[];
  rows: number;
  churned: number;
  auc: {
    withBehaviour?: number;
    purchasesOnly: number;
    daysSinceLastPurchase: number;
    bgnbdNoPurchase?: number;
  };
  calibration: {
    withBehaviour?: { bins: { count: number }[] };
    purchasesOnly: { bins: { count: number }[] };
  };
}

function churnOf(summary: ScoringRunSummary) {
  return (
    summary.models as unknown as { churn: { features: string[]; behaviour: boolean; holdout: Holdout } }
  ).churn;
}

describe('runScoringJob: customers who file low-satisfaction tickets stop buying', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;
  const store = new MemoryObjectStore();
  let summary: ScoringRunSummary;

  beforeAll(async () => {
    ({ lake, engine } = await lakeOf(syntheticEvents(7, true)));
    summary = await runScoringJob(
      { engine, lake: store, profiles: anyProfiles },
      { asOf, now: new Date('2026-11-23T01:00:00Z'), horizon },
    );
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    await lake?.remove();
  });

  it('holds out the most recent snapshot and trains on the three before it', () => {
    // Assess: snapshots 56, 112, 168 and 224 days before the as-of date
    const churn = churnOf(summary);
    expect(churn.holdout).toMatchObject({
      snapshot: formatDay(asOfDay - 56),
      trainedAt: [formatDay(asOfDay - 112), formatDay(asOfDay - 168), formatDay(asOfDay - 224)],
    });
    const binned = (churn.holdout.calibration.withBehaviour?.bins ?? []).reduce((n, bin) => n + bin.count, 0);
    expect(binned).toBe(churn.holdout.rows);
  });

  it('finds behaviour raises the holdout AUC above purchases only and both baselines, and ships it', () => {
    // Act
    const churn = churnOf(summary);
    const { withBehaviour, purchasesOnly, daysSinceLastPurchase, bgnbdNoPurchase } = churn.holdout.auc;

    // Assess
    expect(withBehaviour).toBeGreaterThan(purchasesOnly);
    expect(withBehaviour).toBeGreaterThan(daysSinceLastPurchase);
    expect(withBehaviour).toBeGreaterThan(bgnbdNoPurchase as number);
    expect(churn.behaviour).toBe(true);
    expect(churn.features.slice(4)).toEqual([...behaviourChurnFeatures]);
    expect(summary.churnModel).toBe('logistic');
    expect(summary.notes).toEqual([]);
  });

  it('scores with the run date’s behaviour: a recent low-satisfaction ticket raises the churn probability', async () => {
    // Prepare: customers who bought in the last 14 days, with and without a low score in the last 30
    const rows: LakeRow[] = [];
    for (const key of store.keys(`scores/dt=${asOf}/`)) {
      rows.push(...(await decodeParquet(scoresTable, (await store.get(key)) as Uint8Array)));
    }
    const recent = rows.filter((row) => (row.days_since_last as number) <= 14);
    const unhappy = (row: (typeof rows)[number]) => {
      const features = JSON.parse(String(row.features)) as {
        satisfaction_90d: number | null;
        support_tickets_90d: number;
      };
      return features.support_tickets_90d > 0 && (features.satisfaction_90d ?? 5) <= 2;
    };
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

    // Act
    const withTicket = recent.filter(unhappy).map((row) => row.churn_probability as number);
    const without = recent.filter((row) => !unhappy(row)).map((row) => row.churn_probability as number);

    // Assess
    expect(withTicket.length).toBeGreaterThan(0);
    expect(mean(withTicket)).toBeGreaterThan(mean(without));
  });
});

describe('runScoringJob: the same kind of orders and no other event', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;
  let summary: ScoringRunSummary;

  beforeAll(async () => {
    ({ lake, engine } = await lakeOf(syntheticEvents(7, false)));
    summary = await runScoringJob(
      { engine, lake: new MemoryObjectStore(), profiles: anyProfiles },
      { asOf, now: new Date('2026-11-23T01:00:00Z'), horizon },
    );
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    await lake?.remove();
  });

  it('ships the purchase-only model, says why, and still reports its holdout AUC and the baselines', () => {
    // Act
    const churn = churnOf(summary);

    // Assess
    expect(churn.behaviour).toBe(false);
    expect(churn.features).toHaveLength(4);
    expect(summary.notes).toEqual([
      'churn: no behavioural events before the training snapshots; the purchase-only model ships',
    ]);
    expect(churn.holdout.auc.withBehaviour).toBeUndefined();
    expect(Object.keys(churn.holdout.auc).sort()).toEqual([
      'bgnbdNoPurchase',
      'daysSinceLastPurchase',
      'purchasesOnly',
    ]);
  });
});
