import * as tf from '@tensorflow/tfjs-core';
import { AttackInputError } from '../errors.js';
import type { AttackObjective } from './attack-objective.js';
import { bestOtherLogit, labelLogit, oneHotOf } from './logit-objectives.js';

// Keeps the ratio finite when the top logits tie (Croce & Hein's constant).
const tiny = 1e-12;

/** The k largest logits per row, [N] each, as masked maxima (differentiable, unlike topk). */
function largestLogits(logits: tf.Tensor2D, k: number): tf.Tensor1D[] {
  const out: tf.Tensor1D[] = [];
  let masked = logits;
  for (let i = 0; i < k; i++) {
    out.push(tf.max(masked, 1));
    masked = tf.sub(masked, tf.mul(oneHotOf(tf.argMax(masked, 1), logits.shape[1]), 1e9));
  }
  return out;
}

function needClasses(logits: tf.Tensor2D, count: number, what: string): void {
  if (logits.shape[1] < count)
    throw new AttackInputError(`${what} needs at least ${count} classes, the model has ${logits.shape[1]}`);
}

/**
 * Difference of logits ratio (Croce & Hein 2020), invariant to shifting and positively
 * scaling the logits. Untargeted: −(z_y − max_{i≠y} z_i)/(z_π1 − z_π3 + 1e-12). Targeted
 * towards t from y: −(z_y − z_t)/(z_π1 − (z_π3 + z_π4)/2 + 1e-12); without source labels y is
 * the best class other than t. π sorts the logits in decreasing order.
 */
export const dlrObjective: AttackObjective = {
  name: 'dlr',
  label: 'DLR',
  description: 'difference of logits ratio (Croce & Hein 2020): shift- and scale-invariant margin',
  value: ({ logits, labels, targeted, sourceLabels }) =>
    tf.tidy(() => {
      const classes = logits.shape[1];
      const oneHot = oneHotOf(labels, classes);
      if (!targeted) {
        needClasses(logits, 3, 'the DLR objective');
        const [first, , third] = largestLogits(logits, 3);
        const gap = tf.sub(labelLogit(logits, oneHot), bestOtherLogit(logits, oneHot));
        return tf.neg(tf.div(gap, tf.add(tf.sub(first!, third!), tiny))) as tf.Tensor1D;
      }
      needClasses(logits, 4, 'the targeted DLR objective');
      const [first, , third, fourth] = largestLogits(logits, 4);
      const source =
        sourceLabels === undefined
          ? bestOtherLogit(logits, oneHot)
          : labelLogit(logits, oneHotOf(sourceLabels, classes));
      const gap = tf.sub(source, labelLogit(logits, oneHot));
      const scale = tf.add(tf.sub(first!, tf.mul(tf.add(third!, fourth!), 0.5)), tiny);
      return tf.neg(tf.div(gap, scale)) as tf.Tensor1D;
    }),
};
