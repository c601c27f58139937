import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';

/** Inputs [batch, ...inputShape] with their true labels (class indices). */
export interface LabeledSet {
  readonly x: tf.Tensor;
  readonly labels: ArrayLike<number>;
}

/** Logits of every example (row-major [batch, numClasses]), computed in batches. */
export function predictLogits(classifier: Classifier, x: tf.Tensor, batchSize = 256): Float32Array {
  const total = x.shape[0]!;
  const out = new Float32Array(total * classifier.numClasses);
  for (let start = 0; start < total; start += batchSize) {
    const size = Math.min(batchSize, total - start);
    const logits = tf.tidy(() => classifier.predict(tf.slice(x, start, size)));
    out.set(logits.dataSync() as Float32Array, start * classifier.numClasses);
    logits.dispose();
  }
  return out;
}

/** Fraction of examples whose arg-max logit is not the label. */
export function classificationError(
  logits: Float32Array,
  labels: ArrayLike<number>,
  numClasses: number,
): number {
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < numClasses; j++)
      if (logits[i * numClasses + j]! > logits[i * numClasses + best]!) best = j;
    if (best !== labels[i]) wrong++;
  }
  return labels.length === 0 ? 0 : wrong / labels.length;
}

/** Mean softmax cross-entropy of logits against labels, in Float64. */
export function crossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  numClasses: number,
): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    let max = -Infinity;
    for (let j = 0; j < numClasses; j++) max = Math.max(max, logits[i * numClasses + j]!);
    let sum = 0;
    for (let j = 0; j < numClasses; j++) sum += Math.exp(logits[i * numClasses + j]! - max);
    total += max + Math.log(sum) - logits[i * numClasses + labels[i]!]!;
  }
  return labels.length === 0 ? 0 : total / labels.length;
}
