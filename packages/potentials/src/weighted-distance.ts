import * as tf from '@tensorflow/tfjs-core';

/**
 * d_γ(z', z) = Σ_k (γ_k/2)‖z'_k − z_k‖² per example, [B], over layers k = 1..L
 * (`weights` one per layer). The relaxation of AROVR^d (LIFTED.md §3.4).
 */
export function weightedDistance(
  first: readonly tf.Tensor2D[],
  second: readonly tf.Tensor2D[],
  weights: readonly number[],
): tf.Tensor1D {
  checkPairs(first, second, weights);
  return tf.tidy(() => {
    const terms = first.map((z, k) => tf.mul(tf.sum(tf.square(tf.sub(z, second[k]!)), 1), weights[k]! / 2));
    return terms.reduce((sum, t) => tf.add(sum, t)) as tf.Tensor1D;
  });
}

/** ∂d_γ/∂z'_k = γ_k (z'_k − z_k) for each layer (the gradient in `second` is its negation). */
export function weightedDistanceGradients(
  first: readonly tf.Tensor2D[],
  second: readonly tf.Tensor2D[],
  weights: readonly number[],
): tf.Tensor2D[] {
  checkPairs(first, second, weights);
  return first.map((z, k) => tf.tidy(() => tf.mul(tf.sub(z, second[k]!), weights[k]!)));
}

function checkPairs(first: readonly tf.Tensor2D[], second: readonly tf.Tensor2D[], weights: readonly number[]): void {
  if (first.length === 0 || first.length !== second.length || first.length !== weights.length) {
    throw new Error(`d_γ needs equally many layers and weights, got ${first.length}, ${second.length} and ${weights.length}`);
  }
}
