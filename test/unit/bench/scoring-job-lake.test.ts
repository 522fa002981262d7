/**
 * The scoring job benchmark's synthetic buyers (test/bench/scoring-job-lake.ts): each draw keeps CDNOW's
 * calendar, and the lake written from the draws gives the job's SQL exactly the summaries the draws imply,
 * through the identity map's profile ids.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { scoringSql, scoringWindows } from '../../../shared/scoring/job-sql.ts';
import { Random } from '../../../shared/scoring/simulate.ts';
import { buyerCalendar, drawBuyer, expectedSummary, writeOrdersLake } from '../../bench/scoring-job-lake.ts';

describe('the scoring job benchmark lake', () => {
  it('draws first purchases in the 12-week cohort and later occasions on distinct days up to day 272', () => {
    // Prepare
    const random = new Random(3);

    // Act
    const buyers = Array.from({ length: 2000 }, () => drawBuyer(random));

    // Assess
    for (const { days, cents } of buyers) {
      expect(days[0]).toBeGreaterThanOrEqual(0);
      expect(days[0]).toBeLessThan(buyerCalendar.cohortDays);
      for (let k = 1; k < days.length; k++) expect(days[k]).toBeGreaterThan(days[k - 1] as number);
      expect(days[days.length - 1]).toBeLessThanOrEqual(buyerCalendar.historyDays);
      expect(cents).toHaveLength(days.length);
      for (const value of cents) expect(value).toBeGreaterThanOrEqual(1);
    }
  });

  it('summarises a buyer by hand: days 10, 40, 100 with 500, 250, 125 cents', () => {
    // Act
    const summary = expectedSummary({ days: [10, 40, 100], cents: [500, 250, 125] });

    // Assess: x = 2 repeat occasions, t_x = 100 − 10, T = 272 − 10, repeat cents 250 + 125
    expect(summary).toEqual({ x: 2, txDays: 90, tDays: 262, totalCents: 875, repeatCents: 375 });
  });

  it('gives customer-summary.sql the draws’ summaries under the profile ids of the identity map', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'cdp-scoring-job-lake-'));
    const lakeDir = join(root, 's3', 'lake');
    mkdirSync(lakeDir, { recursive: true });
    try {
      await writeOrdersLake({
        lakeDir,
        workDir: root,
        buyers: 300,
        otherEvents: 300,
        asOf: '2026-11-22',
        random: new Random(11),
      });
      const redraw = new Random(11);
      const expected = new Map(
        Array.from({ length: 300 }, (_, i) => {
          const profileId = `01JDZ8Q4MP${createHash('md5').update(`buyer-${i}`).digest('hex').slice(0, 16).toUpperCase()}`;
          return [profileId, expectedSummary(drawBuyer(redraw))] as const;
        }),
      );
      const engine = await DuckDbSqlEngine.open({ lakeDir });

      // Act
      const { sql, params } = scoringSql('customer-summary.sql', scoringWindows('2026-11-22'));
      const rows = (await engine.query(sql, params)).rows;
      await engine.close();

      // Assess
      expect(rows).toHaveLength(300);
      for (const row of rows) {
        expect({
          x: row.x,
          txDays: row.t_x_days,
          tDays: row.t_days,
          totalCents: row.total_cents,
          repeatCents: row.repeat_cents,
        }).toEqual(expected.get(String(row.profile_id)));
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
