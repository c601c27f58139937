import * as tf from '@tensorflow/tfjs-core';
import type { NormStrategy } from './norm-strategy.js';
import { asRows, exampleSize } from './rows.js';

/** Share of coordinates a sparse L1 step moves (Tramèr & Boneh's SLIDE uses the top 5 %). */
export const l1StepSparsity = 0.05;

/**
 * Duchi et al. (2008): projection of each row of v onto {‖w‖₁ ≤ ε} by soft-thresholding
 * at θ, found from the sorted magnitudes.
 */
function projectRowsOntoL1Ball(v: tf.Tensor2D, epsilon: number): tf.Tensor2D {
  // The threshold search needs ε > 0 (then at least the largest magnitude stays active).
  if (epsilon === 0) return tf.zerosLike(v);
  const d = v.shape[1];
  const magnitudes = tf.abs(v);
  const sorted = tf.topk(magnitudes, d).values;
  const cumulative = tf.cumsum(sorted, 1);
  const positions = tf.range(1, d + 1);
  const active = tf.cast(
    tf.greater(sorted, tf.div(tf.sub(cumulative, epsilon), positions)),
    'float32',
  );
  const rho = tf.sum(active, 1);
  const pick = tf.oneHot(tf.cast(tf.sub(rho, 1), 'int32'), d);
  const cumulativeAtRho = tf.sum(tf.mul(cumulative, pick), 1);
  const theta = tf.relu(tf.div(tf.sub(cumulativeAtRho, epsilon), tf.maximum(rho, 1)));
  const shrunk = tf.mul(tf.sign(v), tf.relu(tf.sub(magnitudes, tf.expandDims(theta, 1))));
  const inside = tf.expandDims(tf.lessEqual(tf.sum(magnitudes, 1), epsilon), 1);
  return tf.where(tf.broadcastTo(inside, v.shape), v, shrunk) as tf.Tensor2D;
}

/** L1: uniform start in the cross-polytope, sparse sign steps, exact projection. */
export const l1Norm: NormStrategy = {
  name: 'l1',
  label: 'L1',
  description: 'sum of absolute changes (sparse perturbations)',
  defaultEpsilons: [5, 10, 20],
  randomStart(shape, epsilon, random) {
    const n = shape[0] ?? 1;
    const d = exampleSize(shape);
    // Uniform in the L1 ball: a Laplace vector over its L1 norm times ε·u^(1/d).
    const values = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let j = 0; j < d; j++) {
        const magnitude = -Math.log(1 - random.next());
        const signed = random.next() < 0.5 ? -magnitude : magnitude;
        values[i * d + j] = signed;
        total += magnitude;
      }
      const scale = (epsilon * Math.pow(random.next(), 1 / d)) / Math.max(total, 1e-12);
      for (let j = 0; j < d; j++) values[i * d + j]! *= scale;
    }
    return tf.tensor(values, [...shape], 'float32');
  },
  normalizeGradient: (gradient) =>
    tf.tidy(() => {
      const rows = asRows(gradient);
      const k = Math.max(1, Math.ceil(l1StepSparsity * rows.shape[1]));
      const magnitudes = tf.abs(rows);
      const threshold = tf.slice(tf.topk(magnitudes, k).values, [0, k - 1], [-1, 1]);
      // The largest |g_i| carry the step; ties may add a few, so divide by the real count.
      const mask = tf.cast(
        tf.logicalAnd(tf.greaterEqual(magnitudes, threshold), tf.greater(magnitudes, 0)),
        'float32',
      );
      const count = tf.maximum(tf.sum(mask, 1, true), 1);
      return tf.reshape(tf.div(tf.mul(tf.sign(rows), mask), count), gradient.shape);
    }),
  project: (delta, epsilon) =>
    tf.tidy(() => tf.reshape(projectRowsOntoL1Ball(asRows(delta), epsilon), delta.shape)),
  norms: (delta) => tf.tidy(() => tf.sum(tf.abs(asRows(delta)), 1) as tf.Tensor1D),
};
