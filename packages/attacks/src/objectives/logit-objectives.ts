import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyRows } from '@liftguard/tensor';
import type { AttackObjective } from './attack-objective.js';

// Masks a class out of a max without producing infinities in the gradient.
const maskOffset = 1e9;

/** max_{i≠label} z_i per row: the best other logit (its gradient reaches that logit only). */
export function bestOtherLogit(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Tensor1D {
  return tf.max(tf.sub(logits, tf.mul(oneHot, maskOffset)), 1);
}

/** The label's logit z_y per row. */
export function labelLogit(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(logits, oneHot), 1);
}

export function oneHotOf(labels: tf.Tensor1D, classes: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(tf.cast(labels, 'int32'), classes), 'float32') as tf.Tensor2D;
}

/** Cross-entropy of the label (untargeted); minus the cross-entropy of the target (targeted). */
export const crossEntropyObjective: AttackObjective = {
  name: 'cross-entropy',
  label: 'CE',
  description: 'softmax cross-entropy of the label (targeted: minus that of the target)',
  value: ({ logits, labels, targeted }) =>
    tf.tidy(() => {
      const crossEntropy = crossEntropyRows(logits, oneHotOf(labels, logits.shape[1]));
      return targeted ? tf.neg(crossEntropy) : crossEntropy;
    }),
};

/** Carlini–Wagner margin: best other logit minus the label's (targeted: target's minus best other). */
export const marginObjective: AttackObjective = {
  name: 'margin',
  label: 'CW margin',
  description: 'Carlini–Wagner logit margin max_{i≠y} z_i − z_y (targeted: z_t − max_{i≠t} z_i)',
  value: ({ logits, labels, targeted }) =>
    tf.tidy(() => {
      const oneHot = oneHotOf(labels, logits.shape[1]);
      const own = labelLogit(logits, oneHot);
      const other = bestOtherLogit(logits, oneHot);
      return targeted ? tf.sub(own, other) : tf.sub(other, own);
    }),
};
