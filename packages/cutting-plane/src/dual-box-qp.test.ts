import { Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { CutMatrix } from './cut-matrix.js';
import { solveDualBoxQp } from './dual-box-qp.js';
import { DualQpSolver } from './dual-qp-solver.js';
import { HighsQpSolver } from './highs-qp-solver.js';
import { randomCutProblem } from './test-support/random-cuts.js';

let highs: HighsQpSolver;

beforeAll(async () => {
  highs = await HighsQpSolver.create({
    formulation: 'primal',
    highsOptions: { primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 },
  });
});

describe('solveDualBoxQp on random shapes (more cuts than parameters included)', () => {
  it('returns KKT points, or infeasibility with a valid Farkas certificate that HiGHS confirms', async () => {
    const random = new Random(99);
    const solver = new DualQpSolver({ strategy: 'full' });
    const workingSet = new DualQpSolver({ strategy: 'working-set', batch: 3 });
    let infeasible = 0;
    let soft = 0;
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + random.int(12);
      const m = 1 + random.int(24);
      const softPenalty = random.next() < 0.3 ? 0.05 + random.next() : undefined;
      const problem = randomCutProblem(
        1000 + trial,
        n,
        m,
        softPenalty === undefined ? {} : { softPenalty },
      );
      const solution = solver.solveSync(problem);
      // Constraint generation must reach the same verdict and optimum.
      const generated = workingSet.solveSync({
        ...problem,
        cuts: new CutMatrix(n, problem.cuts.rows),
      });
      expect(generated.status).toBe(solution.status);
      if (solution.status === 'optimal') {
        expect(Math.abs(generated.objective - solution.objective)).toBeLessThanOrEqual(
          1e-9 * Math.max(1, solution.objective),
        );
      }
      if (solution.status === 'infeasible') {
        infeasible++;
        const result = solveDualBoxQp(problem.cuts.gram(), problem.rhs, Infinity);
        const v = result.certificate!;
        const generated = problem.cuts.transposeTimes(v);
        // Scale of Aᵀv without cancellation: Σ v_i ‖a_i‖∞.
        const size = problem.cuts.rows.reduce(
          (s, row, i) => s + v[i]! * row.reduce((a, b) => Math.max(a, Math.abs(b)), 0),
          0,
        );
        expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
        expect(generated.reduce((a, b) => Math.max(a, Math.abs(b)), 0)).toBeLessThanOrEqual(
          1e-8 * size,
        );
        expect(v.reduce((s, vi, i) => s + vi * problem.rhs[i]!, 0)).toBeLessThan(0);
        expect((await highs.solve(problem)).status).toBe('infeasible');
        continue;
      }
      if (softPenalty !== undefined) soft++;
      expect(solution.status).toBe('optimal');
      expect(solution.stats.kkt!.ok).toBe(true);
      const reference = await highs.solve(problem);
      expect(Math.abs(solution.objective - reference.objective)).toBeLessThanOrEqual(
        1e-6 * Math.max(1, Math.abs(reference.objective)),
      );
    }
    // The draw covers both branches.
    expect(infeasible).toBeGreaterThan(0);
    expect(soft).toBeGreaterThan(0);
  });
});
