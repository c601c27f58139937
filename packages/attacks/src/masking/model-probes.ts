import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { cleanPass } from '../clean-pass.js';
import type { MaskingThresholds, MaskingWarning } from './masking-warning.js';

const percent = (share: number) => `${(100 * share).toFixed(1)} %`;

/**
 * Per sampled row: is the cross-entropy input gradient (what APGD-CE and PGD follow) all zero
 * or not finite? Softmax saturating in float32 and zero-gradient layers (round, sign) both show here.
 */
export function deadGradientRows(model: Classifier, x: tf.Tensor, labels: Int32Array): { zero: number; nonFinite: number } {
  const [zero, nonFinite] = tf.tidy(() => {
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), model.numClasses);
    const loss = (input: tf.Tensor) => {
      const logits = model.predict(input);
      // Cross-entropy summed over rows: each row's gradient is its own example's.
      return tf.sum(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, onehot), 1)));
    };
    const g = tf.reshape(tf.grad(loss)(x), [x.shape[0]!, -1]);
    const finite = tf.all(tf.isFinite(g), 1);
    const allZero = tf.equal(tf.max(tf.abs(g), 1), 0);
    return [tf.sum(tf.cast(tf.logicalAnd(finite, allZero), 'int32')), tf.sum(tf.cast(tf.logicalNot(finite), 'int32'))];
  });
  const counts = { zero: zero.dataSync()[0]!, nonFinite: nonFinite.dataSync()[0]! };
  tf.dispose([zero, nonFinite]);
  return counts;
}

export function checkDeadGradients(model: Classifier, x: tf.Tensor, labels: Int32Array, thresholds: MaskingThresholds): MaskingWarning[] {
  const n = x.shape[0]!;
  const { zero, nonFinite } = deadGradientRows(model, x, labels);
  const share = (zero + nonFinite) / n;
  if (share <= thresholds.zeroGradientShare && nonFinite === 0) return [];
  return [{
    check: 'zero-or-nan-gradients',
    message: `the input gradient of the cross-entropy is all zero on ${zero} and NaN/∞ on ${nonFinite} of ${n} sampled points (${percent(share)}): gradient attacks have nothing to follow there; try the DLR or margin loss, BPDA through non-differentiable layers, or rely on Square`,
    evidence: { sampled: n, zeroGradientRows: zero, nonFiniteGradientRows: nonFinite, share },
  }];
}

export function checkProbabilityOutputs(model: Classifier, x: tf.Tensor): MaskingWarning[] {
  if (!cleanPass(model, x, x.shape[0]!).looksLikeProbabilities) return [];
  return [{
    check: 'probability-outputs',
    message: `predict() returns rows in [0, 1] that sum to 1 on all ${x.shape[0]} sampled points: these look like softmax probabilities, and cross-entropy on probabilities saturates; attack the logits`,
    evidence: { sampled: x.shape[0]! },
  }];
}

/** Predicts the same inputs twice: a deterministic model returns the same logits. */
export function checkRandomizedPredictions(model: Classifier, x: tf.Tensor, thresholds: MaskingThresholds): MaskingWarning[] {
  const [first, second] = [model.predict(x), model.predict(x)];
  const a = first.dataSync();
  const b = second.dataSync();
  tf.dispose([first, second]);
  const classes = model.numClasses;
  let scale = 1;
  for (const v of a) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const tolerance = thresholds.randomnessRelative * scale;
  let maxDifference = 0;
  let rowsDiffering = 0;
  for (let row = 0; row < a.length / classes; row++) {
    let rowMax = 0;
    for (let c = row * classes; c < (row + 1) * classes; c++) rowMax = Math.max(rowMax, Math.abs(a[c]! - b[c]!));
    if (rowMax > tolerance) rowsDiffering++;
    maxDifference = Math.max(maxDifference, rowMax);
  }
  if (rowsDiffering === 0) return [];
  const n = x.shape[0]!;
  return [{
    check: 'randomized-predictions',
    message: `two predictions of the same ${n} inputs differ on ${rowsDiffering} rows (max |Δlogit| ${maxDifference.toPrecision(3)}): a randomized model needs expectation over transformation: evaluate it with autoAttack(model, inputs, { version: 'rand', … }) (APGD-CE and APGD-DLR averaging 20 gradients per step), and its robust accuracy is itself random`,
    evidence: { sampled: n, rowsDiffering, maxLogitDifference: maxDifference, tolerance },
  }];
}
