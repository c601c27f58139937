import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { AttackInputError } from '../errors.js';
import { dlrLoss, targetedDlrLoss } from './dlr.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** The paper's formulas in float64 JavaScript, by sorting: independent of the tfjs code. */
function referenceDlr(z: readonly number[], y: number): number {
  const sorted = [...z].sort((a, b) => b - a);
  const bestOther = Math.max(...z.filter((_, j) => j !== y));
  return -(z[y]! - bestOther) / (sorted[0]! - sorted[2]! + 1e-12);
}
function referenceTargetedDlr(z: readonly number[], y: number, t: number): number {
  const sorted = [...z].sort((a, b) => b - a);
  return -(z[y]! - z[t]!) / (sorted[0]! - (sorted[2]! + sorted[3]!) / 2 + 1e-12);
}

const classes = 7;
function randomCase(random: Random) {
  const logits = Array.from({ length: classes }, () => 3 * random.normal());
  const y = random.int(classes);
  const t = (y + 1 + random.int(classes - 1)) % classes;
  return { logits, y, t };
}

function evaluate(
  fn: (z: tf.Tensor2D, y: tf.Tensor1D, t: tf.Tensor1D) => tf.Tensor1D,
  z: number[][],
  y: number[],
  t: number[],
) {
  return tf.tidy(() =>
    Array.from(fn(tf.tensor2d(z), tf.tensor1d(y, 'int32'), tf.tensor1d(t, 'int32')).dataSync()),
  );
}
const untargeted = (z: tf.Tensor2D, y: tf.Tensor1D) => dlrLoss(z, y);

describe('DLR losses', () => {
  it('match the paper’s formulas on random logits', () => {
    const random = new Random('dlr values');
    const cases = Array.from({ length: 50 }, () => randomCase(random));
    const z = cases.map((c) => c.logits);
    const y = cases.map((c) => c.y);
    const t = cases.map((c) => c.t);
    const plain = evaluate(untargeted, z, y, t);
    const targeted = evaluate(targetedDlrLoss, z, y, t);
    cases.forEach((c, i) => {
      expect(plain[i]).toBeCloseTo(referenceDlr(c.logits, c.y), 4);
      expect(targeted[i]).toBeCloseTo(referenceTargetedDlr(c.logits, c.y, c.t), 4);
    });
  });

  it('are invariant to shifting and positive scaling of the logits (property over random logits)', () => {
    const random = new Random('dlr invariance');
    for (let trial = 0; trial < 20; trial++) {
      const cases = Array.from({ length: 10 }, () => randomCase(random));
      const shift = 20 * random.normal();
      const scale = Math.exp(2 * random.normal());
      const z = cases.map((c) => c.logits);
      const moved = z.map((row) => row.map((v) => scale * v + shift));
      const y = cases.map((c) => c.y);
      const t = cases.map((c) => c.t);
      for (const fn of [untargeted, targetedDlrLoss]) {
        const before = evaluate(fn, z, y, t);
        const after = evaluate(fn, moved, y, t);
        before.forEach((v, i) => expect(after[i]).toBeCloseTo(v, 3));
      }
    }
  });

  it('have gradients that match central finite differences of the float64 formulas', () => {
    const random = new Random('dlr gradient');
    const h = 1e-5;
    for (let trial = 0; trial < 10; trial++) {
      const { logits, y, t } = randomCase(random);
      const cases = [
        { fn: untargeted, reference: (z: number[]) => referenceDlr(z, y) },
        { fn: targetedDlrLoss, reference: (z: number[]) => referenceTargetedDlr(z, y, t) },
      ];
      for (const { fn, reference } of cases) {
        const gradient = tf.tidy(() => {
          const labels = tf.tensor1d([y], 'int32');
          const targets = tf.tensor1d([t], 'int32');
          return Array.from(
            tf
              .grad((z: tf.Tensor) => tf.sum(fn(z as tf.Tensor2D, labels, targets)))(
                tf.tensor2d([logits]),
              )
              .dataSync(),
          );
        });
        logits.forEach((_, j) => {
          const up = logits.map((v, k) => (k === j ? v + h : v));
          const down = logits.map((v, k) => (k === j ? v - h : v));
          const numeric = (reference(up) - reference(down)) / (2 * h);
          expect(gradient[j]).toBeCloseTo(numeric, 3);
        });
      }
    }
  });

  it('need three (DLR) or four (targeted DLR) classes and leak nothing', () => {
    assertNoLeaks(() => {
      const two = tf.tensor2d([[1, 2]]);
      const three = tf.tensor2d([[1, 2, 3]]);
      const label = tf.tensor1d([0], 'int32');
      expect(() => dlrLoss(two, label)).toThrow(AttackInputError);
      expect(() => targetedDlrLoss(three, label, label)).toThrow(/at least 4 classes/);
      tf.dispose([two, three, label]);
    });
  });
});
