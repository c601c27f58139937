import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { gradientRow } from './gradient-rows.js';
import type { LabeledSet } from './labeled-set.js';

/** ∇_w of the mean softmax cross-entropy on `set` at the variables' current values. */
export function cleanLossGradient(
  classifier: Classifier,
  variables: readonly tf.Variable[],
  set: LabeledSet,
): Float32Array {
  return gradientRow(variables, () => {
    const logits = classifier.predict(set.x);
    const labels = tf.oneHot(tf.tensor1d(Array.from(set.labels), 'int32'), classifier.numClasses);
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}
