import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend } from '@liftguard/tensor';
import { liftedNetworkOf } from './lifted-network-of.js';
import { empiricalJacobianNorms, lipschitzEstimates } from './lipschitz-monitors.js';
import { tinyProblem } from './test-support/tiny.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** Largest singular value of a small dense matrix (rows × cols, row-major) by eigen-iteration in float64. */
function spectralNorm(m: number[][]): number {
  const cols = m[0]!.length;
  let v = Array.from({ length: cols }, (_, i) => 1 + i * 0.01);
  let sigma = 0;
  for (let it = 0; it < 500; it++) {
    const mv = m.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
    const mtmv = Array.from({ length: cols }, (_, j) => m.reduce((s, row, i) => s + row[j]! * mv[i]!, 0));
    const norm = Math.hypot(...mtmv);
    if (norm === 0) return 0;
    sigma = Math.sqrt(norm);
    v = mtmv.map((x) => x / norm);
  }
  return sigma;
}

const matmul = (a: number[][], b: number[][]) => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));

describe('Lipschitz monitors', () => {
  it('‖W_{L−1}…W_k‖₂ matches the spectral norm of the explicit product', () => {
    const { model, dispose } = tinyProblem(2);
    try {
      const network = liftedNetworkOf(model);
      const estimates = assertNoLeaks(() => lipschitzEstimates(network, { iterations: 200 }));
      const kernels = model.trainableVariables.filter((_, i) => i % 2 === 0).map((v) => v.arraySync() as number[][]);
      kernels.forEach((_, k) => {
        // rows = input of layer k; product K_k K_{k+1} … K_{L−1} in tfjs [in, out] layout
        const product = kernels.slice(k).reduce((acc, K) => matmul(acc, K));
        expect(estimates[k]).toBeCloseTo(spectralNorm(product), 3);
      });
    } finally {
      dispose();
    }
  });

  it('empirical ‖∂z_L/∂z_k‖₂ equals the norm of the masked product at each example', () => {
    const { model, batch, dispose } = tinyProblem(3, [6, 5, 4, 3], 4);
    try {
      const network = liftedNetworkOf(model);
      const x = batch.x as tf.Tensor2D;
      const norms = assertNoLeaks(() => empiricalJacobianNorms(network, x, { iterations: 100 }));
      const kernels = model.trainableVariables.filter((_, i) => i % 2 === 0).map((v) => v.arraySync() as number[][]);
      const biases = model.trainableVariables.filter((_, i) => i % 2 === 1).map((v) => v.arraySync() as number[]);
      const rows = x.arraySync() as number[][];
      const perExample = rows.map((row) => {
        // hidden masks at the forward pass
        const masks: number[][] = [];
        let h = row;
        kernels.forEach((K, k) => {
          const a = K[0]!.map((_, j) => h.reduce((s, v, i) => s + v * K[i]![j]!, 0) + biases[k]![j]!);
          const last = k === kernels.length - 1;
          masks.push(a.map((v) => (last || v > 0 ? 1 : 0)));
          h = a.map((v) => (last ? v : Math.max(0, v)));
        });
        return kernels.map((_, k) => {
          const product = kernels.slice(k).map((K, j) => K.map((r) => r.map((v, c) => v * masks[k + j]![c]!))).reduce((acc, K) => matmul(acc, K));
          return spectralNorm(product);
        });
      });
      kernels.forEach((_, k) => {
        const mean = perExample.reduce((s, e) => s + e[k]!, 0) / perExample.length;
        expect(norms.mean[k]).toBeCloseTo(mean, 2);
        expect(norms.max[k]).toBeCloseTo(Math.max(...perExample.map((e) => e[k]!)), 2);
      });
      // the masked local constant never exceeds the unmasked product bound
      const bounds = lipschitzEstimates(network, { iterations: 200 });
      norms.max.forEach((m, k) => expect(m).toBeLessThanOrEqual(bounds[k]! * (1 + 1e-3)));
    } finally {
      dispose();
    }
  });
});

describe('internal-layer view', () => {
  it('propagating the unperturbed activity of any layer gives the model\'s logits', async () => {
    const { internalLayers } = await import('./internal-layers.js');
    const { model, batch, dispose } = tinyProblem(13);
    try {
      const view = internalLayers(model);
      expect(view.layerCount).toBe(2);
      assertNoLeaks(() => tf.tidy(() => {
        const logits = model.predict(batch.x);
        const activities = view.activities(batch.x);
        for (let k = 1; k <= view.layerCount; k++) {
          const again = view.predictFromLayer(k, activities[k - 1]!);
          expect(tf.max(tf.abs(tf.sub(again, logits))).dataSync()[0]).toBeLessThan(1e-5);
        }
        expect(() => view.predictFromLayer(3, activities[0]!)).toThrow(/not a hidden layer/);
      }));
    } finally {
      dispose();
    }
  });
});
