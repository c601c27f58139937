import type * as tf from '@tensorflow/tfjs-core';
import type { Random, Registrable } from '@liftguard/tensor';
import type { Bounds } from '../bounds.js';

/** The norms this package ships. */
export type BuiltInNormName = 'linf' | 'l2' | 'l1';

/** A key into the norm registry: a built-in name or one added with `registerNorm`. */
export type NormName = BuiltInNormName | (string & {});

/**
 * What varies per norm in the one PGD loop (Foolbox's template method): where to start,
 * which way to step, how to get back into the ε-ball, and how far δ is. All act per example
 * (axis 0 is the batch) and return new tensors the caller owns. A norm is registered by
 * name (`registerNorm`); its label ('L∞') and default ε list serve help text and reports.
 */
export interface NormStrategy extends Registrable {
  readonly name: NormName;
  /** How people write it, e.g. 'L∞'. */
  readonly label: string;
  /** ε values to try when none are given, for inputs in [0, 1] (ascending). */
  readonly defaultEpsilons: readonly number[];
  /** A perturbation drawn uniformly from the ε-ball, one per example. */
  randomStart(shape: readonly number[], epsilon: number, random: Random): tf.Tensor;
  /** The steepest-ascent direction of unit norm for this norm, per example (the step). */
  normalizeGradient(gradient: tf.Tensor): tf.Tensor;
  /** The Euclidean projection of each example's δ onto the ε-ball of this norm. */
  project(delta: tf.Tensor, epsilon: number): tf.Tensor;
  /** ‖δ‖ per example, shape [N]: the distance of x + δ from x. */
  norms(delta: tf.Tensor): tf.Tensor1D;
  /**
   * Optional fast path of the whole PGD step, x + project(current + step·normalizeGradient(gradient)
   * − x) clipped to the bounds, with the same values; null when it cannot run here (the loop then
   * composes the step from the methods above).
   */
  projectedStep?(current: tf.Tensor, gradient: tf.Tensor, x: tf.Tensor, step: number, epsilon: number, bounds: Bounds): tf.Tensor | null;
}
