import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@liftguard/tensor';

/** Which wrong class t the targeted losses pull toward (LIFTED.md §3.5). */
export type TargetRule = 'highest-wrong' | 'random-wrong';
export const targetRules: readonly TargetRule[] = ['highest-wrong', 'random-wrong'];

/** One-hot targets t [B, classes]: never the label. */
export function chooseTargets(rule: TargetRule, freeLogits: tf.Tensor2D, labels: Int32Array, random: Random): tf.Tensor2D {
  const classes = freeLogits.shape[1];
  if (classes < 2) throw new Error('targeted losses need at least two classes');
  if (rule === 'highest-wrong') {
    return tf.tidy(() => {
      const isLabel = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
      const masked = tf.where(tf.greater(isLabel, 0), tf.fill(freeLogits.shape, -Infinity), freeLogits);
      return tf.cast(tf.oneHot(tf.argMax(masked, 1) as tf.Tensor1D, classes), 'float32') as tf.Tensor2D;
    });
  }
  // Uniform over the classes other than the label.
  const targets = Int32Array.from(labels, (y) => {
    const r = random.int(classes - 1);
    return r >= y ? r + 1 : r;
  });
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), classes), 'float32') as tf.Tensor2D);
}
