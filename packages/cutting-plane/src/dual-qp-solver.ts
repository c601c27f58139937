import { solveDualBoxQp } from './dual-box-qp.js';
import { defaultKktTolerance, kktResiduals } from './kkt.js';
import type { ChangeObjective, CutProblem, QpSolution, QpSolver } from './qp-problem.js';
import { solveDualByWorkingSet, type WorkingSetOptions } from './working-set.js';

export interface DualQpSolverOptions extends WorkingSetOptions {
  /** Relative tolerance for the KKT check reported with every solve. Default 1e-6. */
  kktTolerance?: number;
  /**
   * 'full': the whole Gram matrix, then the active-set method. 'working-set': constraint
   * generation, exact Gram of the working set only. 'auto' (default): working set when there
   * are at least 64 cuts and less than half of the Gram matrix is cached already.
   */
  strategy?: 'auto' | 'full' | 'working-set';
}

/**
 * The built-in solver for the 'l2' objective: solves the dual (one variable per cut) with an
 * exact active-set method in Float64 and maps back d = −D⁻¹Aᵀλ. Cost: the Gram matrix
 * (m²n/2, incremental across solves on the same CutMatrix) plus O(m³).
 */
export class DualQpSolver implements QpSolver {
  readonly name = 'dual-active-set';
  readonly objectives: readonly ChangeObjective[] = ['l2'];

  constructor(private readonly options: DualQpSolverOptions = {}) {}

  async solve(problem: CutProblem): Promise<QpSolution> {
    return this.solveSync(problem);
  }

  /** The same solve without a promise (it never waits on anything). */
  solveSync(problem: CutProblem): QpSolution {
    const started = performance.now();
    if ((problem.objective ?? 'l2') !== 'l2')
      throw new Error(`${this.name} solves the 'l2' objective only, got '${problem.objective}'`);
    const { cuts, rhs, metric } = problem;
    if (rhs.length !== cuts.length)
      throw new Error(`${cuts.length} cuts but ${rhs.length} right-hand sides`);
    const upper = problem.softPenalty ?? Infinity;
    const m = cuts.length;
    const strategy = this.options.strategy ?? 'auto';
    const workingSet =
      strategy === 'working-set' ||
      (strategy === 'auto' && m >= 64 && cuts.cachedGramSize(metric) < m / 2);
    let result: ReturnType<typeof solveDualBoxQp> &
      Partial<ReturnType<typeof solveDualByWorkingSet>>;
    const phases: Record<string, number> = {};
    if (workingSet) {
      result = solveDualByWorkingSet(problem, this.options);
      phases.workingSet = performance.now() - started;
    } else {
      const gram = cuts.gram(metric);
      const gramDone = performance.now();
      result = solveDualBoxQp(gram, rhs, upper, this.options);
      phases.gram = gramDone - started;
      phases.activeSet = performance.now() - gramDone;
    }
    const stats = {
      solver: this.name,
      iterations: result.iterations,
      ms: 0,
      kkt: undefined,
      phases,
      detail: workingSet
        ? `working set of ${result.workingSetSize} of ${m} cuts, ${result.rounds} round(s)`
        : `full Gram matrix of ${m} cuts`,
    };
    if (result.status !== 'optimal') {
      return {
        x: undefined,
        duals: result.lambda,
        status: result.status,
        objective: NaN,
        slack: NaN,
        stats: { ...stats, ms: performance.now() - started },
      };
    }
    const recoveryStart = performance.now();
    let { x, activity, generated } = result;
    if (x === undefined || activity === undefined || generated === undefined) {
      generated = cuts.transposeTimes(result.lambda);
      x = new Float64Array(generated.length);
      for (let p = 0; p < x.length; p++)
        x[p] = -generated[p]! / (metric === undefined ? 1 : metric[p]!);
      activity = cuts.times(x);
    }
    const recoveryDone = performance.now();
    phases.recovery = recoveryDone - recoveryStart;
    let slack = 0;
    for (let i = 0; i < rhs.length; i++) slack += Math.max(0, activity[i]! - rhs[i]!);
    if (upper === Infinity) slack = 0;
    let objective = 0;
    for (let p = 0; p < x.length; p++)
      objective += 0.5 * (metric === undefined ? 1 : metric[p]!) * x[p]! * x[p]!;
    if (upper !== Infinity) objective += upper * slack;
    const kkt = kktResiduals(
      problem,
      x,
      result.lambda,
      this.options.kktTolerance ?? defaultKktTolerance,
      { activity, generated },
    );
    phases.kkt = performance.now() - recoveryDone;
    return {
      x,
      duals: result.lambda,
      status: 'optimal',
      objective,
      slack,
      stats: { ...stats, kkt, ms: performance.now() - started },
    };
  }
}
