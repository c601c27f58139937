import type { CutProblem, KktResiduals } from './qp-problem.js';

/** Default relative tolerance for `KktResiduals.ok`. */
export const defaultKktTolerance = 1e-6;

/**
 * KKT residuals of a candidate (x, λ) for the 'l2' cut QP min ½‖x‖²_D s.t. A x ≤ r (+ slack
 * at cost ρ): primal feasibility, stationarity D x + Aᵀλ = 0, 0 ≤ λ ≤ ρ, complementarity.
 */
export function kktResiduals(
  problem: CutProblem,
  x: Float64Array,
  lambda: Float64Array,
  tolerance = defaultKktTolerance,
  /** A x and Aᵀλ when the caller already has them (each costs m·n). */
  products: { activity?: Float64Array; generated?: Float64Array } = {},
): KktResiduals {
  const { cuts, rhs, metric } = problem;
  const upper = problem.softPenalty ?? Infinity;
  const activity = products.activity ?? cuts.times(x);
  const generated = products.generated ?? cuts.transposeTimes(lambda);
  let rhsScale = 0;
  let lambdaScale = 0;
  for (let i = 0; i < rhs.length; i++) {
    rhsScale = Math.max(rhsScale, Math.abs(rhs[i]!));
    lambdaScale = Math.max(lambdaScale, Math.abs(lambda[i]!));
  }
  let primal = 0;
  let dual = 0;
  let complementarity = 0;
  for (let i = 0; i < rhs.length; i++) {
    const slack = rhs[i]! - activity[i]!;
    const l = lambda[i]!;
    if (upper === Infinity) primal = Math.max(primal, -slack);
    dual = Math.max(dual, -l, l - upper);
    complementarity = Math.max(complementarity, Math.max(l, 0) * Math.max(slack, 0));
    if (upper !== Infinity)
      complementarity = Math.max(complementarity, Math.max(upper - l, 0) * Math.max(-slack, 0));
  }
  let stationarity = 0;
  let generatedScale = 0;
  for (let p = 0; p < x.length; p++) {
    const weight = metric === undefined ? 1 : metric[p]!;
    stationarity = Math.max(stationarity, Math.abs(weight * x[p]! + generated[p]!));
    generatedScale = Math.max(generatedScale, Math.abs(generated[p]!));
  }
  const residuals = {
    primal: primal / (1 + rhsScale),
    stationarity: stationarity / (1 + generatedScale),
    dual: dual / (1 + lambdaScale),
    complementarity: complementarity / ((1 + lambdaScale) * (1 + rhsScale)),
  };
  const ok = Object.values(residuals).every((r) => r <= tolerance);
  return { ...residuals, ok };
}
