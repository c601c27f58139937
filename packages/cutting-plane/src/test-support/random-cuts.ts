import { Random } from '@liftguard/tensor';
import { CutMatrix } from '../cut-matrix.js';
import type { CutProblem } from '../qp-problem.js';

/** Gaussian cut rows and right-hand sides in [−1, 0.2): mostly violated at d = 0. */
export function randomCutProblem(
  seed: number,
  n: number,
  m: number,
  extra: Partial<CutProblem> = {},
): CutProblem {
  const random = new Random(seed);
  const rows = Array.from({ length: m }, () => random.normalArray(n));
  const rhs = Float64Array.from({ length: m }, () => -1 + 1.2 * random.next());
  return { cuts: new CutMatrix(n, rows), rhs, ...extra };
}

/**
 * Degenerate cuts: duplicates and exact sums of earlier rows (small integers, so the sums
 * are exact in float32), with right-hand sides that keep the problem feasible.
 */
export function degenerateCutProblem(seed: number, n: number): CutProblem {
  const random = new Random(seed);
  const base = Array.from({ length: 4 }, () =>
    Float32Array.from({ length: n }, () => random.int(7) - 3),
  );
  const sum = base[0]!.map((v, p) => v + base[1]![p]!);
  const rows = [...base, Float32Array.from(base[2]!), sum, Float32Array.from(sum)];
  // Consistent right-hand sides: the duplicate and the sum are active together at the optimum.
  const rhs = Float64Array.from([-1, -2, -0.5, 0.3, -0.5, -3, -3]);
  return { cuts: new CutMatrix(n, rows), rhs };
}

/** a·d ≤ −1 and −a·d ≤ −1 together: no d satisfies both. */
export function infeasibleCutProblem(seed: number, n: number): CutProblem {
  const random = new Random(seed);
  const a = random.normalArray(n);
  const other = random.normalArray(n);
  const rows = [a, a.map((v) => -v), other];
  return { cuts: new CutMatrix(n, rows), rhs: Float64Array.from([-1, -1, -0.5]) };
}
