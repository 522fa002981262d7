/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares): each
 * step solves (XᵀWX + λI′) Δ = Xᵀ(y − μ) − λβ′ by Cholesky, where I′ and β′ leave the intercept unpenalised. The
 * penalised log-likelihood is concave, so Newton converges from zero in a handful of steps; a step that would
 * lower it is halved.
 */
import { ModelFitError, ScoringInputError } from './errors.ts';

export interface LogisticOptions {
  /**
   * λ, the L2 penalty on the coefficients (not the intercept), in units of the summed log-likelihood.
   * @default 1
   */
  readonly l2?: number;
  /** @default 100 */
  readonly maxIterations?: number;
  /** Stop when no coefficient moves more than this. @default 1e-10 */
  readonly tolerance?: number;
}

export interface LogisticModel {
  readonly intercept: number;
  readonly coefficients: readonly number[];
}

export interface LogisticFit extends LogisticModel {
  readonly iterations: number;
  readonly penalisedLogLikelihood: number;
}

/** P(y = 1 | x) = 1 / (1 + e^−(β₀ + β·x)). */
export function logisticProbability(model: LogisticModel, x: ArrayLike<number>): number {
  let eta = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++)
    eta += (model.coefficients[j] as number) * (x[j] as number);
  return sigmoid(eta);
}

export function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

/** Maximises Σ [yᵢ ln μᵢ + (1 − yᵢ) ln(1 − μᵢ)] − (λ/2)‖β‖² over the intercept and β. */
export function fitLogistic(
  rows: readonly ArrayLike<number>[],
  outcomes: ArrayLike<boolean>,
  options: LogisticOptions = {},
): LogisticFit {
  const n = rows.length;
  if (n === 0 || outcomes.length !== n)
    throw new ScoringInputError(`${n} rows but ${outcomes.length} outcomes`);
  const d = (rows[0] as ArrayLike<number>).length;
  const size = d + 1;
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  // beta[0] is the intercept.
  let beta = new Float64Array(size);
  let objective = penalisedLogLikelihood(rows, outcomes, beta, l2);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = new Float64Array(size);
    const hessian = new Float64Array(size * size);
    const design = new Float64Array(size);
    design[0] = 1;
    for (let i = 0; i < n; i++) {
      const row = rows[i] as ArrayLike<number>;
      for (let j = 0; j < d; j++) design[j + 1] = row[j] as number;
      let eta = 0;
      for (let j = 0; j < size; j++) eta += (beta[j] as number) * (design[j] as number);
      const mu = sigmoid(eta);
      const residual = (outcomes[i] ? 1 : 0) - mu;
      const w = mu * (1 - mu);
      for (let j = 0; j < size; j++) {
        const xj = design[j] as number;
        gradient[j] = (gradient[j] as number) + xj * residual;
        for (let k = 0; k <= j; k++)
          hessian[j * size + k] = (hessian[j * size + k] as number) + w * xj * (design[k] as number);
      }
    }
    for (let j = 1; j < size; j++) {
      gradient[j] = (gradient[j] as number) - l2 * (beta[j] as number);
      hessian[j * size + j] = (hessian[j * size + j] as number) + l2;
    }
    // A tiny ridge on the intercept keeps a data set with one outcome only solvable; its effect is below 1e-9.
    hessian[0] = (hessian[0] as number) + 1e-9;
    const step = choleskySolve(hessian, gradient, size);
    let scale = 1;
    let candidate = beta;
    let candidateObjective = objective;
    for (let halving = 0; halving < 30; halving++) {
      candidate = beta.map((value, j) => value + scale * (step[j] as number));
      candidateObjective = penalisedLogLikelihood(rows, outcomes, candidate, l2);
      if (candidateObjective >= objective - 1e-12 * Math.abs(objective)) break;
      scale /= 2;
    }
    const moved = step.reduce((max, value) => Math.max(max, Math.abs(value * scale)), 0);
    beta = candidate;
    objective = candidateObjective;
    if (moved <= tolerance) {
      return {
        intercept: beta[0] as number,
        coefficients: Array.from(beta.subarray(1)),
        iterations: iteration,
        penalisedLogLikelihood: objective,
      };
    }
  }
  throw new ModelFitError(`logistic regression did not converge in ${maxIterations} Newton steps`);
}

function penalisedLogLikelihood(
  rows: readonly ArrayLike<number>[],
  outcomes: ArrayLike<boolean>,
  beta: Float64Array,
  l2: number,
): number {
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as ArrayLike<number>;
    let eta = beta[0] as number;
    for (let j = 0; j < row.length; j++) eta += (beta[j + 1] as number) * (row[j] as number);
    // ln σ(η) = −ln(1 + e^−η), computed without overflow.
    const logOneplusExp = (value: number) =>
      value > 0 ? value + Math.log1p(Math.exp(-value)) : Math.log1p(Math.exp(value));
    total -= outcomes[i] ? logOneplusExp(-eta) : logOneplusExp(eta);
  }
  let norm = 0;
  for (let j = 1; j < beta.length; j++) norm += (beta[j] as number) ** 2;
  return total - (l2 / 2) * norm;
}

/** Solves A x = b for symmetric positive definite A (lower triangle filled, row-major). */
export function choleskySolve(matrix: Float64Array, rhs: Float64Array, size: number): Float64Array {
  const lower = new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    let diagonal = matrix[j * size + j] as number;
    for (let k = 0; k < j; k++) diagonal -= (lower[j * size + k] as number) ** 2;
    if (!(diagonal > 0)) throw new ModelFitError('the Newton system is not positive definite');
    const root = Math.sqrt(diagonal);
    lower[j * size + j] = root;
    for (let i = j + 1; i < size; i++) {
      let value = matrix[i * size + j] as number;
      for (let k = 0; k < j; k++) value -= (lower[i * size + k] as number) * (lower[j * size + k] as number);
      lower[i * size + j] = value / root;
    }
  }
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let value = rhs[i] as number;
    for (let k = 0; k < i; k++) value -= (lower[i * size + k] as number) * (y[k] as number);
    y[i] = value / (lower[i * size + i] as number);
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let value = y[i] as number;
    for (let k = i + 1; k < size; k++) value -= (lower[k * size + i] as number) * (x[k] as number);
    x[i] = value / (lower[i * size + i] as number);
  }
  return x;
}
