import type * as tf from '@tensorflow/tfjs-core';

/**
 * The exact minimizer of Ψ for a linear network (identity activations, E_k = ½‖z_k − a_k‖²)
 * and the squared loss, per example, in float64: Ψ is quadratic, so z solves H z = r with
 * H = Σ_k γ_k S_kᵀS_k + (c⁺ − c⁻) P_LᵀP_L. Throws if H is not positive definite.
 */
export function linearNetworkMinimizer(
  kernels: number[][][],
  biases: number[][],
  gamma: number[],
  x: number[],
  plus: number,
  minus: number,
  target: number[],
  label: number[],
): number[][] {
  const sizes = biases.map((b) => b.length);
  const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((s, n) => s + n, 0));
  const total = sizes.reduce((s, n) => s + n, 0);
  const H = Array.from({ length: total }, () => new Array<number>(total).fill(0));
  const r = new Array<number>(total).fill(0);
  sizes.forEach((n, k) => {
    // Row j of S_k z − d_k: z_k[j] − Σ_i K[i][j] z_{k−1}[i] − b[j] (x folded into d for k = 1).
    for (let j = 0; j < n; j++) {
      const coefficients = new Map<number, number>([[offsets[k]! + j, 1]]);
      let d = biases[k]![j]!;
      const K = kernels[k]!;
      if (k === 0) d += x.reduce((s, xi, i) => s + xi * K[i]![j]!, 0);
      else for (let i = 0; i < sizes[k - 1]!; i++) coefficients.set(offsets[k - 1]! + i, -K[i]![j]!);
      for (const [p, cp] of coefficients) {
        r[p]! += gamma[k]! * cp * d;
        for (const [q, cq] of coefficients) H[p]![q]! += gamma[k]! * cp * cq;
      }
    }
  });
  const last = sizes.length - 1;
  for (let j = 0; j < sizes[last]!; j++) {
    const p = offsets[last]! + j;
    H[p]![p]! += plus - minus;
    r[p]! += plus * target[j]! - minus * label[j]!;
  }
  assertPositiveDefinite(H);
  const z = solveLinearSystem(H, r);
  return sizes.map((n, k) => z.slice(offsets[k], offsets[k]! + n));
}

function assertPositiveDefinite(H: number[][]): void {
  const n = H.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 1e-9)) throw new Error('Ψ is not strictly convex for this linear network (test setup)');
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
}

/** Gaussian elimination with partial pivoting. */
function solveLinearSystem(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(M[i]![c]!) > Math.abs(M[pivot]![c]!)) pivot = i;
    [M[c], M[pivot]] = [M[pivot]!, M[c]!];
    for (let i = c + 1; i < n; i++) {
      const f = M[i]![c]! / M[c]![c]!;
      for (let j = c; j <= n; j++) M[i]![j]! -= f * M[c]![j]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= M[i]![j]! * z[j]!;
    z[i] = s / M[i]![i]!;
  }
  return z;
}

/** Rows of a 2-D tensor as numbers. */
export function rows(t: tf.Tensor): number[][] {
  return t.arraySync() as number[][];
}
