import { beforeAll, describe, expect, it } from 'vitest';
import { CutMatrix } from './cut-matrix.js';
import { DualQpSolver } from './dual-qp-solver.js';
import { HighsQpSolver } from './highs-qp-solver.js';
import type { CutProblem } from './qp-problem.js';
import { solveDualByWorkingSet } from './working-set.js';
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

  it('warm-starts from the previous support on a growing cut matrix and stays exact', async () => {
    // The repair loop's pattern: one CutMatrix, cuts appended between solves.
    const problem = randomCutProblem(47, 120, 150);
    const solver = new DualQpSolver({ strategy: 'working-set' });
    const cuts = new CutMatrix(120);
    const steps = [70, 100, 130, 150];
    for (const [k, count] of steps.entries()) {
      while (cuts.length < count) cuts.append(problem.cuts.rows[cuts.length]!);
      const rhs = problem.rhs.slice(0, count);
      const ours = solver.solveSync({ cuts, rhs });
      const reference = await highs.solve({ cuts: new CutMatrix(120, cuts.rows), rhs });
      expect(ours.stats.kkt!.ok).toBe(true);
      if (k > 0) expect(ours.stats.detail).toMatch(/from \d+ warm-start cut/);
      expect(Math.abs(ours.objective - reference.objective)).toBeLessThanOrEqual(
        1e-6 * Math.max(1, reference.objective),
      );
      const difference = maxAbs(ours.x!.map((v, p) => v - reference.x![p]!));
      expect(difference).toBeLessThanOrEqual(1e-6 * Math.max(1, maxAbs(reference.x!)));
      expect(ours.stats.phases).toHaveProperty('gram');
      expect(ours.stats.phases).toHaveProperty('products');
    }
  });

  it('reaches the same optimum from any initial working set', () => {
    const problem = randomCutProblem(48, 80, 90);
    const reference = full.solveSync({ ...problem, cuts: new CutMatrix(80, problem.cuts.rows) });
    for (const initial of [[], [0, 1, 2], Array.from({ length: 90 }, (_, i) => i), [89, 89, 500]]) {
      const result = solveDualByWorkingSet(problem, { initial });
      expect(result.status).toBe('optimal');
      const ours = problem.cuts.transposeTimes(result.lambda);
      const expected = problem.cuts.transposeTimes(reference.duals!);
      const difference = maxAbs(ours.map((v, p) => v - expected[p]!));
      expect(difference).toBeLessThanOrEqual(1e-8 * Math.max(1, maxAbs(expected)));
    }
  });
});
