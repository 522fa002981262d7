/**
 * The scoring job's SQL (shared/scoring/sql/): Athena (Trino) SQL by dt-sql-parser's grammar, and on DuckDB the
 * same customer summaries as the file-based aggregation (shared/scoring/history.ts) — checked on the CDNOW
 * sample loaded into a lake as `Order Completed` events — plus the behavioural features on a hand-made lake.
 */
import { TrinoSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { type CustomerSnapshot, purchaseHistories, snapshotAt } from '../../../shared/scoring/history.ts';
import { scoringSql, scoringWindows, trainingBehaviourBindings } from '../../../shared/scoring/job-sql.ts';
import { formatDay } from '../../../shared/scoring/time.ts';
import type { TempLake } from '../query/lake-fixture.ts';
import { calibrationEnd, sampleTransactions } from './cdnow-data.ts';
import { lakeOf, orderEvents, track } from './scoring-lake.ts';

describe('the scoring SQL', () => {
  it.each([
    ['customer-summary.sql', scoringSql('customer-summary.sql', scoringWindows('2026-11-22'))],
    [
      'training-occasions.sql',
      scoringSql('training-occasions.sql', { as_of: '2026-11-22', training_profiles: 5 }),
    ],
    [
      'training-behaviour.sql',
      scoringSql(
        'training-behaviour.sql',
        trainingBehaviourBindings('2026-11-22', 5, ['2026-10-31', '2026-08-01']),
      ),
    ],
  ] as const)('%s is valid Trino SQL for Athena', (_file, rendered) => {
    // Act
    const errors = new TrinoSQL().validate(rendered.sql);

    // Assess
    expect(errors).toEqual([]);
  });

  it('binds every placeholder, never splicing a value into the text', () => {
    // Act
    const { sql, params } = scoringSql('customer-summary.sql', scoringWindows('2026-11-22'));

    // Assess: windows by hand: 2026-11-22 − 29 days = 2026-10-24, − 59 = 2026-09-24, − 89 = 2026-08-25
    expect(sql).not.toContain('2026-');
    expect(new Set(params)).toEqual(
      new Set(['2026-11-22', '2026-08-25', '2026-10-24', '2026-09-24', '2026-10-23']),
    );
  });
});

describe('customer-summary.sql on the CDNOW sample', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;
  let rows: readonly Record<string, unknown>[];
  const transactions = sampleTransactions();

  beforeAll(async () => {
    ({ lake, engine } = await lakeOf(orderEvents(transactions)));
    const { sql, params } = scoringSql('customer-summary.sql', scoringWindows(formatDay(calibrationEnd)));
    rows = (await engine.query(sql, params)).rows;
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await lake?.remove();
  });

  it('gives every customer the x, t_x and T (days) and the cents of history.ts', () => {
    // Prepare: the independent method, the file-based aggregation, in days
    const expected = new Map<string, CustomerSnapshot>();
    for (const history of purchaseHistories(transactions)) {
      const snapshot = snapshotAt(history, calibrationEnd, 'days');
      if (snapshot) expected.set(`c${history.customerId}`, snapshot);
    }

    // Act
    const actual = new Map(rows.map((row) => [String(row.profile_id), row]));

    // Assess: the published count of the sample (docs/scoring.md), then every customer
    expect(actual.size).toBe(2357);
    expect(expected.size).toBe(2357);
    const mismatches = [...expected].filter(([id, snapshot]) => {
      const row = actual.get(id);
      return (
        row === undefined ||
        row.x !== snapshot.x ||
        row.t_x_days !== snapshot.tx ||
        row.t_days !== snapshot.T ||
        row.repeat_cents !== snapshot.repeatCents ||
        row.total_cents !== Math.round(snapshot.totalSpend * 100)
      );
    });
    expect(mismatches).toEqual([]);
  });

  it('counts the 946 repeat buyers and 2,457 repeat occasions of the published summary', () => {
    // Act
    const repeatBuyers = rows.filter((row) => Number(row.x) > 0).length;
    const repeatOccasions = rows.reduce((total, row) => total + Number(row.x), 0);

    // Assess
    expect(repeatBuyers).toBe(946);
    expect(repeatOccasions).toBe(2457);
  });
});

describe('customer-summary.sql behaviour features', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;

  beforeAll(async () => {
    ({ lake, engine } = await lakeOf([
      // ann: orders on 2026-11-01 (twice, one occasion) and 2026-11-20, revenue else total
      track('ann', '2026-11-01T10:00:00Z', 'Order Completed', { revenue: 10.005 }),
      track('ann', '2026-11-01T18:00:00Z', 'Order Completed', { total: 5 }),
      track('ann', '2026-11-20T09:00:00Z', 'Order Completed', { revenue: 20, total: 99 }),
      // an order after the as-of date does not count
      track('ann', '2026-11-23T09:00:00Z', 'Order Completed', { revenue: 1000 }),
      // sessions: 09:00 and 09:20 one session (≤ 30 min gap), 10:00 a second (40 min gap)
      track('ann', '2026-11-20T09:20:00Z', 'Email Opened'),
      track('ann', '2026-11-20T10:00:00Z', 'Email Link Clicked'),
      track('ann', '2026-11-21T10:00:00Z', 'Ticket Created', { satisfaction_score: 2 }),
      track('ann', '2026-11-21T10:05:00Z', 'Survey Answered', { satisfaction_score: 4 }, { channel: 'app' }),
      // previous 30 days (2026-09-24 .. 2026-10-23): two events, two sessions
      track('ann', '2026-10-01T10:00:00Z', 'Product Viewed'),
      track('ann', '2026-10-20T10:00:00Z', 'Product Viewed'),
      // bob viewed but never bought: not a customer
      track('bob', '2026-11-20T10:00:00Z', 'Product Viewed'),
    ]));
  });

  afterAll(async () => {
    await engine?.close();
    await lake?.remove();
  });

  it('summarises purchases and counts behaviour over the windows', async () => {
    // Act
    const { sql, params } = scoringSql('customer-summary.sql', scoringWindows('2026-11-22'));
    const { rows } = await engine.query(sql, params);

    // Assess, by hand: occasions 11-01 (1000.5 → 1001 cents + 500) and 11-20 (2000); days from 1970-01-01
    const first = Date.UTC(2026, 10, 1) / 86_400_000;
    expect(rows).toEqual([
      {
        profile_id: 'ann',
        first_day: first,
        last_day: first + 19,
        x: 1,
        t_x_days: 19,
        t_days: 21,
        total_cents: 3501,
        repeat_cents: 2000,
        // 10-01, 10-20, 11-01 10:00, 11-01 18:00, 11-20 09:00 (+09:20), 11-20 10:00, 11-21 10:00 (+10:05)
        sessions_30d: 5,
        sessions_90d: 7,
        email_opens_30d: 1,
        email_clicks_30d: 1,
        app_events_30d: 1,
        support_tickets_90d: 1,
        satisfaction_90d: 3,
        // 11-01 ×2, 11-20 ×3, 11-21 ×2 (the 11-23 order is after the as-of date)
        events_30d: 7,
        events_previous_30d: 2,
      },
    ]);
  });
});

describe('training-behaviour.sql: the sample’s behaviour as of each training snapshot', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;
  const snapshots = ['2026-10-31', '2026-08-01'];

  beforeAll(async () => {
    ({ lake, engine } = await lakeOf([
      // ann bought on 07-01 and 10-10
      track('ann', '2026-07-01T10:00:00Z', 'Order Completed', { revenue: 10 }),
      track('ann', '2026-07-20T10:00:00Z', 'Email Opened'),
      track('ann', '2026-07-20T10:10:00Z', 'Email Link Clicked'),
      // on the snapshot date 08-01, at its last minute: in; half a minute later, the next day: out
      track('ann', '2026-08-01T23:59:00Z', 'Ticket Created', { satisfaction_score: 2 }),
      track('ann', '2026-08-02T00:00:30Z', 'Survey Answered', { satisfaction_score: 5 }, { channel: 'app' }),
      track('ann', '2026-09-10T10:00:00Z', 'Product Viewed', {}, { channel: 'app' }),
      track('ann', '2026-10-10T10:00:00Z', 'Order Completed', { revenue: 20 }),
      track('ann', '2026-10-31T12:00:00Z', 'Email Opened'),
      // after the later snapshot, before the run date: in neither snapshot
      track('ann', '2026-11-01T09:00:00Z', 'Ticket Created', { satisfaction_score: 1 }),
      // bob bought after both snapshots, by the run date: sampled
      track('bob', '2026-10-15T10:00:00Z', 'Page Viewed', {}, { type: 'page', event: null }),
      track('bob', '2026-11-20T10:00:00Z', 'Order Completed', { revenue: 5 }),
      // cid never bought, dee only after the run date: not in the sample
      track('cid', '2026-10-20T10:00:00Z', 'Product Viewed'),
      track('dee', '2026-10-20T10:00:00Z', 'Product Viewed'),
      track('dee', '2026-11-25T10:00:00Z', 'Order Completed', { revenue: 5 }),
    ]));
  });

  afterAll(async () => {
    await engine?.close();
    await lake?.remove();
  });

  it('counts each sampled person’s events in each snapshot’s windows, none after the snapshot', async () => {
    // Prepare
    const { sql, params } = scoringSql(
      'training-behaviour.sql',
      trainingBehaviourBindings('2026-11-22', 10, snapshots),
    );

    // Act
    const { rows } = await engine.query(sql, params);

    // Assess, by hand. 2026-08-01: 90 days from 05-04, last 30 from 07-03, the previous 30 06-03 .. 07-02.
    // 2026-10-31: 90 days from 08-03, last 30 from 10-02, the previous 30 09-02 .. 10-01.
    const none = { email_clicks_30d: 0, app_events_30d: 0, support_tickets_90d: 0, satisfaction_90d: null };
    expect(rows).toEqual([
      {
        // 07-01 order, 07-20 10:00 and 10:10 (one session), 08-01 23:59 ticket; not 08-02
        profile_id: 'ann',
        snapshot: '2026-08-01',
        sessions_30d: 2,
        sessions_90d: 3,
        email_opens_30d: 1,
        email_clicks_30d: 1,
        app_events_30d: 0,
        support_tickets_90d: 1,
        satisfaction_90d: 2,
        events_30d: 3,
        events_previous_30d: 1,
        other_events_90d: 3,
      },
      {
        // 09-10 app view (previous 30 days), 10-10 order, 10-31 12:00 open; not 11-01
        profile_id: 'ann',
        snapshot: '2026-10-31',
        sessions_30d: 2,
        sessions_90d: 3,
        email_opens_30d: 1,
        ...none,
        events_30d: 2,
        events_previous_30d: 1,
        other_events_90d: 2,
      },
      {
        // 10-15 page view; the 11-20 order is after the snapshot
        profile_id: 'bob',
        snapshot: '2026-10-31',
        sessions_30d: 1,
        sessions_90d: 1,
        email_opens_30d: 0,
        ...none,
        events_30d: 1,
        events_previous_30d: 0,
        other_events_90d: 1,
      },
    ]);
  });

  it('reads only the sample of training-occasions.sql', async () => {
    // Prepare: a sample of one, the first by the id's random part (empty for these short ids), then the id
    const behaviour = scoringSql(
      'training-behaviour.sql',
      trainingBehaviourBindings('2026-11-22', 1, snapshots),
    );
    const occasions = scoringSql('training-occasions.sql', { as_of: '2026-11-22', training_profiles: 1 });

    // Act
    const people = new Set(
      (await engine.query(behaviour.sql, behaviour.params)).rows.map((row) => row.profile_id),
    );
    const buyers = new Set(
      (await engine.query(occasions.sql, occasions.params)).rows.map((row) => row.profile_id),
    );

    // Assess
    expect(people).toEqual(new Set(['ann']));
    expect(buyers).toEqual(people);
  });

  it('binds the snapshot dates and their windows, never splicing them into the text', () => {
    // Act
    const { sql, params } = scoringSql(
      'training-behaviour.sql',
      trainingBehaviourBindings('2026-11-22', 10, ['2026-08-01']),
    );

    // Assess: the one date fills every slot
    expect(sql).not.toContain('2026-');
    expect(params.filter((value) => value === '2026-08-01')).toHaveLength(5);
    expect(params).toContain('2026-05-04');
  });
});
