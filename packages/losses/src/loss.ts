import type * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';

/** A mini-batch as a trainer hands it to a loss; the loss reads it and never disposes it. */
export interface LossBatch {
  /** Inputs [B, ...inputShape]. */
  x: tf.Tensor;
  /** One-hot labels [B, classes], float32. */
  oneHot: tf.Tensor2D;
  /** Class indices, length B. */
  labels: Int32Array;
}

export interface LossOutput {
  /** The batch-mean loss value. */
  value: number;
  /** ∇ of the value for every trainable variable, keyed by `variable.name`; the caller disposes them. */
  grads: Record<string, tf.Tensor>;
  /** Named numbers worth monitoring (clean loss, gaps, solver rounds, …). */
  diagnostics: Record<string, number>;
}

/**
 * A training loss: `(model, batch) -> { value, grads, diagnostics }`. `config` is every
 * hyperparameter, resolved (defaults spelled out), so results can echo how they were made.
 */
export interface Loss {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  compute(model: Classifier, batch: LossBatch): LossOutput;
  /** Releases state carried across batches (e.g. warm-started spectral estimates). */
  dispose?(): void;
}

/** How a loss is registered: a name, a one-line description and a factory. */
export interface LossDefinition<Options = Record<string, unknown>> {
  name: string;
  description: string;
  create(options: Options): Loss;
}
