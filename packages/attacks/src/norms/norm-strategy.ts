import type * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@liftguard/tensor';

/** The norms a threat model can use. */
export type NormName = 'linf' | 'l2' | 'l1';

/**
 * What varies per norm in the one PGD loop (Foolbox's template method): where to start,
 * which way to step, and how to get back into the ε-ball. All act per example (axis 0 is
 * the batch) and return new tensors the caller owns.
 */
export interface NormStrategy {
  readonly name: NormName;
  /** A perturbation drawn uniformly from the ε-ball, one per example. */
  randomStart(shape: readonly number[], epsilon: number, random: Random): tf.Tensor;
  /** The steepest-ascent direction of unit norm for this norm, per example. */
  normalizeGradient(gradient: tf.Tensor): tf.Tensor;
  /** The Euclidean projection of each example's δ onto the ε-ball of this norm. */
  project(delta: tf.Tensor, epsilon: number): tf.Tensor;
  /** ‖δ‖ per example, shape [N]. */
  norms(delta: tf.Tensor): tf.Tensor1D;
}
