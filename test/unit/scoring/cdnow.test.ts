/**
 * Validation against the literature on the CDNOW 1/10 sample (Fader, Hardie & Lee 2005): the summary built
 * from raw transactions, the published BG/NBD and Gamma-Gamma estimates, and the predictive quantities checked
 * against independent computations (numerical integration over the mixing distributions, closed forms at
 * x = 0, and a seeded Monte-Carlo simulation).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BgNbdModel,
  expectedPurchases,
  expectedPurchasesOfNewCustomer,
  fitBgNbd,
  probabilityAlive,
  probabilityNoPurchase,
} from '../../../shared/scoring/bgnbd.ts';
import { readSummaryFile } from '../../../shared/scoring/files.ts';
import { expectedSpend, fitGammaGamma } from '../../../shared/scoring/gamma-gamma.ts';
import {
  type CustomerSnapshot,
  purchaseHistories,
  snapshotAt,
  zbarCents,
} from '../../../shared/scoring/history.ts';
import { Random, simulateBgNbdPurchases } from '../../../shared/scoring/simulate.ts';
import { lnBeta } from '../../../shared/scoring/special.ts';
import { PurchaseStatisticsBuilder, SpendStatisticsBuilder } from '../../../shared/scoring/statistics.ts';
import {
  calibrationEnd,
  cdnowChecksums,
  cdnowFiles,
  dataEnd,
  sampleTransactions,
  sha256,
  summaryRows,
} from './cdnow-data.ts';
import { integrate, integrateUnitInterval } from './quadrature.ts';

/** FHL 2005, table of BG/NBD estimates on this sample, printed to three decimals (the LL to one). */
const publishedBgNbd = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, logLikelihood: -9582.4 };
/**
 * Fader, Hardie & Lee 2005 ("RFM and CLV") and Fader & Hardie 2013 ("The Gamma-Gamma Model of Monetary
 * Value"), printed to two decimals.
 */
const publishedGammaGamma = { p: 6.25, q: 3.74, v: 15.44 };

const weeks = (amount: number) => ({ amount, unit: 'weeks' }) as const;
const round2 = (value: number) => Math.round(value * 100) / 100;

describe('the CDNOW reference files', () => {
  it.each(Object.keys(cdnowFiles) as (keyof typeof cdnowFiles)[])(
    '%s has the checksum the README lists',
    (name) => {
      expect(sha256(cdnowFiles[name])).toBe(cdnowChecksums[name]);
    },
  );
});

describe('customer summaries built from the raw CDNOW transactions', () => {
  let snapshots: Map<string, CustomerSnapshot>;

  beforeAll(() => {
    const histories = purchaseHistories(sampleTransactions());
    snapshots = new Map(
      // The raw file's sample ids are zero-padded (0001), the summaries' are not (1).
      histories.map((history) => [
        String(Number(history.customerId)),
        snapshotAt(history, calibrationEnd, 'weeks') as CustomerSnapshot,
      ]),
    );
  });

  it('reproduce x, t_x, T and zbar of every one of the 2,357 customers', () => {
    // Prepare
    const published = summaryRows(cdnowFiles.summaryWithSpend);
    const lifetimes = summaryRows(cdnowFiles.summary);
    const mismatches: string[] = [];

    // Act
    for (const [id, row] of published) {
      const mine = snapshots.get(id);
      const other = lifetimes.get(id);
      if (
        !mine ||
        mine.x !== row.x ||
        round2(mine.tx) !== row.t_x ||
        round2(mine.T) !== row.T ||
        zbarCents(mine) !== row.zbar ||
        other?.frequency !== mine.x ||
        other.recency !== round2(mine.tx) ||
        other.T !== round2(mine.T)
      ) {
        mismatches.push(id);
      }
    }

    // Assess
    expect(published.size).toBe(2357);
    expect(snapshots.size).toBe(2357);
    expect(mismatches).toEqual([]);
  });

  it('count the repeat buyers and repeat purchases the README gives', () => {
    // Act
    const all = [...snapshots.values()];

    // Assess: 946 customers with x > 0, Σx = 2,457.
    expect(all.filter((snapshot) => snapshot.x > 0)).toHaveLength(946);
    expect(all.reduce((sum, snapshot) => sum + snapshot.x, 0)).toBe(2457);
  });

  it('see 684 customers buy again in the hold-out period, on 1,882 purchase days', () => {
    // Prepare
    const histories = purchaseHistories(sampleTransactions());

    // Act
    const later = histories.map(
      (history) =>
        (snapshotAt(history, dataEnd, 'weeks') as CustomerSnapshot).occasions -
        (snapshotAt(history, calibrationEnd, 'weeks') as CustomerSnapshot).occasions,
    );

    // Assess
    expect(later.filter((count) => count > 0)).toHaveLength(684);
    expect(later.reduce((sum, count) => sum + count, 0)).toBe(1882);
  });
});

describe('BG/NBD on the CDNOW summary', () => {
  it('reproduces the published estimates and log-likelihood to the printed precision', () => {
    // Prepare
    const { purchases } = readSummaryFile(readFileSync(cdnowFiles.summary), 'summary.csv', 'weeks', [
      'x',
      'tx',
      'T',
    ]);

    // Act
    const fit = fitBgNbd(purchases);

    // Assess: printed to three decimals, so within half a unit of the last printed digit.
    expect(Math.abs(fit.parameters.r - publishedBgNbd.r)).toBeLessThanOrEqual(0.0005);
    expect(Math.abs(fit.parameters.alpha - publishedBgNbd.alpha)).toBeLessThanOrEqual(0.0005);
    expect(Math.abs(fit.parameters.a - publishedBgNbd.a)).toBeLessThanOrEqual(0.0005);
    expect(Math.abs(fit.parameters.b - publishedBgNbd.b)).toBeLessThanOrEqual(0.0005);
    expect(Math.abs(fit.logLikelihood - publishedBgNbd.logLikelihood)).toBeLessThanOrEqual(0.05);
    expect(fit.customers).toBe(2357);
    expect(fit.timeUnit).toBe('weeks');
  });

  it('fits the same model in days, with alpha scaled by 7', () => {
    // Prepare: the same customers with times in days.
    const histories = purchaseHistories(sampleTransactions());
    const inDays = new PurchaseStatisticsBuilder('days');
    for (const history of histories) {
      const snapshot = snapshotAt(history, calibrationEnd, 'days') as CustomerSnapshot;
      inDays.add(snapshot.x, snapshot.tx, snapshot.T);
    }

    // Act
    const fit = fitBgNbd(inDays.build());

    // Assess: r, a, b do not depend on the unit; α is per day, 7 × the weekly α (unrounded times here).
    expect(fit.timeUnit).toBe('days');
    expect(fit.parameters.r).toBeCloseTo(publishedBgNbd.r, 2);
    expect(fit.parameters.alpha / 7).toBeCloseTo(publishedBgNbd.alpha, 1);
  });
});

describe('Gamma-Gamma on the CDNOW repeat buyers', () => {
  it('reproduces p = 6.25, q = 3.74, γ = 15.44 from the exact mean spend of the raw transactions', () => {
    // Prepare: zbar as the exact mean of each repeat buyer's repeat purchase days.
    const spend = new SpendStatisticsBuilder();
    for (const history of purchaseHistories(sampleTransactions())) {
      const snapshot = snapshotAt(history, calibrationEnd, 'weeks') as CustomerSnapshot;
      spend.add(snapshot.x, snapshot.zbar);
    }

    // Act
    const fit = fitGammaGamma(spend.build());

    // Assess: printed to two decimals. Fader & Hardie's note gives no log-likelihood; CLVTools' correctness
    // test of this model on the same data expects −4055.9177, which we match to its four decimals.
    expect(fit.customers).toBe(946);
    expect(Math.abs(fit.parameters.p - publishedGammaGamma.p)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(fit.parameters.q - publishedGammaGamma.q)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(fit.parameters.v - publishedGammaGamma.v)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(fit.logLikelihood - -4055.9177)).toBeLessThanOrEqual(0.00005);
  });

  it('fits the same parameters whatever order the customers are added in', () => {
    // Prepare: the same repeat buyers, forwards and backwards (the SQL summaries come in profile-id order).
    const snapshots = purchaseHistories(sampleTransactions()).map(
      (history) => snapshotAt(history, calibrationEnd, 'weeks') as CustomerSnapshot,
    );
    const forwards = new SpendStatisticsBuilder();
    const backwards = new SpendStatisticsBuilder();
    for (const snapshot of snapshots) forwards.add(snapshot.x, snapshot.zbar);
    for (const snapshot of [...snapshots].reverse()) backwards.add(snapshot.x, snapshot.zbar);

    // Act
    const [a, b] = [fitGammaGamma(forwards.build()), fitGammaGamma(backwards.build())];

    // Assess
    expect(b.parameters).toEqual(a.parameters);
    expect(b.evaluations).toBe(a.evaluations);
  });

  it('moves γ by less than 0.01 when zbar is rounded to cents, as in the summary file', () => {
    // Prepare
    const { spend } = readSummaryFile(readFileSync(cdnowFiles.summaryWithSpend), 'summary.csv', 'weeks', [
      'x',
      'zbar',
    ]);

    // Act
    const fit = fitGammaGamma(spend as NonNullable<typeof spend>);

    // Assess: p and q still round to the published values; γ is 15.448 here (15.45 printed), 15.444 unrounded.
    expect(Math.abs(fit.parameters.p - publishedGammaGamma.p)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(fit.parameters.q - publishedGammaGamma.q)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(fit.parameters.v - publishedGammaGamma.v)).toBeLessThan(0.01);
  });

  it('gives the conditional expected spend that integrating over the posterior of ν gives', () => {
    // Prepare: purchase values ~ Gamma(p, ν), ν ~ Gamma(q, γ); given x values with mean zbar, the posterior of
    // ν is ∝ ν^(px) e^(−ν x zbar) · ν^(q−1) e^(−γν), and a purchase's expected value given ν is p/ν. We
    // integrate that numerically over s = ln ν instead of using the conjugate closed form.
    const { p, q, v } = publishedGammaGamma;
    const customers: [number, number][] = [
      [1, 11.77],
      [2, 22.35],
      [7, 73.74],
      [30, 40],
    ];
    const integrated = ([x, zbar]: [number, number]) => {
      const shape = p * x + q; // the posterior density in s is ∝ e^(shape·s − (γ + x·zbar)·e^s)
      const rate = v + x * zbar;
      const peak = Math.log(shape / rate);
      const logDensity = (s: number) => shape * s - rate * Math.exp(s) - (shape * peak - shape);
      const mass = integrate((s) => Math.exp(logDensity(s)), peak - 40, peak + 8, 4000);
      const mean = integrate((s) => (p / Math.exp(s)) * Math.exp(logDensity(s)), peak - 40, peak + 8, 4000);
      return mean / mass;
    };

    // Act & Assess
    for (const customer of customers) {
      expect(expectedSpend(publishedGammaGamma, ...customer)).toBeCloseTo(integrated(customer), 8);
    }
    // x = 0: the population mean p·γ/(q − 1) = 6.25 · 15.44 / 2.74, by hand 35.2190…
    expect(expectedSpend(publishedGammaGamma, 0, 0)).toBeCloseTo(35.219, 3);
  });
});

describe('BG/NBD predictions against independent computations', () => {
  const model: BgNbdModel = { parameters: publishedBgNbd, timeUnit: 'weeks' };
  const { r, alpha, a, b } = publishedBgNbd;

  /**
   * Posterior quantities by numerical integration over p ~ Beta(a, b), with the Gamma(r, α) integral over λ done
   * by the Gamma function. Given λ and p, the history (x, t_x, T) has likelihood (1−p)^x λ^x e^(−λT) (still
   * alive) + [x > 0] p (1−p)^(x−1) λ^x e^(−λ t_x) (left after the last purchase); an alive customer buys
   * (1 − e^(−λpt))/p times in the next t on average, and none with probability e^(−λt).
   */
  function byIntegration(x: number, tx: number, T: number, t: number) {
    const k = r + x;
    const beta = (p: number, q: number) => p ** (a - 1) * q ** (b - 1);
    const alive = integrateUnitInterval((p, q) => beta(p, q) * q ** x) * (alpha + T) ** -k;
    const dropped =
      x === 0 ? 0 : integrateUnitInterval((p, q) => beta(p, q) * p * q ** (x - 1)) * (alpha + tx) ** -k;
    const evidence = alive + dropped;
    const purchases = integrateUnitInterval((p, q) => {
      // (α+T)^−k − (α+T+pt)^−k, divided by p, without cancellation for small p.
      const difference = -((alpha + T) ** -k) * Math.expm1(-k * Math.log1p((p * t) / (alpha + T)));
      return (beta(p, q) * q ** x * difference) / p;
    });
    const stillNone = integrateUnitInterval((p, q) => beta(p, q) * q ** x) * (alpha + T + t) ** -k;
    return {
      pAlive: alive / evidence,
      expected: purchases / evidence,
      pNoPurchase: (dropped + stillNone) / evidence,
    };
  }

  it('integrates a Beta density to B(a, b), so the quadrature can be trusted', () => {
    const mass = integrateUnitInterval((p, q) => p ** (a - 1) * q ** (b - 1));
    expect(mass).toBeCloseTo(Math.exp(lnBeta(a, b)), 12);
  });

  it.each([
    [0, 0, 38.86, 39],
    [1, 1.71, 38.86, 39],
    [2, 30.43, 38.86, 39],
    [7, 29.43, 38.86, 52],
    [20, 35.14, 37.57, 13],
    [5, 2.0, 30.0, 39],
  ])('P(alive), E[X(t)] and P(X(t) = 0) agree for x = %d, t_x = %d, T = %d, t = %d weeks', (x, tx, T, t) => {
    // Prepare
    const expected = byIntegration(x, tx, T, t);
    const customer = { x, tx, T, zbar: 0 };

    // Act
    const pAlive = probabilityAlive(model, customer);
    const purchases = expectedPurchases(model, customer, weeks(t));
    const pNone = probabilityNoPurchase(model, customer, weeks(t));

    // Assess: the quadrature is good to about 1e-12, so agreement to 1e-9 leaves room for rounding only.
    expect(pAlive).toBeCloseTo(expected.pAlive, 9);
    expect(purchases).toBeCloseTo(expected.expected, 9);
    expect(pNone).toBeCloseTo(expected.pNoPurchase, 9);
  });

  it('matches the closed forms at x = 0: alive for sure, and P(X(t) = 0) = ((α+T)/(α+T+t))^r', () => {
    // Prepare: with no repeat purchase there was no chance to leave (dropout follows purchases), and λ's
    // posterior is Gamma(r, α + T), whose Laplace transform at t is ((α+T)/(α+T+t))^r.
    const customer = { x: 0, tx: 0, T: 30, zbar: 0 };

    // Act & Assess
    expect(probabilityAlive(model, customer)).toBe(1);
    expect(probabilityNoPurchase(model, customer, weeks(26))).toBeCloseTo(
      ((alpha + 30) / (alpha + 56)) ** r,
      14,
    );
  });

  it('converts horizons in other units to the model’s weeks', () => {
    const customer = { x: 2, tx: 30.43, T: 38.86, zbar: 0 };
    expect(expectedPurchases(model, customer, { amount: 273, unit: 'days' })).toBeCloseTo(
      expectedPurchases(model, customer, weeks(39)),
      14,
    );
  });

  it('agrees with a seeded simulation of new customers: E[X(t)] and P(X(t) = 0) = (α/(α+t))^r', () => {
    // Prepare: 200,000 customers drawn from the model, followed for 39 weeks after their first purchase.
    const random = new Random(20050101);
    const n = 200_000;
    const t = 39;
    let sum = 0;
    let sumOfSquares = 0;
    let none = 0;
    for (let i = 0; i < n; i++) {
      const count = simulateBgNbdPurchases(random, publishedBgNbd, t).length;
      sum += count;
      sumOfSquares += count * count;
      if (count === 0) none++;
    }
    const mean = sum / n;
    const standardError = Math.sqrt((sumOfSquares / n - mean * mean) / n);
    const noneRate = none / n;

    // Act
    const expected = expectedPurchasesOfNewCustomer(model, weeks(t));
    const expectedNone = (alpha / (alpha + t)) ** r;

    // Assess: a correct formula misses the simulated mean by more than 4 standard errors once in ~16,000 seeds.
    expect(Math.abs(mean - expected)).toBeLessThan(4 * standardError);
    expect(Math.abs(noneRate - expectedNone)).toBeLessThan(
      4 * Math.sqrt((expectedNone * (1 - expectedNone)) / n),
    );
  });
});
