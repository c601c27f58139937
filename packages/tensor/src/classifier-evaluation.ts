import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from './classifier.js';

/** Logits of every example (row-major [N, numClasses]), computed in batches. */
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

/** The arg-max class of every row of row-major logits [N, numClasses] (first on ties, like tf.argMax). */
export function argMaxRows(logits: ArrayLike<number>, numClasses: number): Int32Array {
  const n = Math.floor(logits.length / numClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < numClasses; j++) if (logits[i * numClasses + j]! > logits[i * numClasses + best]!) best = j;
    out[i] = best;
  }
  return out;
}

/** Predicted classes of every example, in batches. */
export function predictClasses(classifier: Classifier, x: tf.Tensor, batchSize = 256): Int32Array {
  return argMaxRows(predictLogits(classifier, x, batchSize), classifier.numClasses);
}

/** Share of examples whose prediction equals the label (0 for no examples). */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) hits++;
  return labels.length === 0 ? 0 : hits / labels.length;
}

/** Margin violation max_{j≠y} z_j − z_y of every row (> 0: misclassified), in Float64. */
export function marginViolations(logits: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): Float64Array {
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    let best = -Infinity;
    for (let j = 0; j < numClasses; j++) if (j !== y) best = Math.max(best, logits[i * numClasses + j]!);
    out[i] = best - logits[i * numClasses + y]!;
  }
  return out;
}

/** Softmax cross-entropy logsumexp(z) − ⟨z, t⟩ per row of logits against (one-hot or soft) targets. */
export function crossEntropyRows(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, targets), 1)) as tf.Tensor1D);
}
