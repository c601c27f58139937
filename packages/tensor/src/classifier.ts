import type * as tf from '@tensorflow/tfjs-core';

/**
 * The contract shared by models, lifted networks, wrapped tfjs LayersModels, attacks and
 * the cutting-plane fine-tuner: a differentiable map from inputs to logits.
 */
export interface Classifier {
  /** Per-example input shape, e.g. [28, 28, 1] or [784]. */
  readonly inputShape: readonly number[];
  /** Number of classes (columns of the logits). */
  readonly numClasses: number;
  /**
   * The box every input value lives in, in the caller's units (e.g. [0, 255] for raw pixels),
   * when the classifier declares one; attacks clip to it and ε is measured in these units.
   */
  readonly inputRange?: readonly [low: number, high: number];
  /** Trainable parameters in a fixed, documented order. */
  readonly trainableVariables: readonly tf.Variable[];
  /**
   * Logits [batch, numClasses] for x of shape [batch, ...inputShape]. Differentiable with
   * respect to x and the variables; creates no other live tensors (caller owns the result).
   */
  predict(x: tf.Tensor): tf.Tensor2D;
}
