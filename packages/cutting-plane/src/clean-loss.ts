import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyRows, type Classifier } from '@liftguard/tensor';
import { gradientRow } from './gradient-rows.js';
import type { LabeledSet } from './labeled-set.js';

/** Mean softmax cross-entropy of `set` at the variables' current values, in batches. */
export function meanCrossEntropy(classifier: Classifier, set: LabeledSet, batchSize = 256): number {
  const total = set.x.shape[0]!;
  const labels = Array.from(set.labels);
  let sum = 0;
  for (let start = 0; start < total; start += batchSize) {
    const size = Math.min(batchSize, total - start);
    const batchSum = tf.tidy(() =>
      tf.sum(
        crossEntropyRows(
          classifier.predict(tf.slice(set.x, start, size)),
          oneHotLabels(labels.slice(start, start + size), classifier.numClasses),
        ),
      ),
    );
    // Batch sums accumulate on the host in Float64: many batches lose no precision.
    sum += batchSum.dataSync()[0]!;
    batchSum.dispose();
  }
  return total === 0 ? 0 : sum / total;
}

/** ∇_w of the mean softmax cross-entropy on `set` at the variables' current values. */
export function cleanLossGradient(
  classifier: Classifier,
  variables: readonly tf.Variable[],
  set: LabeledSet,
): Float32Array {
  return gradientRow(
    variables,
    () =>
      tf.mean(
        crossEntropyRows(
          classifier.predict(set.x),
          oneHotLabels(Array.from(set.labels), classifier.numClasses),
        ),
      ) as tf.Scalar,
  );
}

/**
 * Mean softmax cross-entropy of row-major logits [N, numClasses] against labels.
 * @deprecated Use `crossEntropyRows` from @liftguard/tensor (per row, on the backend), or
 * `meanCrossEntropy(classifier, set)` for a classifier's mean loss on a labeled set.
 */
export function crossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  numClasses: number,
): number {
  if (labels.length === 0) return 0;
  const mean = tf.tidy(() =>
    tf.mean(
      crossEntropyRows(
        tf.tensor2d(logits, [labels.length, numClasses]),
        oneHotLabels(Array.from(labels), numClasses),
      ),
    ),
  );
  const value = mean.dataSync()[0]!;
  mean.dispose();
  return value;
}

function oneHotLabels(labels: number[], numClasses: number): tf.Tensor2D {
  return tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses) as tf.Tensor2D;
}
