import { GrowingCholesky } from './cholesky.js';

export interface DualBoxQpOptions {
  /** Optimality tolerance on the gradient (primal slack), absolute. Default 1e-10·(1 + ‖r‖∞). */
  tolerance?: number;
  /** Relative residual below which a cut is treated as a combination of the active ones. */
  dependenceTolerance?: number;
  /** Iteration cap (entering plus leaving steps). Default 50·m + 100. */
  maxIterations?: number;
}

export interface DualBoxQpResult {
  /** λ with 0 ≤ λ ≤ upper. */
  lambda: Float64Array;
  status: 'optimal' | 'infeasible' | 'iteration-limit';
  iterations: number;
  /**
   * For 'infeasible': v ≥ 0 with Gv = 0 (so Aᵀv = 0) and rᵀv < 0, Farkas's certificate that
   * no d satisfies A d ≤ r.
   */
  certificate?: Float64Array;
}

/**
 * Exact active-set method for min ½λᵀGλ + rᵀλ subject to 0 ≤ λ ≤ upper, with G = A D⁻¹ Aᵀ
 * positive semidefinite (the dual of the cut QP). Free variables keep linearly independent
 * cut rows (a Cholesky factor of G_FF); a dependent entering cut moves along the null
 * direction, which either frees a variable or proves the hard problem infeasible.
 */
export function solveDualBoxQp(
  gram: Float64Array,
  rhs: Float64Array,
  upper: number,
  options: DualBoxQpOptions = {},
): DualBoxQpResult {
  const m = rhs.length;
  let rhsScale = 0;
  for (let i = 0; i < m; i++) rhsScale = Math.max(rhsScale, Math.abs(rhs[i]!));
  const tolerance = options.tolerance ?? 1e-10 * (1 + rhsScale);
  const maxIterations = options.maxIterations ?? 50 * m + 100;
  const lambda = new Float64Array(m);
  const atUpper = new Uint8Array(m);
  const isFree = new Uint8Array(m);
  const factor = new GrowingCholesky(gram, m, options.dependenceTolerance);
  const gradient = Float64Array.from(rhs);
  let iterations = 0;

  const refreshGradient = () => {
    for (let i = 0; i < m; i++) {
      let sum = rhs[i]!;
      const row = i * m;
      for (let j = 0; j < m; j++) if (lambda[j] !== 0) sum += gram[row + j]! * lambda[j]!;
      gradient[i] = sum;
    }
  };

  // Moves a free member to the bound it reached and out of the factor.
  const release = (position: number) => {
    const index = factor.members[position]!;
    const toUpper = upper !== Infinity && lambda[index]! >= upper / 2;
    lambda[index] = toUpper ? upper : 0;
    atUpper[index] = toUpper ? 1 : 0;
    isFree[index] = 0;
    factor.removeAt(position);
  };

  // Minimizes over the current free set, stepping back to the box when the target leaves it.
  const solveFace = () => {
    while (iterations++ < maxIterations) {
      const members = factor.members;
      const k = members.length;
      const target = new Float64Array(k);
      for (let p = 0; p < k; p++) {
        const index = members[p]!;
        let sum = -rhs[index]!;
        if (upper !== Infinity) {
          for (let j = 0; j < m; j++) if (atUpper[j]) sum -= gram[index * m + j]! * upper;
        }
        target[p] = sum;
      }
      const solution = factor.solve(target);
      let step = 1;
      let blocking = -1;
      for (let p = 0; p < k; p++) {
        const current = lambda[members[p]!]!;
        const next = solution[p]!;
        if (next < 0) {
          const ratio = current / (current - next);
          if (ratio < step) {
            step = ratio;
            blocking = p;
          }
        } else if (next > upper) {
          const ratio = (upper - current) / (next - current);
          if (ratio < step) {
            step = ratio;
            blocking = p;
          }
        }
      }
      for (let p = 0; p < k; p++) {
        const index = members[p]!;
        lambda[index] = lambda[index]! + step * (solution[p]! - lambda[index]!);
      }
      if (blocking < 0) return;
      release(blocking);
      // Others that reached a bound in the same step leave too (degenerate ties).
      for (let p = factor.members.length - 1; p >= 0; p--) {
        const value = lambda[factor.members[p]!]!;
        if (value <= 0 || value >= upper) release(p);
      }
    }
  };

  while (iterations++ < maxIterations) {
    let entering = -1;
    let best = 0;
    for (let i = 0; i < m; i++) {
      if (isFree[i]) continue;
      const g = gradient[i]!;
      const wrongWay = atUpper[i] ? g > tolerance : g < -tolerance;
      if (!wrongWay) continue;
      // Rank by distance to the cut's hyperplane, not by raw slack.
      const score = Math.abs(g) / Math.sqrt(Math.max(gram[i * m + i]!, Number.MIN_VALUE));
      if (score > best) {
        best = score;
        entering = i;
      }
    }
    if (entering < 0) return { lambda, status: 'optimal', iterations };

    const direction = atUpper[entering] ? -1 : 1;
    let entered = false;
    while (iterations < maxIterations) {
      const combination = factor.tryAppend(entering);
      if (combination === null) {
        isFree[entering] = 1;
        atUpper[entering] = 0;
        entered = true;
        break;
      }
      iterations++;
      // Null direction v: v_i = s, v_F = −s·z. Along it G v = 0 and f falls at rate s·g_i.
      const members = factor.members;
      let step = upper === Infinity ? Infinity : upper;
      let blocking = -1;
      for (let p = 0; p < members.length; p++) {
        const v = -direction * combination[p]!;
        const current = lambda[members[p]!]!;
        let ratio = Infinity;
        if (v < 0) ratio = current / -v;
        else if (v > 0 && upper !== Infinity) ratio = (upper - current) / v;
        if (ratio < step) {
          step = ratio;
          blocking = p;
        }
      }
      if (step === Infinity) {
        const certificate = new Float64Array(m);
        certificate[entering] = direction;
        for (let p = 0; p < members.length; p++)
          certificate[members[p]!] = -direction * combination[p]!;
        return { lambda, status: 'infeasible', iterations, certificate };
      }
      for (let p = 0; p < members.length; p++) {
        const index = members[p]!;
        lambda[index] = Math.min(
          upper,
          Math.max(0, lambda[index]! - step * direction * combination[p]!),
        );
      }
      lambda[entering] = lambda[entering]! + step * direction;
      if (blocking < 0) {
        // The entering cut itself crossed its box: it now sits on the other bound.
        lambda[entering] = direction > 0 ? upper : 0;
        atUpper[entering] = direction > 0 ? 1 : 0;
        break;
      }
      release(blocking);
    }
    if (entered) solveFace();
    refreshGradient();
  }
  return { lambda, status: 'iteration-limit', iterations };
}
