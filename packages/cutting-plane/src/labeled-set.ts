import type * as tf from '@tensorflow/tfjs-core';
import { argMaxRows, predictLogits } from '@liftguard/tensor';

/** Inputs [batch, ...inputShape] with their true labels (class indices). */
export interface LabeledSet {
  readonly x: tf.Tensor;
  readonly labels: ArrayLike<number>;
}

/** Batched logits: the one in @liftguard/tensor, re-exported where repair code reads it. */
export { predictLogits };

/** Fraction of examples whose arg-max logit is not the label. */
export function classificationError(
  logits: Float32Array,
  labels: ArrayLike<number>,
  numClasses: number,
): number {
  const predicted = argMaxRows(logits, numClasses);
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] !== labels[i]) wrong++;
  return labels.length === 0 ? 0 : wrong / labels.length;
}
