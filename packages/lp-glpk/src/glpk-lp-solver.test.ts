import { CutMatrix, type CutProblem } from '@liftguard/cutting-plane';
import { Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { GlpkLpSolver } from './glpk-lp-solver.js';
import { highsLpOptimum } from './test-support/highs-lp.js';

let glpk: GlpkLpSolver;

beforeAll(async () => {
  glpk = await GlpkLpSolver.create();
});

function randomProblem(seed: number, n: number, m: number, objective: 'l1' | 'linf'): CutProblem {
  const random = new Random(seed);
  const rows = Array.from({ length: m }, () => random.normalArray(n));
  return {
    cuts: new CutMatrix(n, rows),
    rhs: Float64Array.from({ length: m }, () => -1 + 1.2 * random.next()),
    objective,
  };
}

describe('GlpkLpSolver', () => {
  const a = Float32Array.from([1, -4, 2, 0.5]);
  const single = (objective: 'l1' | 'linf'): CutProblem => ({
    cuts: new CutMatrix(4, [a]),
    rhs: Float64Array.from([-2]),
    objective,
  });

  it("'l1' on one cut moves only the largest |a_p|, by |r|/‖a‖∞", async () => {
    const solution = await glpk.solve(single('l1'));
    expect(solution.objective).toBeCloseTo(2 / 4, 12);
    expect(Array.from(solution.x!)).toEqual([0, 0.5, 0, 0]);
    expect(solution.stats.kkt!.ok).toBe(true);
  });

  it("'linf' on one cut moves every parameter by |r|/‖a‖₁ against sign(a)", async () => {
    const solution = await glpk.solve(single('linf'));
    const step = 2 / 7.5;
    expect(solution.objective).toBeCloseTo(step, 12);
    solution.x!.forEach((v, p) => expect(v).toBeCloseTo(-Math.sign(a[p]!) * step, 12));
    expect(solution.stats.kkt!.ok).toBe(true);
  });

  it("'l1' changes at most m parameters and matches HiGHS's optimum on random problems", async () => {
    for (const [seed, n, m] of [
      [1, 60, 5],
      [2, 40, 12],
    ] as const) {
      const problem = randomProblem(seed, n, m, 'l1');
      const solution = await glpk.solve(problem);
      expect(solution.status).toBe('optimal');
      expect(solution.x!.filter((v) => v !== 0).length).toBeLessThanOrEqual(m);
      expect(solution.stats.kkt!.ok).toBe(true);
      const reference = (await highsLpOptimum(problem))!;
      expect(Math.abs(solution.objective - reference)).toBeLessThanOrEqual(
        1e-6 * Math.max(1, reference),
      );
    }
  });

  it("'linf' matches HiGHS's optimum on random problems", async () => {
    const problem = randomProblem(3, 30, 8, 'linf');
    const solution = await glpk.solve(problem);
    const reference = (await highsLpOptimum(problem))!;
    expect(Math.abs(solution.objective - reference)).toBeLessThanOrEqual(
      1e-6 * Math.max(1, reference),
    );
    expect(solution.stats.kkt!.ok).toBe(true);
  });

  it('reports infeasible cuts, and solves them as soft cuts', async () => {
    const b = Float32Array.from([1, 2, 3]);
    const cuts = new CutMatrix(3, [b, b.map((v) => -v)]);
    const problem: CutProblem = { cuts, rhs: Float64Array.from([-1, -1]), objective: 'l1' };
    expect((await glpk.solve(problem)).status).toBe('infeasible');
    expect(await highsLpOptimum(problem)).toBeNull();
    const soft = await glpk.solve({ ...problem, softPenalty: 10 });
    expect(soft.status).toBe('optimal');
    // s₁ + s₂ ≥ 2 whatever d is, so the optimum is d = 0 with slack 2 at cost 2ρ.
    expect(soft.slack).toBeCloseTo(2, 12);
    expect(soft.objective).toBeCloseTo(20, 12);
    expect(soft.x!.every((v) => v === 0)).toBe(true);
    expect(soft.stats.kkt!.ok).toBe(true);
  });

  it("refuses the 'l2' objective", async () => {
    await expect(
      glpk.solve({ cuts: new CutMatrix(1, [Float32Array.of(1)]), rhs: Float64Array.of(-1) }),
    ).rejects.toThrow(/l2/);
  });
});
