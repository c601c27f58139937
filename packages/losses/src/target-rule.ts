import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@liftguard/tensor';

/**
 * Which wrong classes t the targeted losses pull toward (LIFTED.md §3.5), as weights w_t over the
 * classes t ≠ y (each row sums to 1): one class ('highest-wrong' at the free state, 'random-wrong'
 * seeded), every wrong class equally ('all-wrong', w_t = 1/(C − 1)), or a soft-max of the free
 * logits s over the wrong classes ('temperature', w_t ∝ exp(s_t/τ)). The targeted term of a loss is
 * Σ_t w_t L_{α,β}(t): one targeted solve per (example, class) pair with w_t > 0.
 */
export type TargetRule = 'highest-wrong' | 'random-wrong' | 'all-wrong' | 'temperature';
export const targetRules: readonly TargetRule[] = ['highest-wrong', 'random-wrong', 'all-wrong', 'temperature'];

/**
 * Target weights [B, classes]: zero on the label, rows summing to 1 (one-hot for 'highest-wrong'
 * and 'random-wrong'). `temperature` τ > 0 is used by 'temperature' only.
 */
export function chooseTargets(rule: TargetRule, freeLogits: tf.Tensor2D, labels: Int32Array, random: Random, temperature?: number): tf.Tensor2D {
  const classes = freeLogits.shape[1];
  if (classes < 2) throw new Error('targeted losses need at least two classes');
  const isLabel = () => tf.greater(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 0);
  switch (rule) {
    case 'highest-wrong':
      return tf.tidy(() => {
        const masked = tf.where(isLabel(), tf.fill(freeLogits.shape, -Infinity), freeLogits);
        return tf.cast(tf.oneHot(tf.argMax(masked, 1) as tf.Tensor1D, classes), 'float32') as tf.Tensor2D;
      });
    case 'random-wrong': {
      // Uniform over the classes other than the label.
      const targets = Int32Array.from(labels, (y) => {
        const r = random.int(classes - 1);
        return r >= y ? r + 1 : r;
      });
      return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), classes), 'float32') as tf.Tensor2D);
    }
    case 'all-wrong':
      return tf.tidy(() => tf.where(isLabel(), tf.zeros(freeLogits.shape), tf.fill(freeLogits.shape, 1 / (classes - 1))) as tf.Tensor2D);
    case 'temperature':
      if (temperature === undefined || !(temperature > 0) || !Number.isFinite(temperature)) {
        throw new Error(`the temperature target rule needs a finite τ > 0, got ${String(temperature)}`);
      }
      return temperatureWeights(freeLogits, labels, temperature);
    default:
      throw new Error(`unknown target rule '${String(rule)}'; rules: ${targetRules.join(', ')}`);
  }
}

/** softmax over the wrong classes of s/τ (label column 0); differentiable in the logits. */
export function temperatureWeights(logits: tf.Tensor2D, labels: Int32Array, temperature: number): tf.Tensor2D {
  return tf.tidy(() => {
    const isLabel = tf.greater(tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]), 0);
    const scaled = tf.where(isLabel, tf.fill(logits.shape, -Infinity), tf.div(logits, temperature));
    return tf.softmax(scaled) as tf.Tensor2D;
  });
}

/**
 * The (example, target) pairs of a weight matrix with w > 0, as rows to solve on: `rows[r]` is
 * the example, `targets[r]` the class, `weights[r]` its w. `identity` when there is exactly one
 * pair per example, in order (the single-class rules): no rows need gathering then.
 */
export interface TargetPairs {
  rows: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
  identity: boolean;
}

export function targetPairs(weights: tf.Tensor2D): TargetPairs {
  const [batch, classes] = weights.shape;
  const values = weights.dataSync();
  const rows: number[] = [];
  const targets: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < batch; i++) {
    for (let t = 0; t < classes; t++) {
      const v = values[i * classes + t]!;
      // Weights that underflow to 0 (a sharp temperature) contribute nothing, exactly: skip their solves.
      if (v > 0) {
        rows.push(i);
        targets.push(t);
        w.push(v);
      }
    }
  }
  const identity = rows.length === batch && rows.every((r, i) => r === i);
  return { rows: Int32Array.from(rows), targets: Int32Array.from(targets), weights: Float32Array.from(w), identity };
}
