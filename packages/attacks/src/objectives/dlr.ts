import * as tf from '@tensorflow/tfjs-core';
import { AttackInputError } from '../errors.js';
import type { AttackObjective } from './attack-objective.js';

// Guards the division when the top logits tie (Croce & Hein's constant).
const tiny = 1e-12;
// Masks the label out of the max without infinities in the gradient.
const maskOffset = 1e9;

/**
 * The k largest logits per example, largest first, differentiable in the logits (TopK has no
 * gradient in tfjs): repeated max with the previous argmax masked out.
 */
function topLogits(logits: tf.Tensor2D, k: number): tf.Tensor1D[] {
  const out: tf.Tensor1D[] = [];
  let rest: tf.Tensor2D = logits;
  for (let i = 0; i < k; i++) {
    out.push(tf.max(rest, 1) as tf.Tensor1D);
    if (i < k - 1)
      rest = tf.sub(rest, tf.mul(tf.oneHot(tf.argMax(rest, 1), logits.shape[1]), maskOffset));
  }
  return out;
}

function logitAt(logits: tf.Tensor2D, index: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(logits, tf.oneHot(index, logits.shape[1])), 1) as tf.Tensor1D;
}

function requireClasses(logits: tf.Tensor2D, needed: number, what: string): void {
  const classes = logits.shape[1];
  if (classes < needed)
    throw new AttackInputError(
      `${what} needs at least ${needed} classes, the model has ${classes}`,
    );
}

/**
 * Difference-of-logits-ratio loss (Croce & Hein, ICML 2020), untargeted, per example [N]:
 * −(z_y − max_{i≠y} z_i) / (z_π1 − z_π3 + 1e−12), with π the logits sorted decreasingly.
 * Invariant to shifting and positive scaling of the logits; ascending it moves away from y.
 */
export function dlrLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  requireClasses(logits, 3, 'the DLR loss');
  return tf.tidy(() => {
    const labelHot = tf.oneHot(labels, logits.shape[1]);
    const labelLogit = tf.sum(tf.mul(logits, labelHot), 1);
    const bestOther = tf.max(tf.sub(logits, tf.mul(labelHot, maskOffset)), 1);
    const [first, , third] = topLogits(logits, 3);
    const scale = tf.add(tf.sub(first!, third!), tiny);
    return tf.neg(tf.div(tf.sub(labelLogit, bestOther), scale)) as tf.Tensor1D;
  });
}

/**
 * Targeted DLR loss (the loss of APGD-T), per example [N]:
 * −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e−12); ascending it moves from the label y
 * towards the target t.
 */
export function targetedDlrLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  targets: tf.Tensor1D,
): tf.Tensor1D {
  requireClasses(logits, 4, 'the targeted DLR loss');
  return tf.tidy(() => {
    const [first, , third, fourth] = topLogits(logits, 4);
    const scale = tf.add(tf.sub(first!, tf.mul(tf.add(third!, fourth!), 0.5)), tiny);
    const gap = tf.sub(logitAt(logits, labels), logitAt(logits, targets));
    return tf.neg(tf.div(gap, scale)) as tf.Tensor1D;
  });
}

/**
 * DLR as a registered objective. Untargeted: `dlrLoss`. Targeted towards t (the labels) from y
 * (the source labels): `targetedDlrLoss`; without source labels y is the best class other than t.
 */
export const dlrObjective: AttackObjective = {
  name: 'dlr',
  label: 'DLR',
  description: 'difference of logits ratio (Croce & Hein 2020): shift- and scale-invariant margin',
  value: ({ logits, labels, targeted, sourceLabels }) => {
    if (!targeted) return dlrLoss(logits, labels);
    if (sourceLabels !== undefined) return targetedDlrLoss(logits, sourceLabels, labels);
    requireClasses(logits, 4, 'the targeted DLR loss');
    return tf.tidy(() => {
      const runnerUp = tf.argMax(tf.sub(logits, tf.mul(tf.oneHot(labels, logits.shape[1]), maskOffset)), 1) as tf.Tensor1D;
      return targetedDlrLoss(logits, runnerUp, labels);
    });
  },
};
