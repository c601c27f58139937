import type * as tf from '@tensorflow/tfjs-core';
import type { SpectralNormEstimate } from './spectral-norm.js';

/**
 * The affine map of one layer, a = linear(z_prev) + bias, on row-batched activities
 * [B, inputSize] → [B, outputSize]. Activities are always flat rows; a map with spatial
 * structure (conv) reshapes inside. Implement this to add a layer type: potentials, the
 * spectral-norm estimate and the solver use nothing else.
 */
export interface LinearMap {
  readonly kind: string;
  readonly inputSize: number;
  readonly outputSize: number;
  /** The parameter tensors by name (tf.Variables when training); gradients use the same names. */
  parameters(): Record<string, tf.Tensor>;
  /** linear(x) + bias, [B, outputSize]. */
  apply(input: tf.Tensor2D): tf.Tensor2D;
  /** linear(x) without the bias, for power iteration. */
  applyLinear(input: tf.Tensor2D): tf.Tensor2D;
  /** The transpose of the linear part: [B, outputSize] → [B, inputSize]. */
  adjoint(output: tf.Tensor2D): tf.Tensor2D;
  /**
   * Gradients of Σ_batch ⟨outputGradient, apply(input)⟩ with respect to each parameter,
   * keyed like `parameters()`.
   */
  parameterGradients(input: tf.Tensor2D, outputGradient: tf.Tensor2D): Record<string, tf.Tensor>;
  /**
   * Optional fast path: the adjoint with whatever it needs precomputed (dense: Kᵀ), valid while
   * the parameters do not change (e.g. during one activity solve); dispose it afterwards.
   */
  frozenAdjoint?(): FrozenAdjoint;
  /**
   * Optional fast path of `estimateSpectralNorm`: `iterations` power iterations on LᵀL from
   * `start` ([1, inputSize], not disposed), as that function defines them; undefined when the
   * map has none on the current backend.
   */
  powerIterations?(start: tf.Tensor2D, iterations: number): SpectralNormEstimate | undefined;
}

/** An adjoint prepared for repeated use with fixed parameters. */
export interface FrozenAdjoint {
  adjoint(output: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}
