import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyRows, Registry, type Registrable } from '@liftguard/tensor';

/** A loss on logits [batch, classes] against one-hot targets, averaged over the batch. */
export interface ClassificationLoss extends Registrable {
  value(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar;
}

/** A key into `classificationLosses`: a built-in name or one added with `registerClassificationLoss`. */
export type LossName = 'cross-entropy' | 'squared' | (string & {});

/** Names of the built-in classification losses. */
export const lossNames: readonly LossName[] = ['cross-entropy', 'squared'];

/** The losses `trainClassifier` accepts by name (objectives with their own gradients: @liftguard/losses). */
export const classificationLosses = new Registry<ClassificationLoss>({
  kind: 'loss',
  knownLabel: 'known',
  error: (message) => new Error(message),
  initial: [
    {
      name: 'cross-entropy',
      label: 'cross-entropy',
      description: 'softmax cross-entropy, stable through logSumExp',
      value: (logits, oneHot) => tf.tidy(() => tf.mean(crossEntropyRows(logits, oneHot))),
    },
    {
      name: 'squared',
      label: 'squared error',
      description: '½‖logits − onehot‖²',
      value: (logits, oneHot) => tf.tidy(() => tf.mean(tf.mul(0.5, tf.sum(tf.square(tf.sub(logits, oneHot)), 1)))),
    },
  ],
});

/** Adds a classification loss `trainClassifier` can use by name. */
export function registerClassificationLoss(loss: ClassificationLoss): void {
  classificationLosses.register(loss);
}

/** The batch-mean loss of logits [batch, classes] against one-hot targets [batch, classes]. */
export function classificationLoss(name: LossName, logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return classificationLosses.get(name).value(logits, oneHot);
}
