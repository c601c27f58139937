import { solveDualBoxQp, type DualBoxQpOptions, type DualBoxQpResult } from './dual-box-qp.js';
import type { CutProblem } from './qp-problem.js';

export interface WorkingSetOptions extends DualBoxQpOptions {
  /** Cuts added per round (most violated per unit norm first). Default max(8, ⌈m/16⌉). */
  batch?: number;
  /**
   * Cuts to start the working set with (e.g. the support of the previous solve on the same
   * cuts); any start gives the same exact optimum, a good one saves rounds.
   */
  initial?: readonly number[];
}

export interface WorkingSetResult extends DualBoxQpResult {
  /** Constraint-generation rounds (exact sub-solves). */
  rounds: number;
  /** Cuts in the final working set. */
  workingSetSize: number;
  /** Cuts of `initial` the working set started with. */
  warmStarted: number;
  /** d = −D⁻¹Aᵀλ, A d and Aᵀλ of the final round (for 'optimal'). */
  x?: Float64Array;
  activity?: Float64Array;
  generated?: Float64Array;
  /** Milliseconds: Gram entries of the working set, active-set sub-solves, products A d and Aᵀλ. */
  phases: { gram: number; activeSet: number; products: number };
}

/**
 * Constraint generation around the exact dual solver: solve on a working set W of cuts with
 * the exact Gram matrix of W only, then add the cuts the resulting d violates, until none is.
 * With λ = 0 outside W, the KKT conditions then hold for every cut, so the result is the exact
 * optimum; the Gram matrix costs |W|²n/2 instead of m²n/2 when few cuts end up active, and
 * its entries stay cached on the CutMatrix for later solves.
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
  const batch = options.batch ?? Math.max(8, Math.ceil(m / 16));
  const phases = { gram: 0, activeSet: 0, products: 0 };
  let started = performance.now();
  const norms = Array.from(cuts.squaredNorms(metric), Math.sqrt);
  phases.gram += performance.now() - started;
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
  for (const index of options.initial ?? []) {
    if (index < 0 || index >= m || inSet[index]) continue;
    inSet[index] = 1;
    members.push(index);
  }
  const warmStarted = members.length;
  let seeded = warmStarted > 0;

  for (;;) {
    const violated: number[] = [];
    for (let i = 0; i < m; i++) if (!inSet[i] && slack[i]! < -tolerance) violated.push(i);
    if (violated.length === 0 && !seeded) {
      return {
        ...state,
        lambda: expand(state.lambda),
        status: 'optimal',
        iterations,
        rounds,
        workingSetSize: members.length,
        warmStarted,
        phases,
      };
    }
    // A seeded first round solves on the seed alone: at d = 0 nearly every cut is violated.
    if (!seeded) {
      const distance = (i: number) => -slack[i]! / Math.max(norms[i]!, Number.MIN_VALUE);
      violated.sort((a, b) => distance(b) - distance(a));
      for (const index of violated.slice(0, batch)) {
        inSet[index] = 1;
        members.push(index);
      }
    }
    seeded = false;
    rounds++;
    started = performance.now();
    const gram = cuts.gramOf(members, metric);
    const gramDone = performance.now();
    phases.gram += gramDone - started;
    const sub = solveDualBoxQp(
      gram,
      Float64Array.from(members, (i) => rhs[i]!),
      upper,
      options,
    );
    const solveDone = performance.now();
    phases.activeSet += solveDone - gramDone;
    iterations += sub.iterations;
    if (sub.status !== 'optimal') {
      const result: WorkingSetResult = {
        lambda: expand(sub.lambda),
        status: sub.status,
        iterations,
        rounds,
        workingSetSize: members.length,
        warmStarted,
        phases,
      };
      // A subset of the cuts is already infeasible: its certificate is one for all of them.
      if (sub.certificate !== undefined) result.certificate = expand(sub.certificate);
      return result;
    }
    const lambda = expand(sub.lambda);
    const generated = cuts.transposeTimes(lambda);
    const x = new Float64Array(n);
    for (let p = 0; p < n; p++) x[p] = -generated[p]! / (metric === undefined ? 1 : metric[p]!);
    const activity = cuts.times(x);
    for (let i = 0; i < m; i++) slack[i] = rhs[i]! - activity[i]!;
    state = { lambda: sub.lambda, x, activity, generated };
    phases.products += performance.now() - solveDone;
  }
}
