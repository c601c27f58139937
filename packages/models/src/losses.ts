import * as tf from '@tensorflow/tfjs-core';

/** `cross-entropy`: softmax cross-entropy; `squared`: ½‖logits − onehot‖². Both averaged over the batch. */
export type LossName = 'cross-entropy' | 'squared';

export const lossNames: readonly LossName[] = ['cross-entropy', 'squared'];

/** The batch-mean loss of logits [batch, classes] against one-hot targets [batch, classes]. */
export function classificationLoss(name: LossName, logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    if (name === 'cross-entropy') {
      // log Σ exp(z) − z_y, stable through logSumExp.
      return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, oneHot), 1)));
    }
    if (name === 'squared') return tf.mean(tf.mul(0.5, tf.sum(tf.square(tf.sub(logits, oneHot)), 1)));
    throw new Error(`unknown loss '${String(name)}'; known: ${lossNames.join(', ')}`);
  });
}
