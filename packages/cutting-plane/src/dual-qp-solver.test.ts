import { Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { CutMatrix } from './cut-matrix.js';
import { DualQpSolver } from './dual-qp-solver.js';
import { HighsQpSolver } from './highs-qp-solver.js';
import type { CutProblem, QpSolution } from './qp-problem.js';
import {
  degenerateCutProblem,
  infeasibleCutProblem,
  randomCutProblem,
} from './test-support/random-cuts.js';

const dual = new DualQpSolver();
let highs: HighsQpSolver;
let highsDual: HighsQpSolver;
const tight = { primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 };

beforeAll(async () => {
  highs = await HighsQpSolver.create({ formulation: 'primal', highsOptions: tight });
  highsDual = await HighsQpSolver.create({ formulation: 'dual', highsOptions: tight });
});

function maxAbs(v: Float64Array): number {
  return v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
}

function expectSameOptimum(ours: QpSolution, reference: QpSolution): void {
  expect(ours.status).toBe('optimal');
  expect(reference.status).toBe('optimal');
  expect(Math.abs(ours.objective - reference.objective)).toBeLessThanOrEqual(
    1e-6 * Math.max(1, Math.abs(reference.objective)),
  );
  const scale = Math.max(1, maxAbs(reference.x!));
  const difference = maxAbs(ours.x!.map((v, p) => v - reference.x![p]!));
  expect(difference).toBeLessThanOrEqual(1e-6 * scale);
}

describe('DualQpSolver', () => {
  it('matches the single-cut closed form d = −max(0, −r/‖a‖²)·a', () => {
    const a = Float32Array.from([3, -4, 0, 12]);
    for (const r of [-2, 0.5]) {
      const solution = dual.solveSync({ cuts: new CutMatrix(4, [a]), rhs: Float64Array.from([r]) });
      const scale = Math.max(0, -r / 169);
      a.forEach((v, p) => expect(solution.x![p]).toBeCloseTo(-scale * v, 14));
      expect(solution.duals![0]).toBeCloseTo(scale, 14);
      expect(solution.stats.kkt!.ok).toBe(true);
    }
  });

  it('matches the single-cut closed form with a diagonal metric: d = −λ D⁻¹a, λ = −r / aᵀD⁻¹a', () => {
    const a = Float32Array.from([1, 2, -2]);
    const metric = Float64Array.from([2, 0.5, 4]);
    const solution = dual.solveSync({
      cuts: new CutMatrix(3, [a]),
      rhs: Float64Array.from([-1]),
      metric,
    });
    const lambda = 1 / (1 / 2 + 4 / 0.5 + 4 / 4);
    a.forEach((v, p) => expect(solution.x![p]).toBeCloseTo((-lambda * v) / metric[p]!, 14));
  });

  it('agrees with HiGHS on the primal (objective and solution, 1e-6 relative) on random problems', async () => {
    for (const [seed, n, m] of [
      [1, 40, 5],
      [2, 60, 20],
      [3, 30, 45],
      [4, 80, 12],
    ] as const) {
      const problem = randomCutProblem(seed, n, m);
      const ours = dual.solveSync(problem);
      const reference = await highs.solve(problem);
      expectSameOptimum(ours, reference);
      expect(ours.stats.kkt!.ok).toBe(true);
      expect(reference.stats.kkt!.ok).toBe(true);
    }
  });

  it('agrees with HiGHS with a diagonal metric', async () => {
    const problem = randomCutProblem(5, 50, 10);
    const metric = Float64Array.from({ length: 50 }, (_, p) => 0.5 + (p % 7));
    expectSameOptimum(
      dual.solveSync({ ...problem, metric }),
      await highs.solve({ ...problem, metric }),
    );
  });

  it('agrees with HiGHS on degenerate problems (duplicate and linearly dependent cuts)', async () => {
    for (const seed of [6, 7, 8]) {
      const problem = degenerateCutProblem(seed, 30);
      const ours = dual.solveSync(problem);
      expectSameOptimum(ours, await highs.solve(problem));
      expect(ours.stats.kkt!.ok).toBe(true);
    }
  });

  it('agrees with HiGHS on nearly parallel cuts (angles down to ~1e-6 rad)', async () => {
    for (const eps of [1e-3, 1e-6]) {
      const random = new Random(5);
      const [a, b, c] = [random.normalArray(30), random.normalArray(30), random.normalArray(30)];
      const rows = [a, a.map((v, p) => v + eps * b[p]!), c, a.map((v, p) => v - eps * c[p]!)];
      const problem: CutProblem = {
        cuts: new CutMatrix(30, rows),
        rhs: Float64Array.from([-1, -1.0001, -0.5, -0.9999]),
      };
      const ours = dual.solveSync(problem);
      expectSameOptimum(ours, await highs.solve(problem));
      expect(ours.stats.kkt!.ok).toBe(true);
    }
  });

  it('detects infeasible cuts like HiGHS, and solves them as soft cuts like HiGHS', async () => {
    for (const seed of [9, 10]) {
      const problem = infeasibleCutProblem(seed, 25);
      expect(dual.solveSync(problem).status).toBe('infeasible');
      expect((await highs.solve(problem)).status).toBe('infeasible');
      const soft: CutProblem = { ...problem, softPenalty: 2 };
      const ours = dual.solveSync(soft);
      const reference = await highs.solve(soft);
      expectSameOptimum(ours, reference);
      expect(ours.slack).toBeGreaterThan(0);
      expect(ours.stats.kkt!.ok).toBe(true);
    }
  });

  it('returns a Farkas certificate for infeasible cuts: v ≥ 0, Aᵀv = 0, rᵀv < 0', () => {
    const problem = infeasibleCutProblem(11, 25);
    const gram = problem.cuts.gram();
    return import('./dual-box-qp.js').then(({ solveDualBoxQp: solve }) => {
      const result = solve(gram, problem.rhs, Infinity);
      expect(result.status).toBe('infeasible');
      const v = result.certificate!;
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      const size = problem.cuts.rows.reduce(
        (s, row, i) => s + v[i]! * row.reduce((a, b) => Math.max(a, Math.abs(b)), 0),
        0,
      );
      expect(maxAbs(problem.cuts.transposeTimes(v))).toBeLessThanOrEqual(1e-9 * size);
      expect(v.reduce((s, vi, i) => s + vi * problem.rhs[i]!, 0)).toBeLessThan(0);
    });
  });

  it('agrees with soft random problems where some multipliers hit the penalty bound', async () => {
    const problem: CutProblem = { ...randomCutProblem(12, 10, 25), softPenalty: 0.05 };
    const ours = dual.solveSync(problem);
    expect(ours.duals!.some((l) => Math.abs(l - 0.05) < 1e-12)).toBe(true);
    expectSameOptimum(ours, await highs.solve(problem));
  });

  it("HiGHS 'auto' switches to the dual above its primal column limit", async () => {
    const auto = await HighsQpSolver.create({ primalColumnLimit: 50, highsOptions: tight });
    const small = await auto.solve(randomCutProblem(15, 40, 5));
    const large = await auto.solve(randomCutProblem(16, 60, 5));
    expect(small.stats.detail).toMatch(/^primal/);
    expect(large.stats.detail).toMatch(/^dual/);
    expectSameOptimum(large, dual.solveSync(randomCutProblem(16, 60, 5)));
  });

  it('the HiGHS dual formulation gives the same optimum (and detects infeasibility)', async () => {
    const problem = randomCutProblem(13, 70, 15);
    expectSameOptimum(await highsDual.solve(problem), dual.solveSync(problem));
    expect((await highsDual.solve(infeasibleCutProblem(14, 20))).status).toBe('infeasible');
  });
});
