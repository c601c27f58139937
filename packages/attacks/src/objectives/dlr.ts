import * as tf from '@tensorflow/tfjs-core';
import { AttackInputError } from '../errors.js';
import type { AttackObjective } from './attack-objective.js';

// Guards the division when the top logits tie (Croce & Hein's constant).
const tiny = 1e-12;
// Masks the label out of the max without infinities in the gradient.
const maskOffset = 1e9;

/**
 * A per-row loss of the logits computed in float64 JavaScript with its closed-form gradient
 * (one op on the tape): a few hundred logits make a few microseconds of loops, where the same
 * loss from tensor ops was ~90 kernels per evaluation, forward and backward.
 * `row(z, at, i, grad)` returns row i's loss (its logits are z[at..at+C)) and writes ∂loss/∂z
 * into grad[at..at+C).
 */
function rowLoss(
  logits: tf.Tensor2D,
  row: (z: Float32Array, at: number, i: number, grad: Float64Array) => number,
): tf.Tensor1D {
  const [n, classes] = logits.shape;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const value = new Float32Array(n);
    const grad = new Float64Array(n * classes);
    for (let i = 0; i < n; i++) value[i] = row(z, i * classes, i, grad);
    return {
      value: tf.tensor1d(value),
      gradFunc: (dy: tf.Tensor) => tf.mul(tf.reshape(dy, [n, 1]), tf.tensor2d(Float32Array.from(grad), [n, classes])),
    };
  });
  return op(logits) as tf.Tensor1D;
}

/** Indices of the four largest logits of one row, largest first (ties: the lower index first). */
function topFour(z: Float32Array, at: number, classes: number, top: Int32Array): void {
  top.fill(-1);
  for (let c = 0; c < classes; c++) {
    const v = z[at + c]!;
    let slot = 4;
    while (slot > 0 && (top[slot - 1]! < 0 || v > z[at + top[slot - 1]!]!)) slot--;
    if (slot === 4) continue;
    for (let k = 3; k > slot; k--) top[k] = top[k - 1]!;
    top[slot] = c;
  }
}

/** Class indices read from an int tensor, each checked to be a class of the model. */
function classIndices(t: tf.Tensor1D, classes: number, what: string): Int32Array {
  const values = Int32Array.from(t.dataSync());
  const bad = values.find((c) => !(c >= 0 && c < classes));
  if (bad !== undefined) throw new AttackInputError(`${what} ${bad} is not a class of a ${classes}-class model`);
  return values;
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
  const classes = logits.shape[1];
  const y = classIndices(labels, classes, 'label');
  const top = new Int32Array(4);
  return rowLoss(logits, (z, at, i, grad) => {
    const label = y[i]!;
    topFour(z, at, classes, top);
    const other = top[0] === label ? top[1]! : top[0]!;
    const gap = z[at + label]! - z[at + other]!;
    const scale = z[at + top[0]!]! - z[at + top[2]!]! + tiny;
    // L = −gap/scale: ∂L = −(∂gap·scale − gap·∂scale)/scale².
    grad[at + label] = grad[at + label]! - 1 / scale;
    grad[at + other] = grad[at + other]! + 1 / scale;
    const ratio = gap / (scale * scale);
    grad[at + top[0]!] = grad[at + top[0]!]! + ratio;
    grad[at + top[2]!] = grad[at + top[2]!]! - ratio;
    return -gap / scale;
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
  const classes = logits.shape[1];
  const y = classIndices(labels, classes, 'label');
  const t = classIndices(targets, classes, 'target');
  const top = new Int32Array(4);
  return rowLoss(logits, (z, at, i, grad) => {
    const label = y[i]!;
    const target = t[i]!;
    topFour(z, at, classes, top);
    const gap = z[at + label]! - z[at + target]!;
    const scale = z[at + top[0]!]! - (z[at + top[2]!]! + z[at + top[3]!]!) / 2 + tiny;
    grad[at + label] = grad[at + label]! - 1 / scale;
    grad[at + target] = grad[at + target]! + 1 / scale;
    const ratio = gap / (scale * scale);
    grad[at + top[0]!] = grad[at + top[0]!]! + ratio;
    grad[at + top[2]!] = grad[at + top[2]!]! - ratio / 2;
    grad[at + top[3]!] = grad[at + top[3]!]! - ratio / 2;
    return -gap / scale;
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
