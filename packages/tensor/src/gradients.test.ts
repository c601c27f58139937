import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { requiredKernels } from './required-kernels.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('gradient registration', () => {
  it('registers a gradient for every kernel the packages differentiate', () => {
    const missing = requiredKernels.filter((k) => k.needsGradient && tf.getGradient(k.kernel) == null);
    expect(missing.map((k) => k.kernel)).toEqual([]);
  });

  it('differentiates a small network to its closed form', () => {
    // f(W) = ½‖relu(xW)‖², ∂f/∂W = xᵀ (relu(xW) ⊙ 1[xW > 0])
    const x = tf.tensor2d([[1, -2], [0.5, 3]]);
    const w = tf.tensor2d([[0.3, -1], [0.2, 0.4]]);
    const grad = tf.grad((v: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(tf.relu(tf.matMul(x, v as tf.Tensor2D))))))(w);
    const a = [
      [1 * 0.3 + -2 * 0.2, 1 * -1 + -2 * 0.4],
      [0.5 * 0.3 + 3 * 0.2, 0.5 * -1 + 3 * 0.4],
    ].map((row) => row.map((v) => Math.max(0, v)));
    const xs = [[1, -2], [0.5, 3]];
    const expected = [0, 1].map((i) => [0, 1].map((j) => xs[0]![i]! * a[0]![j]! + xs[1]![i]! * a[1]![j]!));
    const got = grad.arraySync() as number[][];
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 5)));
    tf.dispose([x, w, grad]);
  });
});

describe('gradient overrides', () => {
  it('clipByValue: dy inside [min, max] (ends included), 0 outside and for NaN, as tfjs-core defines it', () => {
    const x = tf.tensor1d([-2, 0, 0.5, 6, 7, NaN]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(v, 0, 6), tf.tensor1d([1, 2, 3, 4, 5, 6]))))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 2, 3, 4, 0, 0]);
    tf.dispose([x, g]);
  });
});
