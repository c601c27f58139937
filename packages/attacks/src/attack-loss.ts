import * as tf from '@tensorflow/tfjs-core';

/** What a gradient attack ascends: cross-entropy on logits (default) or the CW-style margin. */
export type AttackLossName = 'cross-entropy' | 'margin';

// Masks the reference class out of the max without producing infinities in the gradient.
const maskOffset = 1e9;

/**
 * The per-example objective [N] the attack maximizes. Untargeted: move away from `labels`
 * (cross-entropy of the label, or best other logit minus the label's). Targeted: move
 * towards `labels` (minus cross-entropy, or the target's logit minus the best other).
 */
export function attackObjective(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  loss: AttackLossName,
  targeted: boolean,
): tf.Tensor1D {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, logits.shape[1]);
    const labelLogit = tf.sum(tf.mul(logits, oneHot), 1);
    if (loss === 'cross-entropy') {
      const crossEntropy = tf.sub(tf.logSumExp(logits, 1), labelLogit);
      return (targeted ? tf.neg(crossEntropy) : crossEntropy) as tf.Tensor1D;
    }
    const bestOther = tf.max(tf.sub(logits, tf.mul(oneHot, maskOffset)), 1);
    return (
      targeted ? tf.sub(labelLogit, bestOther) : tf.sub(bestOther, labelLogit)
    ) as tf.Tensor1D;
  });
}
