import { describe, expect, it } from 'vitest';
import { type BgNbdModel, expectedPurchases } from '../../../shared/scoring/bgnbd.ts';
import { customerLifetimeValue, discountSchedule } from '../../../shared/scoring/clv.ts';
import { expectedSpend } from '../../../shared/scoring/gamma-gamma.ts';

const model: BgNbdModel = { parameters: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, timeUnit: 'weeks' };
const spend = { p: 6.25, q: 3.74, v: 15.44 };
const customer = { x: 2, tx: 30.43, T: 38.86, zbar: 22.35 };
const weeks = (amount: number) => ({ amount, unit: 'weeks' }) as const;

describe('customerLifetimeValue', () => {
  it('is expected spend × expected purchases when nothing is discounted', () => {
    // Act
    const clv = customerLifetimeValue(model, spend, customer, { horizon: weeks(39), annualDiscountRate: 0 });

    // Assess
    expect(clv).toBeCloseTo(
      expectedSpend(spend, 2, 22.35) * expectedPurchases(model, customer, weeks(39)),
      10,
    );
  });

  it('discounts a one-year horizon in one step by 1 / (1 + rate)', () => {
    // Prepare: one year is 365.25 / 7 weeks.
    const year = weeks(365.25 / 7);

    // Act
    const clv = customerLifetimeValue(model, spend, customer, {
      horizon: year,
      annualDiscountRate: 0.1,
      step: year,
    });

    // Assess
    const undiscounted = expectedSpend(spend, 2, 22.35) * expectedPurchases(model, customer, year);
    expect(clv).toBeCloseTo(undiscounted / 1.1, 10);
  });

  it('discounts each step’s purchases at the end of the step', () => {
    // Prepare: two steps of 26 weeks at 20 % a year, margin 30 %.
    const half = expectedPurchases(model, customer, weeks(26));
    const whole = expectedPurchases(model, customer, weeks(52));
    const yearsPerWeek = 7 / 365.25;
    const expected =
      0.3 *
      expectedSpend(spend, 2, 22.35) *
      (half * 1.2 ** (-26 * yearsPerWeek) + (whole - half) * 1.2 ** (-52 * yearsPerWeek));

    // Act
    const clv = customerLifetimeValue(model, spend, customer, {
      horizon: weeks(52),
      annualDiscountRate: 0.2,
      step: weeks(26),
      margin: 0.3,
    });

    // Assess
    expect(clv).toBeCloseTo(expected, 10);
  });

  it('cuts the horizon into monthly steps by default, the last one ending at the horizon', () => {
    // Act: 39 weeks = 273 days = 8.97 months of 30.4375 days.
    const schedule = discountSchedule(model, { horizon: weeks(39), annualDiscountRate: 0.1 });

    // Assess
    expect(schedule.times).toHaveLength(9);
    expect(schedule.times[0]).toBeCloseTo(30.4375 / 7, 12);
    expect(schedule.times[8]).toBe(39);
  });
});
