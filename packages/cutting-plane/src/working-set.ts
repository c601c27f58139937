import { CutMatrix } from './cut-matrix.js';
import { solveDualBoxQp, type DualBoxQpOptions, type DualBoxQpResult } from './dual-box-qp.js';
import type { CutProblem } from './qp-problem.js';

export interface WorkingSetOptions extends DualBoxQpOptions {
  /** Cuts added per round (most violated per unit norm first). Default max(8, ⌈m/8⌉). */
  batch?: number;
}

export interface WorkingSetResult extends DualBoxQpResult {
  /** Constraint-generation rounds (exact sub-solves). */
  rounds: number;
  /** Cuts in the final working set. */
  workingSetSize: number;
  /** d = −D⁻¹Aᵀλ, A d and Aᵀλ of the final round (for 'optimal'). */
  x?: Float64Array;
  activity?: Float64Array;
  generated?: Float64Array;
}

/**
 * Constraint generation around the exact dual solver: solve on a working set W of cuts with
 * the exact Gram matrix of W only, then add the cuts the resulting d violates, until none is.
 * With λ = 0 outside W, the KKT conditions then hold for every cut, so the result is the exact
 * optimum; the Gram matrix costs |W|²n/2 instead of m²n/2 when few cuts end up active.
 */
export function solveDualByWorkingSet(
  problem: CutProblem,
  options: WorkingSetOptions = {},
): WorkingSetResult {
  const { cuts, rhs, metric } = problem;
  const m = cuts.length;
  const n = cuts.columns;
  const upper = problem.softPenalty ?? Infinity;
  let rhsScale = 0;
  for (let i = 0; i < m; i++) rhsScale = Math.max(rhsScale, Math.abs(rhs[i]!));
  const tolerance = options.tolerance ?? 1e-10 * (1 + rhsScale);
  const batch = options.batch ?? Math.max(8, Math.ceil(m / 8));
  const norms = cuts.rows.map((row) => {
    let sum = 0;
    for (let p = 0; p < n; p++)
      sum += (row[p]! * row[p]!) / (metric === undefined ? 1 : metric[p]!);
    return Math.sqrt(sum);
  });
  const working = new CutMatrix(n);
  const members: number[] = [];
  const inSet = new Uint8Array(m);
  // Slack r − A d of every cut at the current d (d = 0 to start).
  const slack = Float64Array.from(rhs);
  let state: {
    lambda: Float64Array;
    x: Float64Array;
    activity: Float64Array;
    generated: Float64Array;
  } = {
    lambda: new Float64Array(0),
    x: new Float64Array(n),
    activity: new Float64Array(m),
    generated: new Float64Array(n),
  };
  let iterations = 0;
  let rounds = 0;
  const expand = (sub: Float64Array) => {
    const full = new Float64Array(m);
    members.forEach((index, k) => (full[index] = sub[k]!));
    return full;
  };

  for (;;) {
    const violated: number[] = [];
    for (let i = 0; i < m; i++) if (!inSet[i] && slack[i]! < -tolerance) violated.push(i);
    if (violated.length === 0) {
      return {
        ...state,
        lambda: expand(state.lambda),
        status: 'optimal',
        iterations,
        rounds,
        workingSetSize: members.length,
      };
    }
    const distance = (i: number) => -slack[i]! / Math.max(norms[i]!, Number.MIN_VALUE);
    violated.sort((a, b) => distance(b) - distance(a));
    for (const index of violated.slice(0, batch)) {
      inSet[index] = 1;
      members.push(index);
      working.append(cuts.rows[index]!);
    }
    rounds++;
    const sub = solveDualBoxQp(
      working.gram(metric),
      Float64Array.from(members, (i) => rhs[i]!),
      upper,
      options,
    );
    iterations += sub.iterations;
    if (sub.status !== 'optimal') {
      const result: WorkingSetResult = {
        lambda: expand(sub.lambda),
        status: sub.status,
        iterations,
        rounds,
        workingSetSize: members.length,
      };
      // A subset of the cuts is already infeasible: its certificate is one for all of them.
      if (sub.certificate !== undefined) result.certificate = expand(sub.certificate);
      return result;
    }
    const generated = working.transposeTimes(sub.lambda);
    const x = new Float64Array(n);
    for (let p = 0; p < n; p++) x[p] = -generated[p]! / (metric === undefined ? 1 : metric[p]!);
    const activity = cuts.times(x);
    for (let i = 0; i < m; i++) slack[i] = rhs[i]! - activity[i]!;
    state = { lambda: sub.lambda, x, activity, generated };
  }
}
