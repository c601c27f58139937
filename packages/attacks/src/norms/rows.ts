import * as tf from '@tensorflow/tfjs-core';

/** Views a batch [N, ...] as rows [N, d] so per-example reductions are one axis. */
export function asRows(t: tf.Tensor): tf.Tensor2D {
  const n = t.shape[0] ?? 1;
  return tf.reshape(t, [n, t.size / Math.max(n, 1)]);
}

/** Number of values per example. */
export function exampleSize(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}
