import * as tf from '@tensorflow/tfjs-core';
import type { LinearMap } from './linear-map.js';

/** One power-iteration result: σ̂ ≤ ‖linear part‖₂ and the unit vector to warm-start from. */
export interface SpectralNormEstimate {
  sigma: tf.Scalar;
  vector: tf.Tensor2D;
}

/**
 * Estimates the spectral norm of a map's linear part by `iterations` power iterations on
 * LᵀL, starting from `start` ([1, inputSize], any nonzero vector; not disposed).
 * σ̂ = sqrt(‖LᵀL v‖) for the last unit v, a lower bound that converges to σ from below.
 * `adjoint` defaults to `map.adjoint` (pass a frozen one to skip per-call work); a map's own
 * `powerIterations`, when it has one, runs instead.
 */
export function estimateSpectralNorm(
  map: LinearMap,
  start: tf.Tensor2D,
  iterations: number,
  adjoint: (output: tf.Tensor2D) => tf.Tensor2D = (output) => map.adjoint(output),
): SpectralNormEstimate {
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`power iteration needs iterations ≥ 1, got ${iterations}`);
  const fast = map.powerIterations?.(start, iterations);
  if (fast !== undefined) return fast;
  return tf.tidy(() => {
    // sqrt(sum(square)) rather than tf.norm: fewer kernels, and per-kernel overhead dominates here.
    const length = (v: tf.Tensor) => tf.sqrt(tf.sum(tf.square(v))) as tf.Scalar;
    let vector = tf.div(start, tf.add(length(start), 1e-30)) as tf.Tensor2D;
    let squared: tf.Scalar = tf.scalar(0);
    for (let i = 0; i < iterations; i++) {
      const next = adjoint(map.applyLinear(vector));
      squared = length(next);
      // The small floor keeps a zero map (σ = 0) finite instead of dividing by zero.
      vector = tf.div(next, tf.add(squared, 1e-30)) as tf.Tensor2D;
    }
    return { sigma: tf.sqrt(squared) as tf.Scalar, vector };
  });
}
