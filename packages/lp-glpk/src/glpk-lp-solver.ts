import GLPK from 'glpk.js/node';
import type {
  ChangeObjective,
  CutProblem,
  QpSolution,
  QpSolver,
  QpStatus,
} from '@liftguard/cutting-plane';
import { lpOptimalityResiduals } from './lp-optimality.js';

type Glpk = Awaited<ReturnType<typeof GLPK>>;
type LinearProgram = Parameters<Glpk['solve']>[0];
type Term = { name: string; coef: number };

export interface GlpkLpSolverOptions {
  /** GLPK time limit in seconds. */
  timeLimit?: number;
  /** Relative tolerance of the LP optimality check. Default 1e-6. */
  optimalityTolerance?: number;
}

/**
 * The L1 and L∞ objectives as linear programs solved by GLPK (glpk.js, simplex):
 * 'l1': d = u − v, u, v ≥ 0, min Σ(u + v) — a vertex, so at most m parameters change;
 * 'linf': d free, min t with −t ≤ d_p ≤ t — a uniform small edit.
 * The cut matrix is dense (m·n nonzeros, plus 2n rows for 'linf'): use parameter subsets.
 */
export class GlpkLpSolver implements QpSolver {
  readonly name = 'glpk';
  readonly objectives: readonly ChangeObjective[] = ['l1', 'linf'];

  private constructor(
    private readonly glpk: Glpk,
    private readonly options: GlpkLpSolverOptions,
  ) {}

  /** Loads GLPK's WebAssembly module and returns a solver. */
  static async create(options: GlpkLpSolverOptions = {}): Promise<GlpkLpSolver> {
    return new GlpkLpSolver(await GLPK(), options);
  }

  async solve(problem: CutProblem): Promise<QpSolution> {
    const objective = problem.objective ?? 'l2';
    if (objective !== 'l1' && objective !== 'linf')
      throw new Error(`${this.name} solves the 'l1' and 'linf' objectives, got '${objective}'`);
    if (problem.metric !== undefined)
      throw new Error(`${this.name} has no diagonal metric; it applies to 'l2' only`);
    const started = performance.now();
    const { cuts, rhs } = problem;
    const n = cuts.columns;
    const m = cuts.length;
    const glpk = this.glpk;
    const soft = problem.softPenalty !== undefined && problem.softPenalty !== Infinity;
    const cost: Term[] = [];
    const bounds: NonNullable<LinearProgram['bounds']> = [];
    const rows: LinearProgram['subjectTo'] = [];
    // Every GLPK column defaults to lb = 0, so free columns are declared explicitly.
    if (objective === 'l1') {
      for (let p = 0; p < n; p++) {
        cost.push({ name: `u${p}`, coef: 1 }, { name: `v${p}`, coef: 1 });
        bounds.push(
          { name: `u${p}`, type: glpk.GLP_LO, lb: 0, ub: 0 },
          { name: `v${p}`, type: glpk.GLP_LO, lb: 0, ub: 0 },
        );
      }
    } else {
      cost.push({ name: 't', coef: 1 });
      bounds.push({ name: 't', type: glpk.GLP_LO, lb: 0, ub: 0 });
      for (let p = 0; p < n; p++) {
        bounds.push({ name: `d${p}`, type: glpk.GLP_FR, lb: 0, ub: 0 });
        rows.push(
          {
            name: `up${p}`,
            vars: [
              { name: `d${p}`, coef: 1 },
              { name: 't', coef: -1 },
            ],
            bnds: { type: glpk.GLP_UP, ub: 0, lb: 0 },
          },
          {
            name: `lo${p}`,
            vars: [
              { name: `d${p}`, coef: -1 },
              { name: 't', coef: -1 },
            ],
            bnds: { type: glpk.GLP_UP, ub: 0, lb: 0 },
          },
        );
      }
    }
    for (let i = 0; i < m; i++) {
      const row = cuts.rows[i]!;
      const vars: Term[] = [];
      for (let p = 0; p < n; p++) {
        if (row[p] === 0) continue;
        if (objective === 'l1')
          vars.push({ name: `u${p}`, coef: row[p]! }, { name: `v${p}`, coef: -row[p]! });
        else vars.push({ name: `d${p}`, coef: row[p]! });
      }
      if (soft) {
        vars.push({ name: `s${i}`, coef: -1 });
        cost.push({ name: `s${i}`, coef: problem.softPenalty! });
        bounds.push({ name: `s${i}`, type: glpk.GLP_LO, lb: 0, ub: 0 });
      }
      rows.push({ name: `cut${i}`, vars, bnds: { type: glpk.GLP_UP, ub: rhs[i]!, lb: 0 } });
    }
    const program: LinearProgram = {
      name: 'cut-lp',
      objective: { direction: glpk.GLP_MIN, name: 'change', vars: cost },
      subjectTo: rows,
      bounds,
    };
    // Presolve reports an infeasible LP as "undefined"; the simplex proves it.
    const { result } = glpk.solve(program, {
      msglev: glpk.GLP_MSG_OFF,
      presol: false,
      ...(this.options.timeLimit === undefined ? {} : { tmlim: this.options.timeLimit }),
    });
    const status: QpStatus =
      result.status === glpk.GLP_OPT
        ? 'optimal'
        : result.status === glpk.GLP_NOFEAS
          ? 'infeasible'
          : 'failed';
    const base = {
      solver: this.name,
      iterations: 0,
      detail: `${objective} LP, GLPK status ${result.status}`,
    };
    if (status !== 'optimal') {
      return {
        x: undefined,
        duals: undefined,
        status,
        objective: NaN,
        slack: NaN,
        stats: { ...base, ms: performance.now() - started, kkt: undefined },
      };
    }
    const x = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      x[p] =
        objective === 'l1'
          ? (result.vars[`u${p}`] ?? 0) - (result.vars[`v${p}`] ?? 0)
          : (result.vars[`d${p}`] ?? 0);
    }
    // GLPK's row dual of an active ≤ row is ≤ 0 when minimizing.
    const duals = Float64Array.from({ length: m }, (_, i) =>
      Math.max(0, -(result.dual?.[`cut${i}`] ?? 0)),
    );
    let slack = 0;
    if (soft) for (let i = 0; i < m; i++) slack += result.vars[`s${i}`] ?? 0;
    const kkt = lpOptimalityResiduals(problem, x, duals, this.options.optimalityTolerance);
    return {
      x,
      duals,
      status,
      objective: result.z,
      slack,
      stats: { ...base, ms: performance.now() - started, kkt },
    };
  }
}
