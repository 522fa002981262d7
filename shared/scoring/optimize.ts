/**
 * Nelder–Mead minimisation, the derivative-free simplex method (Lagarias et al., 1998 coefficients: reflect 1,
 * expand 2, contract ½, shrink ½), with restarts from the best point until a restart no longer improves it, the
 * usual remedy for a simplex that collapsed before the optimum. The models minimise a negative log-likelihood
 * over the logs of their positive parameters, so every point is feasible.
 */
import { ModelFitError, NumericError } from './errors.ts';

export interface MinimizeOptions {
  /** Size of the first simplex's steps along each axis. @default 0.5 */
  readonly initialStep?: number;
  /** Stop when the simplex's function values and points are within these spreads. @default 1e-10 */
  readonly functionTolerance?: number;
  /** Read `functionTolerance` as a share of 1 + |f| (for sums over many customers). @default false */
  readonly relativeFunctionTolerance?: boolean;
  /** @default 1e-9 */
  readonly pointTolerance?: number;
  /** Function evaluations in all, restarts included. @default 20000 */
  readonly maxEvaluations?: number;
  /** @default 5 */
  readonly maxRestarts?: number;
}

export interface Minimum {
  readonly point: readonly number[];
  readonly value: number;
  readonly evaluations: number;
  /** False when the evaluation budget ran out before the tolerances were met. */
  readonly converged: boolean;
}

/**
 * The point where `f` is smallest near `start`. `f` may return `Infinity` (or NaN) for points it rejects; those
 * are never accepted as an improvement.
 * @example minimize(([x = 0, y = 0]) => (x - 1) ** 2 + (y + 2) ** 2, [0, 0]).point // ≈ [1, −2]
 */
export function minimize(
  f: (point: readonly number[]) => number,
  start: readonly number[],
  options: MinimizeOptions = {},
): Minimum {
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const maxRestarts = options.maxRestarts ?? 5;
  let evaluations = 0;
  const evaluate = (point: readonly number[]): number => {
    evaluations += 1;
    const value = f(point);
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  };
  let best = simplexSearch(evaluate, start, options, () => evaluations >= maxEvaluations);
  for (let restart = 0; restart < maxRestarts && evaluations < maxEvaluations; restart++) {
    const again = simplexSearch(evaluate, best.point, options, () => evaluations >= maxEvaluations);
    const improved = best.value - again.value;
    if (again.value <= best.value) best = again;
    const tolerance = options.functionTolerance ?? 1e-10;
    if (improved <= (options.relativeFunctionTolerance ? tolerance * (1 + Math.abs(best.value)) : tolerance))
      break;
  }
  if (!Number.isFinite(best.value)) {
    throw new NumericError('the function is not finite anywhere the search went');
  }
  return { ...best, evaluations, converged: best.converged && evaluations < maxEvaluations };
}

interface Vertex {
  readonly point: number[];
  readonly value: number;
}

function simplexSearch(
  evaluate: (point: readonly number[]) => number,
  start: readonly number[],
  options: MinimizeOptions,
  exhausted: () => boolean,
): { point: number[]; value: number; converged: boolean } {
  const n = start.length;
  const step = options.initialStep ?? 0.5;
  const fTolerance = options.functionTolerance ?? 1e-10;
  const xTolerance = options.pointTolerance ?? 1e-9;
  const simplex: Vertex[] = [{ point: [...start], value: evaluate(start) }];
  for (let i = 0; i < n; i++) {
    const point = [...start];
    point[i] = (point[i] as number) + step;
    simplex.push({ point, value: evaluate(point) });
  }
  const at = (i: number): Vertex => simplex[i] as Vertex;
  while (true) {
    simplex.sort((u, v) => u.value - v.value);
    const bestVertex = at(0);
    const worst = at(n);
    if (converged(simplex, fTolerance, xTolerance, options.relativeFunctionTolerance ?? false)) {
      return { point: bestVertex.point, value: bestVertex.value, converged: true };
    }
    if (exhausted()) return { point: bestVertex.point, value: bestVertex.value, converged: false };
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + (at(i).point[j] as number) / n;
    }
    const towards = (coefficient: number) =>
      centroid.map((c, j) => c + coefficient * ((worst.point[j] as number) - c));
    const reflected = towards(-1);
    const reflectedValue = evaluate(reflected);
    const secondWorst = at(n - 1);
    if (reflectedValue < bestVertex.value) {
      const expanded = towards(-2);
      const expandedValue = evaluate(expanded);
      simplex[n] =
        expandedValue < reflectedValue
          ? { point: expanded, value: expandedValue }
          : { point: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < secondWorst.value) {
      simplex[n] = { point: reflected, value: reflectedValue };
      continue;
    }
    const outside = reflectedValue < worst.value;
    const contracted = towards(outside ? -0.5 : 0.5);
    const contractedValue = evaluate(contracted);
    if (contractedValue < (outside ? reflectedValue : worst.value)) {
      simplex[n] = { point: contracted, value: contractedValue };
      continue;
    }
    for (let i = 1; i <= n; i++) {
      const point = at(i).point.map(
        (x, j) => (bestVertex.point[j] as number) + 0.5 * (x - (bestVertex.point[j] as number)),
      );
      simplex[i] = { point, value: evaluate(point) };
    }
  }
}

function converged(
  simplex: readonly Vertex[],
  tolerance: number,
  xTolerance: number,
  relative: boolean,
): boolean {
  const first = simplex[0] as Vertex;
  const fTolerance = relative ? tolerance * (1 + Math.abs(first.value)) : tolerance;
  let fSpread = 0;
  let xSpread = 0;
  for (const vertex of simplex) {
    fSpread = Math.max(fSpread, Math.abs(vertex.value - first.value));
    for (let j = 0; j < first.point.length; j++) {
      xSpread = Math.max(xSpread, Math.abs((vertex.point[j] as number) - (first.point[j] as number)));
    }
  }
  return Number.isFinite(first.value) && fSpread <= fTolerance && xSpread <= xTolerance;
}

/** A function's value and gradient at a point, from one pass over the data. */
export type ValueAndGradient = (point: readonly number[]) => { value: number; gradient: readonly number[] };

export interface BfgsOptions {
  /** Converged when every gradient component is within this share of 1 + |f|. @default 1e-9 */
  readonly gradientTolerance?: number;
  /** @default 500 */
  readonly maxIterations?: number;
}

/**
 * Quasi-Newton (BFGS) minimisation with an analytic gradient and a backtracking (Armijo) line search; the
 * inverse-Hessian estimate starts as the scaled identity (Nocedal & Wright, eq. 6.20) and is reset whenever a
 * step is not a descent direction. Needs far fewer function evaluations than Nelder–Mead when the gradient is
 * cheap, which it is for the models' likelihoods.
 */
export function minimizeBfgs(
  f: ValueAndGradient,
  start: readonly number[],
  options: BfgsOptions = {},
): Minimum {
  const n = start.length;
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  let evaluations = 0;
  const evaluate = (point: readonly number[]) => {
    evaluations += 1;
    const { value, gradient } = f(point);
    const finite = Number.isFinite(value) && gradient.every(Number.isFinite);
    return { value: finite ? value : Number.POSITIVE_INFINITY, gradient };
  };
  let x = [...start];
  let current = evaluate(x);
  if (!Number.isFinite(current.value)) throw new NumericError('the function is not finite at the start');
  let inverse = identity(n);
  let scaled = false;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const g = current.gradient;
    if (g.every((component) => Math.abs(component) <= gradientTolerance * (1 + Math.abs(current.value)))) {
      return { point: x, value: current.value, evaluations, converged: true };
    }
    let direction = multiply(inverse, g).map((component) => -component);
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      inverse = identity(n);
      direction = g.map((component) => -component);
      slope = dot(direction, g);
    }
    // Converged when the full quasi-Newton step promises less decrease than f's rounding noise: a likelihood
    // summed over a million customers carries more noise (special functions, summation) than the gradient
    // test's tolerance allows near the minimum, where steps would only shuffle the last bits.
    if (Math.abs(slope) <= ROUNDING_NOISE * (1 + Math.abs(current.value))) {
      return { point: x, value: current.value, evaluations, converged: true };
    }
    let step = 1;
    let next = current;
    let candidate = x;
    for (;;) {
      candidate = x.map((value, i) => value + step * (direction[i] as number));
      next = evaluate(candidate);
      if (next.value <= current.value + 1e-4 * step * slope) break;
      step /= 2;
      if (step < 1e-20) return { point: x, value: current.value, evaluations, converged: false };
    }
    const s = candidate.map((value, i) => value - (x[i] as number));
    const y = next.gradient.map((value, i) => value - (g[i] as number));
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (!scaled) {
        const yy = dot(y, y);
        inverse = identity(n).map((row) => row.map((value) => (value * sy) / yy));
        scaled = true;
      }
      inverse = bfgsUpdate(inverse, s, y, sy);
    }
    x = candidate;
    current = next;
  }
  return { point: x, value: current.value, evaluations, converged: false };
}

/** Relative rounding noise of a likelihood summed over many rows: decreases below it are not progress. */
const ROUNDING_NOISE = 1e-13;

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1 / (yᵀs). */
function bfgsUpdate(h: number[][], s: number[], y: number[], sy: number): number[][] {
  const n = s.length;
  const rho = 1 / sy;
  const hy = multiply(h, y);
  const yhy = dot(y, hy);
  return h
    .map((row, i) =>
      row.map(
        (value, j) =>
          value -
          rho * ((hy[i] as number) * (s[j] as number) + (s[i] as number) * (hy[j] as number)) +
          (rho * rho * yhy + rho) * (s[i] as number) * (s[j] as number),
      ),
    )
    .slice(0, n);
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function multiply(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  return matrix.map((row) => dot(row, vector));
}

function dot(u: readonly number[], v: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < u.length; i++) total += (u[i] as number) * (v[i] as number);
  return total;
}

/** BFGS, then Nelder–Mead from its end point if it stalled; throws when neither converges. */
export function fitOnLogScale(f: ValueAndGradient, start: readonly number[], model: string): Minimum {
  const quasiNewton = minimizeBfgs(f, start);
  if (quasiNewton.converged) return quasiNewton;
  const simplex = minimize((point) => f(point).value, quasiNewton.point, {
    initialStep: 0.1,
    functionTolerance: 1e-12,
    pointTolerance: 1e-7,
    relativeFunctionTolerance: true,
  });
  const evaluations = quasiNewton.evaluations + simplex.evaluations;
  if (!simplex.converged) {
    throw new ModelFitError(`the ${model} fit did not converge (${evaluations} evaluations)`);
  }
  return { ...simplex, evaluations };
}
