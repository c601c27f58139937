import type { CutProblem, KktResiduals } from '@liftguard/cutting-plane';

/**
 * Optimality residuals of (d, λ) for the LP variants, from LP duality: min ‖d‖ (+ρΣs) s.t.
 * A d ≤ r (+s) has the dual max −rᵀλ s.t. ‖Aᵀλ‖_* ≤ 1, 0 ≤ λ ≤ ρ, where ‖·‖_* is ℓ∞ for
 * the 'l1' objective and ℓ1 for 'linf'. Reported in the shape of `KktResiduals`: primal
 * feasibility, dual-norm excess (stationarity), λ's box (dual) and the duality gap
 * (complementarity).
 */
export function lpOptimalityResiduals(
  problem: CutProblem,
  x: Float64Array,
  lambda: Float64Array,
  tolerance = 1e-6,
): KktResiduals {
  const objective = problem.objective;
  if (objective !== 'l1' && objective !== 'linf')
    throw new Error(`LP residuals need the 'l1' or 'linf' objective, got '${objective}'`);
  const upper = problem.softPenalty ?? Infinity;
  const activity = problem.cuts.times(x);
  const generated = problem.cuts.transposeTimes(lambda);
  let rhsScale = 0;
  let lambdaScale = 0;
  let primal = 0;
  let dual = 0;
  let slack = 0;
  let dualObjective = 0;
  for (let i = 0; i < problem.rhs.length; i++) {
    const r = problem.rhs[i]!;
    rhsScale = Math.max(rhsScale, Math.abs(r));
    lambdaScale = Math.max(lambdaScale, Math.abs(lambda[i]!));
    const violation = activity[i]! - r;
    if (upper === Infinity) primal = Math.max(primal, violation);
    else slack += Math.max(0, violation);
    dual = Math.max(dual, -lambda[i]!, lambda[i]! - upper);
    dualObjective -= r * lambda[i]!;
  }
  let norm = 0;
  let dualNorm = 0;
  for (let p = 0; p < x.length; p++) {
    norm = objective === 'l1' ? norm + Math.abs(x[p]!) : Math.max(norm, Math.abs(x[p]!));
    dualNorm =
      objective === 'l1'
        ? Math.max(dualNorm, Math.abs(generated[p]!))
        : dualNorm + Math.abs(generated[p]!);
  }
  const primalObjective = norm + (upper === Infinity ? 0 : upper * slack);
  const residuals = {
    primal: Math.max(0, primal) / (1 + rhsScale),
    stationarity: Math.max(0, dualNorm - 1),
    dual: dual / (1 + lambdaScale),
    complementarity: Math.abs(primalObjective - dualObjective) / (1 + Math.abs(primalObjective)),
  };
  return { ...residuals, ok: Object.values(residuals).every((r) => r <= tolerance) };
}
