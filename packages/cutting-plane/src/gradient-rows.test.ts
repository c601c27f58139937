import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random, type Classifier } from '@liftguard/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanLossGradient } from './clean-loss.js';
import { marginGradientRows } from './gradient-rows.js';
import { marginConstraints } from './margin-constraints.js';
import { predictLogits } from './labeled-set.js';
import { readParameters, writeParameters } from './parameters.js';
import { blobs, TinyLinear } from './test-support/tiny-classifiers.js';

let model: TinyLinear;
let data: { x: tf.Tensor2D; labels: Int32Array };

beforeAll(async () => {
  await initBackend({ quiet: true });
  model = new TinyLinear(5, 4, 1);
  data = blobs(2, 6, 5, 4);
});

afterAll(() => {
  model.dispose();
  data.x.dispose();
});

describe('gradient rows', () => {
  it('∇(z_j − z_y) of a linear classifier is x ⊗ (e_j − e_y) for W and e_j − e_y for b', () => {
    const logits = predictLogits(model, data.x);
    const constraints = marginConstraints(logits, data.labels, 4, 0.1, 'perClass');
    const rows = assertNoLeaks(() =>
      marginGradientRows(model, model.trainableVariables, data.x, constraints),
    );
    const x = data.x.arraySync();
    rows.forEach((row, r) => {
      const { example, wrongClass, label } = constraints[r]!;
      const expected = new Float32Array(5 * 4 + 4);
      for (let p = 0; p < 5; p++) {
        expected[p * 4 + wrongClass] = x[example]![p]!;
        expected[p * 4 + label] = -x[example]![p]!;
      }
      expected[20 + wrongClass] = 1;
      expected[20 + label] = -1;
      row.forEach((v, p) => expect(v).toBeCloseTo(expected[p]!, 5));
    });
  });

  it('∇ of the mean cross-entropy of a linear classifier is Xᵀ(softmax − onehot)/N', () => {
    const set = { x: data.x, labels: data.labels };
    const row = assertNoLeaks(() => cleanLossGradient(model, model.trainableVariables, set));
    const logits = predictLogits(model, data.x);
    const x = data.x.arraySync();
    const expected = new Float64Array(24);
    for (let i = 0; i < 6; i++) {
      const z = Array.from(logits.subarray(i * 4, i * 4 + 4));
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const total = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < 4; c++) {
        const residual = (e[c]! / total - (c === data.labels[i] ? 1 : 0)) / 6;
        for (let p = 0; p < 5; p++)
          expected[p * 4 + c] = expected[p * 4 + c]! + x[i]![p]! * residual;
        expected[20 + c] = expected[20 + c]! + residual;
      }
    }
    row.forEach((v, p) => expect(v).toBeCloseTo(expected[p]!, 5));
  });

  it('the max form keeps the arg-max wrong class of every example', () => {
    const logits = predictLogits(model, data.x);
    const max = marginConstraints(logits, data.labels, 4, 0.1, 'max');
    const perClass = marginConstraints(logits, data.labels, 4, 0.1, 'perClass');
    expect(max).toHaveLength(6);
    for (const c of max) {
      const rivals = perClass.filter((p) => p.example === c.example);
      expect(c.value).toBe(Math.max(...rivals.map((p) => p.value)));
    }
  });
});

describe('gradient rows of a small CNN', () => {
  it('match central finite differences of z_j − z_y (conv stride 2, pad 1, tanh)', () => {
    const random = new Random(31);
    const kernel = tf.variable(random.normalTensor([3, 3, 1, 2], 0, 0.5), true, 'fd-cnn/kernel');
    const dense = tf.variable(random.normalTensor([3 * 3 * 2, 3], 0, 0.5), true, 'fd-cnn/dense');
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ];
    const cnn: Classifier = {
      inputShape: [6, 6, 1],
      numClasses: 3,
      trainableVariables: [kernel, dense],
      predict: (x) =>
        tf.tidy(() => {
          const h = tf.tanh(tf.conv2d(x as tf.Tensor4D, kernel as tf.Variable<tf.Rank.R4>, 2, pad));
          return tf.matMul(tf.reshape(h, [-1, 18]), dense as tf.Variable<tf.Rank.R2>);
        }),
    };
    const x = random.uniformTensor([2, 6, 6, 1]);
    const constraint = { example: 1, label: 2, wrongClass: 0, value: 0 };
    const [row] = assertNoLeaks(() =>
      marginGradientRows(cnn, cnn.trainableVariables, x, [constraint]),
    );
    const parameters = readParameters(cnn.trainableVariables);
    const margin = () => {
      const z = predictLogits(cnn, x);
      return z[3 + 0]! - z[3 + 2]!;
    };
    const h = 1e-2;
    for (let p = 0; p < parameters.length; p += 3) {
      const shifted = Float32Array.from(parameters);
      shifted[p] = parameters[p]! + h;
      writeParameters(cnn.trainableVariables, shifted);
      const up = margin();
      shifted[p] = parameters[p]! - h;
      writeParameters(cnn.trainableVariables, shifted);
      const down = margin();
      expect(Math.abs((up - down) / (2 * h) - row![p]!)).toBeLessThan(2e-3);
    }
    writeParameters(cnn.trainableVariables, parameters);
    tf.dispose([kernel, dense, x]);
  });
});
