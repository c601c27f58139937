import { defaultKktTolerance, kktResiduals } from './kkt.js';
import type { ChangeObjective, CutProblem, QpSolution, QpSolver, QpStatus } from './qp-problem.js';

/** The part of the `highs` npm runtime (≥ 1.15) this adapter uses, typed locally so the peer stays optional. */
export interface HighsRuntime {
  readonly infinity: number;
  createModel(): HighsModel;
}

interface HighsModel {
  readonly options: { set(values: Record<string, string | number | boolean>): unknown };
  passModel(model: Record<string, unknown>): unknown;
  run(): { modelStatus: number };
  getSolution(): { colValue: Float64Array; rowDual: Float64Array };
  getObjectiveValue(): number;
  dispose(): void;
}

/**
 * 'primal': n variables (plus m slacks for soft cuts), HiGHS's active-set QP; its reduced
 * Hessian is dense in the null space (≈ n − m), so it is only practical for small n.
 * 'dual': the m-variable dual with the Gram matrix as Hessian. 'auto': primal up to
 * `primalColumnLimit` columns, else dual.
 */
export type HighsFormulation = 'primal' | 'dual' | 'auto';

export interface HighsQpSolverOptions {
  formulation?: HighsFormulation;
  /** Largest n solved in primal form under 'auto'. Default 3,000 (HiGHS's null-space limit is 4,000). */
  primalColumnLimit?: number;
  /** HiGHS time limit in seconds. */
  timeLimit?: number;
  /** Relative tolerance of the KKT check. Default 1e-6. */
  kktTolerance?: number;
  /** Extra HiGHS options (e.g. { primal_feasibility_tolerance: 1e-9 }). */
  highsOptions?: Record<string, string | number | boolean>;
}

// A variable specifier keeps bundlers from resolving the optional peer at build time.
const importOptional = (specifier: string): Promise<unknown> =>
  import(/* @vite-ignore */ specifier);

/** Loads the optional peer `highs` (npm, MIT) and returns its runtime. */
export async function loadHighs(): Promise<HighsRuntime> {
  let module: { default: () => Promise<HighsRuntime> };
  try {
    module = (await importOptional('highs')) as typeof module;
  } catch (error) {
    throw new Error(
      `the HiGHS solver needs the optional peer dependency 'highs' (npm install highs): ${String(error)}`,
    );
  }
  return module.default();
}

/** The `highs` adapter: same problem, same solution shape, solved natively by HiGHS. */
export class HighsQpSolver implements QpSolver {
  readonly name = 'highs';
  readonly objectives: readonly ChangeObjective[] = ['l2'];

  constructor(
    private readonly highs: HighsRuntime,
    private readonly options: HighsQpSolverOptions = {},
  ) {}

  /** Loads `highs` and returns a solver. */
  static async create(options: HighsQpSolverOptions = {}): Promise<HighsQpSolver> {
    return new HighsQpSolver(await loadHighs(), options);
  }

  async solve(problem: CutProblem): Promise<QpSolution> {
    if ((problem.objective ?? 'l2') !== 'l2')
      throw new Error(`${this.name} solves the 'l2' objective only, got '${problem.objective}'`);
    const requested = this.options.formulation ?? 'auto';
    const formulation =
      requested === 'auto'
        ? problem.cuts.columns <= (this.options.primalColumnLimit ?? 3000)
          ? 'primal'
          : 'dual'
        : requested;
    const started = performance.now();
    const model = this.highs.createModel();
    try {
      model.options.set({
        output_flag: false,
        ...(this.options.timeLimit === undefined ? {} : { time_limit: this.options.timeLimit }),
        ...this.options.highsOptions,
      });
      const solved =
        formulation === 'primal'
          ? this.solvePrimal(model, problem)
          : this.solveDual(model, problem);
      const base = {
        solver: this.name,
        iterations: 0,
        detail: `${formulation} formulation, HiGHS model status ${solved.modelStatus}`,
      };
      if (solved.status !== 'optimal' || solved.x === undefined || solved.duals === undefined) {
        return {
          x: undefined,
          duals: undefined,
          status: solved.status,
          objective: NaN,
          slack: NaN,
          stats: { ...base, ms: performance.now() - started, kkt: undefined },
        };
      }
      const { x, duals } = solved;
      const upper = problem.softPenalty ?? Infinity;
      const activity = problem.cuts.times(x);
      let slack = 0;
      if (upper !== Infinity)
        for (let i = 0; i < activity.length; i++)
          slack += Math.max(0, activity[i]! - problem.rhs[i]!);
      let objective = upper === Infinity ? 0 : upper * slack;
      for (let p = 0; p < x.length; p++)
        objective += 0.5 * (problem.metric?.[p] ?? 1) * x[p]! * x[p]!;
      const kkt = kktResiduals(problem, x, duals, this.options.kktTolerance ?? defaultKktTolerance);
      return {
        x,
        duals,
        status: 'optimal',
        objective,
        slack,
        stats: { ...base, ms: performance.now() - started, kkt },
      };
    } finally {
      model.dispose();
    }
  }

  private solvePrimal(model: HighsModel, problem: CutProblem): SolvedForm {
    const { cuts, rhs, metric } = problem;
    const n = cuts.columns;
    const m = cuts.length;
    const soft = problem.softPenalty !== undefined && problem.softPenalty !== Infinity;
    const columns = n + (soft ? m : 0);
    const inf = this.highs.infinity;
    const perRow = n + (soft ? 1 : 0);
    const starts = new Int32Array(m + 1);
    const indices = new Int32Array(m * perRow);
    const values = new Float64Array(m * perRow);
    for (let i = 0; i < m; i++) {
      starts[i + 1] = (i + 1) * perRow;
      const row = cuts.rows[i]!;
      for (let p = 0; p < n; p++) {
        indices[i * perRow + p] = p;
        values[i * perRow + p] = row[p]!;
      }
      if (soft) {
        indices[i * perRow + n] = n + i;
        values[i * perRow + n] = -1;
      }
    }
    const hessianStarts = new Int32Array(columns + 1);
    const hessianIndices = new Int32Array(n);
    const hessianValues = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      hessianStarts[p + 1] = p + 1;
      hessianIndices[p] = p;
      hessianValues[p] = metric?.[p] ?? 1;
    }
    for (let j = n; j < columns; j++) hessianStarts[j + 1] = n;
    const colCost = new Float64Array(columns);
    const colLower = new Float64Array(columns).fill(-inf);
    const colUpper = new Float64Array(columns).fill(inf);
    for (let j = n; j < columns; j++) {
      colCost[j] = problem.softPenalty!;
      colLower[j] = 0;
    }
    model.passModel({
      numCols: columns,
      numRows: m,
      colCost,
      colLower,
      colUpper,
      rowLower: new Float64Array(m).fill(-inf),
      rowUpper: Float64Array.from(rhs),
      matrix: { format: 'csr', numRows: m, numCols: columns, starts, indices, values },
      hessian: {
        format: 'triangular',
        dimension: columns,
        starts: hessianStarts,
        indices: hessianIndices,
        values: hessianValues,
      },
    });
    const { modelStatus } = model.run();
    const status = statusOf(modelStatus, 'primal');
    if (status !== 'optimal') return { status, modelStatus };
    const solution = model.getSolution();
    // HiGHS reports a row dual ≤ 0 for an active upper bound when minimizing.
    return {
      status,
      modelStatus,
      x: solution.colValue.slice(0, n),
      duals: solution.rowDual.map((v) => Math.max(0, -v)),
    };
  }

  private solveDual(model: HighsModel, problem: CutProblem): SolvedForm {
    const { cuts, rhs, metric } = problem;
    const m = cuts.length;
    const gram = cuts.gram(metric);
    const starts = new Int32Array(m + 1);
    const indices: number[] = [];
    const values: number[] = [];
    for (let j = 0; j < m; j++) {
      for (let i = j; i < m; i++) {
        indices.push(i);
        values.push(gram[i * m + j]!);
      }
      starts[j + 1] = indices.length;
    }
    const upper = problem.softPenalty ?? Infinity;
    model.passModel({
      numCols: m,
      numRows: 0,
      colCost: Float64Array.from(rhs),
      colLower: new Float64Array(m),
      colUpper: new Float64Array(m).fill(upper === Infinity ? this.highs.infinity : upper),
      rowLower: new Float64Array(0),
      rowUpper: new Float64Array(0),
      matrix: {
        format: 'csc',
        numRows: 0,
        numCols: m,
        starts: new Int32Array(m + 1),
        indices: new Int32Array(0),
        values: new Float64Array(0),
      },
      hessian: {
        format: 'triangular',
        dimension: m,
        starts,
        indices: Int32Array.from(indices),
        values: Float64Array.from(values),
      },
    });
    const { modelStatus } = model.run();
    const status = statusOf(modelStatus, 'dual');
    if (status !== 'optimal') return { status, modelStatus };
    const lambda = Float64Array.from(model.getSolution().colValue, (v) => Math.max(0, v));
    const x = cuts.transposeTimes(lambda);
    for (let p = 0; p < x.length; p++) x[p] = -x[p]! / (metric?.[p] ?? 1);
    return { status, modelStatus, x, duals: lambda };
  }
}

interface SolvedForm {
  status: QpStatus;
  modelStatus: number;
  x?: Float64Array;
  duals?: Float64Array;
}

// HiGHS model status codes (highs.constants.modelStatus).
function statusOf(modelStatus: number, formulation: 'primal' | 'dual'): QpStatus {
  if (modelStatus === 7) return 'optimal';
  // The primal objective is bounded below, so "infeasible or unbounded" means infeasible.
  if (formulation === 'primal' && (modelStatus === 8 || modelStatus === 9)) return 'infeasible';
  // The dual is feasible (λ = 0), so it is unbounded exactly when the primal is infeasible.
  if (formulation === 'dual' && (modelStatus === 10 || modelStatus === 9)) return 'infeasible';
  if (modelStatus === 13 || modelStatus === 14) return 'iteration-limit';
  return 'failed';
}
