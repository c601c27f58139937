import { beforeAll, describe, expect, it } from 'vitest';
import { CutMatrix } from './cut-matrix.js';
import { DualQpSolver } from './dual-qp-solver.js';
import { HighsQpSolver } from './highs-qp-solver.js';
import type { CutProblem } from './qp-problem.js';
import { randomCutProblem } from './test-support/random-cuts.js';

const full = new DualQpSolver({ strategy: 'full' });
const workingSet = new DualQpSolver({ strategy: 'working-set' });
let highs: HighsQpSolver;

beforeAll(async () => {
  highs = await HighsQpSolver.create({
    formulation: 'primal',
    highsOptions: { primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 },
  });
});

function maxAbs(v: Float64Array): number {
  return v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
}

describe('DualQpSolver working-set strategy (constraint generation)', () => {
  it('reaches the same optimum as the full Gram matrix and HiGHS with many cuts', async () => {
    for (const [seed, n, m, softPenalty] of [
      [41, 150, 90, undefined],
      [42, 120, 200, undefined],
      [43, 60, 100, 0.1],
    ] as const) {
      const problem: CutProblem = randomCutProblem(
        seed,
        n,
        m,
        softPenalty === undefined ? {} : { softPenalty },
      );
      const ours = workingSet.solveSync(problem);
      const reference = full.solveSync({ ...problem, cuts: new CutMatrix(n, problem.cuts.rows) });
      const primal = await highs.solve(problem);
      expect(ours.status).toBe('optimal');
      expect(ours.stats.kkt!.ok).toBe(true);
      expect(ours.stats.detail).toMatch(/working set of \d+ of \d+ cuts/);
      for (const other of [reference, primal]) {
        expect(Math.abs(ours.objective - other.objective)).toBeLessThanOrEqual(
          1e-6 * Math.max(1, other.objective),
        );
        const difference = maxAbs(ours.x!.map((v, p) => v - other.x![p]!));
        expect(difference).toBeLessThanOrEqual(1e-6 * Math.max(1, maxAbs(other.x!)));
      }
    }
  });

  it('uses fewer cuts than it was given when few end up active', () => {
    // Many loose cuts (large r) and a few tight ones.
    const problem = randomCutProblem(44, 300, 120);
    const rhs = problem.rhs.map((r, i) => (i % 10 === 0 ? r : 50 + r));
    const solution = workingSet.solveSync({ ...problem, rhs });
    const size = Number(/working set of (\d+)/.exec(solution.stats.detail!)![1]);
    expect(size).toBeLessThan(120);
    expect(solution.stats.kkt!.ok).toBe(true);
  });

  it('proves infeasibility from a subset of the cuts', () => {
    const problem = randomCutProblem(45, 40, 80);
    const a = problem.cuts.rows[0]!;
    const cuts = new CutMatrix(40, [...problem.cuts.rows, a.map((v) => -v)]);
    const rhs = Float64Array.from([...problem.rhs, -1]);
    rhs[0] = -1;
    const solution = workingSet.solveSync({ cuts, rhs });
    expect(solution.status).toBe('infeasible');
    expect(full.solveSync({ cuts: new CutMatrix(40, cuts.rows), rhs }).status).toBe('infeasible');
  });

  it("'auto' keeps the full Gram matrix while most of it is cached", () => {
    const problem = randomCutProblem(46, 50, 70);
    problem.cuts.gram();
    const solution = new DualQpSolver().solveSync(problem);
    expect(solution.stats.detail).toMatch(/^full/);
    expect(new DualQpSolver().solveSync(randomCutProblem(46, 50, 70)).stats.detail).toMatch(
      /^working set/,
    );
  });
});
