import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { classificationLoss } from './losses.js';

const logits = [
  [2, -1, 0.5],
  [100, 100, -50],
];
const targets = [
  [0, 0, 1],
  [1, 0, 0],
];

function closedFormCrossEntropy(): number {
  // Stable: log Σ exp(z) = m + log Σ exp(z − m).
  const per = logits.map((z, n) => {
    const m = Math.max(...z);
    return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) - z[targets[n]!.indexOf(1)]!;
  });
  return (per[0]! + per[1]!) / 2;
}

describe('classificationLoss', () => {
  it('cross-entropy equals log Σ exp(z) − z_y averaged, and its gradient is (softmax − onehot)/B', () => {
    const z = tf.tensor2d(logits);
    const y = tf.tensor2d(targets);
    const value = assertNoLeaks(() => classificationLoss('cross-entropy', z, y));
    expect(value.dataSync()[0]).toBeCloseTo(closedFormCrossEntropy(), 4);
    const grad = assertNoLeaks(() => tf.grad((v: tf.Tensor) => classificationLoss('cross-entropy', v as tf.Tensor2D, y))(z));
    const g = grad.arraySync() as number[][];
    logits.forEach((row, n) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const total = e.reduce((a, b) => a + b);
      row.forEach((_, k) => expect(g[n]![k]!).toBeCloseTo((e[k]! / total - targets[n]![k]!) / 2, 5));
    });
    tf.dispose([z, y, value, grad]);
  });

  it('squared equals ½‖z − onehot‖² averaged', () => {
    const z = tf.tensor2d(logits);
    const y = tf.tensor2d(targets);
    const value = assertNoLeaks(() => classificationLoss('squared', z, y));
    const expected = logits.reduce((s, row, n) => s + 0.5 * row.reduce((t, v, k) => t + (v - targets[n]![k]!) ** 2, 0), 0) / 2;
    expect(value.dataSync()[0]).toBeCloseTo(expected, 2);
    tf.dispose([z, y, value]);
    expect(() => classificationLoss('hinge' as never, z, y)).toThrow(/unknown loss 'hinge'/);
  });
});
