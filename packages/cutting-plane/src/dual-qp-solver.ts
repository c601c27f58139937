import type { CutMatrix } from './cut-matrix.js';
import { solveDualBoxQp } from './dual-box-qp.js';
import { defaultKktTolerance, kktResiduals } from './kkt.js';
import type { ChangeObjective, CutProblem, QpSolution, QpSolver } from './qp-problem.js';
import { solveDualByWorkingSet, type WorkingSetOptions } from './working-set.js';

export interface DualQpSolverOptions extends Omit<WorkingSetOptions, 'initial'> {
  /** Relative tolerance for the KKT check reported with every solve. Default 1e-6. */
  kktTolerance?: number;
  /**
   * 'full': the whole Gram matrix, then the active-set method. 'working-set': constraint
   * generation, exact Gram of the working set only. 'auto' (default): working set when there
   * are at least 64 cuts and more than 4m entries of the full Gram matrix are not cached yet.
   */
  strategy?: 'auto' | 'full' | 'working-set';
  /**
   * Start each working-set solve from the support (λ > 0) of this solver's previous solve on
   * the same CutMatrix (the repair loop appends cuts to one matrix). Default true.
   */
  warmStart?: boolean;
}

/**
 * The built-in solver for the 'l2' objective: solves the dual (one variable per cut) with an
 * exact active-set method in Float64 and maps back d = −D⁻¹Aᵀλ. Cost: the Gram matrix
 * (m²n/2, incremental across solves on the same CutMatrix) plus O(m³).
 */
export class DualQpSolver implements QpSolver {
  readonly name = 'dual-active-set';
  readonly objectives: readonly ChangeObjective[] = ['l2'];

  /** Rows of the last solve on each cut matrix, and those with λ > 0 (rows are shared, not copied). */
  private readonly previous = new WeakMap<
    CutMatrix,
    { rows: Set<Float32Array>; support: Set<Float32Array> }
  >();

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
    const all = Array.from({ length: m }, (_, i) => i);
    const workingSet =
      strategy === 'working-set' ||
      (strategy === 'auto' && m >= 64 && cuts.missingGramEntries(all, metric) > 4 * m);
    let result: ReturnType<typeof solveDualBoxQp> &
      Partial<ReturnType<typeof solveDualByWorkingSet>>;
    const phases: Record<string, number> = {};
    if (workingSet) {
      // Warm start: the previous support plus the cuts appended since (the likely active ones).
      const previous = this.options.warmStart === false ? undefined : this.previous.get(cuts);
      const initial =
        previous === undefined
          ? []
          : all.filter(
              (i) => previous.support.has(cuts.rows[i]!) || !previous.rows.has(cuts.rows[i]!),
            );
      result = solveDualByWorkingSet(problem, { ...this.options, initial });
      Object.assign(phases, result.phases);
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
        ? `working set of ${result.workingSetSize} of ${m} cuts, ${result.rounds} round(s)` +
          (result.warmStarted ? ` from ${result.warmStarted} warm-start cut(s)` : '')
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
    const support = new Set<Float32Array>();
    result.lambda.forEach((l, i) => {
      if (l > 0) support.add(cuts.rows[i]!);
    });
    this.previous.set(cuts, { rows: new Set(cuts.rows), support });
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
