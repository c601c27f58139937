import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseMap } from './dense-map.js';
import { estimateSpectralNorm } from './spectral-norm.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** I − 2vvᵀ/‖v‖², an orthogonal matrix. */
function householder(v: number[]): number[][] {
  const norm2 = v.reduce((s, x) => s + x * x, 0);
  return v.map((vi, i) => v.map((vj, j) => (i === j ? 1 : 0) - (2 * vi * vj) / norm2));
}

function multiply(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
}

describe('estimateSpectralNorm', () => {
  it('converges from below to the largest singular value of a kernel with known singular values', () => {
    const random = new Random('spectral');
    const singular = [3, 2, 0.5];
    // K = Q₁ Σ Q₂ with orthogonal Q₁ (5×5), Q₂ (3×3): its singular values are exactly `singular`.
    const sigma = [0, 1, 2, 3, 4].map((i) => [0, 1, 2].map((j) => (i === j ? singular[i]! : 0)));
    const q1 = householder(Array.from(random.normalArray(5)));
    const q2 = householder(Array.from(random.normalArray(3)));
    const kernel = tf.tensor2d(multiply(multiply(q1, sigma), q2));
    const bias = tf.ones([3]) as tf.Tensor1D;
    const map = denseMap(kernel, bias);
    const start = random.normalTensor([1, 5]) as tf.Tensor2D;

    const few = assertNoLeaks(() => estimateSpectralNorm(map, start, 1));
    const many = assertNoLeaks(() => estimateSpectralNorm(map, start, 60));
    const warm = assertNoLeaks(() => estimateSpectralNorm(map, many.vector, 1));
    expect(few.sigma.dataSync()[0]).toBeLessThanOrEqual(3 + 1e-5);
    expect(Math.abs(many.sigma.dataSync()[0]! - 3)).toBeLessThan(1e-4);
    expect(Math.abs(warm.sigma.dataSync()[0]! - 3)).toBeLessThan(1e-4);
    expect(() => estimateSpectralNorm(map, start, 0)).toThrow(/iterations/);
    tf.dispose([kernel, bias, start, few.sigma, few.vector, many.sigma, many.vector, warm.sigma, warm.vector]);
  });

  it('a dense map\'s compiled power iterations (with @liftguard/tensor-blas\' loops) agree with the tensor loop', () => {
    const random = new Random('spectral compiled');
    const kernel = random.normalTensor([37, 19]) as tf.Tensor2D;
    const bias = tf.zeros([19]) as tf.Tensor1D;
    const map = denseMap(kernel, bias);
    // The same map without its fast path: estimateSpectralNorm's own tensor loop.
    const generic = new Proxy(map, { get: (target, key) => (key === 'powerIterations' ? undefined : Reflect.get(target, key)) });
    const compiled = tf.getKernel('LiftGuardGramPowerIterations', tf.getBackend()) !== undefined;
    if (process.env.CI === 'true') expect(compiled).toBe(true);
    const start = random.normalTensor([1, 37]) as tf.Tensor2D;
    for (const iterations of [1, 3, 20]) {
      const fast = assertNoLeaks(() => estimateSpectralNorm(map, start, iterations));
      const slow = assertNoLeaks(() => estimateSpectralNorm(generic, start, iterations));
      const [a, b] = [fast.sigma.dataSync()[0]!, slow.sigma.dataSync()[0]!];
      expect(Math.abs(a - b)).toBeLessThan(1e-5 * b);
      const [u, v] = [fast.vector.dataSync(), slow.vector.dataSync()];
      expect(Math.max(...Array.from(u, (x, i) => Math.abs(x - v[i]!)))).toBeLessThan(1e-5);
      tf.dispose([fast.sigma, fast.vector, slow.sigma, slow.vector]);
    }
    const direct = map.powerIterations(start, 1);
    expect(direct === undefined).toBe(!compiled);
    tf.dispose([kernel, bias, start, direct?.sigma, direct?.vector].filter((t) => t !== undefined));
  });
});
