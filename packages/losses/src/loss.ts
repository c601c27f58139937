import type * as tf from '@tensorflow/tfjs-core';
import type { Classifier, OptionSchema } from '@liftguard/tensor';
import type { BatchObjective } from '@liftguard/models';

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
 * A training loss: `(model, batch) -> { value, grads, diagnostics }`. It is the trainer's
 * `BatchObjective` (so `trainClassifier` takes it as is) with the config and diagnostics
 * spelled out: `config` is every hyperparameter, resolved, so results can echo how they were made.
 */
export interface Loss extends BatchObjective {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  compute(model: Classifier, batch: LossBatch): LossOutput;
  /** Releases state carried across batches (e.g. warm-started spectral estimates). */
  dispose?(): void;
}

/** How a loss is registered: a name, a label, a one-line description, its options and a factory. */
export interface LossDefinition<Options = Record<string, unknown>> {
  name: string;
  /** Human-readable name (default: the name). */
  label?: string;
  description: string;
  /** The options `create` accepts, with their ranges, for help text (the factory validates them). */
  options?: readonly OptionSchema[];
  create(options: Options): Loss;
}
