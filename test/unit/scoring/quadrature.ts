/**
 * Numerical integration for the tests' independent checks of the models' closed forms: tanh-sinh on [0, 1]
 * (exact to about 1e-12 even with the integrable endpoint singularities of Beta densities) and composite
 * Gauss–Legendre on a finite interval.
 */

/**
 * ∫₀¹ f(p, 1 − p) dp by the tanh-sinh rule; f gets 1 − p computed without cancellation, so that (1 − p)^(b−1)
 * stays accurate next to 1.
 */
export function integrateUnitInterval(f: (p: number, oneMinusP: number) => number, h = 1 / 64): number {
  let total = 0;
  for (let t = -6; t <= 6; t += h) {
    const u = (Math.PI / 2) * Math.sinh(t);
    const p = 1 / (1 + Math.exp(-2 * u));
    const q = 1 / (1 + Math.exp(2 * u));
    const weight = (Math.PI / 2) * Math.cosh(t) * 2 * p * q;
    if (p > 0 && q > 0 && weight > 0) total += weight * f(p, q);
  }
  return total * h;
}

const nodes = [0, -0.5384693101056831, 0.5384693101056831, -0.906179845938664, 0.906179845938664];
const weights = [
  0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891,
];

/** ∫ₐᵇ f by five-point Gauss–Legendre on `panels` equal panels. */
export function integrate(f: (x: number) => number, a: number, b: number, panels = 2000): number {
  const width = (b - a) / panels;
  let total = 0;
  for (let panel = 0; panel < panels; panel++) {
    const centre = a + (panel + 0.5) * width;
    for (let k = 0; k < nodes.length; k++) {
      total += (weights[k] as number) * f(centre + (nodes[k] as number) * (width / 2));
    }
  }
  return (total * width) / 2;
}
