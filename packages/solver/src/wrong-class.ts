import * as tf from '@tensorflow/tfjs-core';

/** One-hot of the highest-scoring class other than the label, per row (the default target t). */
export function highestScoringWrongClass(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const masked = tf.where(tf.greater(labels, 0.5), tf.fill(logits.shape, -Infinity), logits);
    return tf.cast(tf.oneHot(tf.argMax(masked, 1) as tf.Tensor1D, logits.shape[1]), 'float32') as tf.Tensor2D;
  });
}

/** Labels as one-hot float rows [B, classes], from class indices [B] or one-hot rows. */
export function toOneHot(labels: tf.Tensor, batch: number, classes: number, what: string): tf.Tensor2D {
  if (labels.rank === 1 && labels.shape[0] === batch) {
    return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, classes), 'float32') as tf.Tensor2D);
  }
  if (labels.rank === 2 && labels.shape[0] === batch && labels.shape[1] === classes) {
    return tf.cast(labels, 'float32') as tf.Tensor2D;
  }
  throw new Error(`${what} must be class indices [${batch}] or one-hot [${batch}, ${classes}], got [${labels.shape}]`);
}
