import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { accuracy, argMaxRows, crossEntropyRows, marginViolations, predictClasses, predictLogits } from './classifier-evaluation.js';
import type { Classifier } from './classifier.js';
import { assertNoLeaks } from './memory.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

// z = x·W with W = [[1, 0, -1], [0, 2, 1]]: logits known in closed form.
const weights = [1, 0, -1, 0, 2, 1];
const linear: Classifier = {
  inputShape: [2],
  numClasses: 3,
  trainableVariables: [],
  predict: (x) => tf.tidy(() => tf.matMul(x as tf.Tensor2D, tf.tensor2d(weights, [2, 3]))),
};

describe('batched classifier evaluation', () => {
  it('predicts logits, classes and accuracy in batches like the closed form', () => {
    const rows = [[1, 0], [0, 1], [-1, 0], [0.5, 0.5], [0, -1]];
    const x = tf.tensor2d(rows);
    const logits = assertNoLeaks(() => predictLogits(linear, x, 2));
    const expected = rows.flatMap(([a, b]) => [a!, 2 * b!, -a! + b!]);
    Array.from(logits).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    const classes = assertNoLeaks(() => predictClasses(linear, x, 3));
    expect(Array.from(classes)).toEqual(Array.from(argMaxRows(expected, 3)));
    expect(Array.from(classes)).toEqual([0, 1, 2, 1, 0]);
    expect(accuracy(classes, [0, 1, 0, 1, 2])).toBeCloseTo(3 / 5, 12);
    expect(accuracy([], [])).toBe(0);
    x.dispose();
  });

  it('measures margin violations max_{j≠y} z_j − z_y', () => {
    expect(Array.from(marginViolations([3, 1, 2, 0, 5, -1], [0, 2], 3))).toEqual([-1, 6]);
  });

  it('computes cross-entropy rows equal to −log softmax at the label', () => {
    const z = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
    const t = tf.tensor2d([[0, 0, 1], [0, 1, 0]]);
    const ce = assertNoLeaks(() => crossEntropyRows(z, t));
    const [a, b] = Array.from(ce.dataSync());
    expect(a).toBeCloseTo(-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))), 5);
    expect(b).toBeCloseTo(Math.log(3), 5);
    tf.dispose([z, t, ce]);
  });
});
