import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, Random } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from './layer-spec.js';
import { SequentialClassifier } from './sequential-classifier.js';
import { denseForward, hwcConv, maxAbsDiff } from './test-support/reference-forward.js';

// Conv with asymmetric explicit padding and strides, a bias-free conv with 'same', flatten, dense.
const spec: ModelSpec = {
  inputShape: [5, 6, 2],
  layers: [
    { type: 'conv2d', filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: [1, 0, 2, 1] },
    { type: 'relu' },
    { type: 'conv2d', filters: 2, kernelSize: 3, strides: 2, padding: 'same', useBias: false },
    { type: 'flatten' },
    { type: 'dense', units: 4 },
    { type: 'relu' },
    { type: 'dense', units: 3 },
  ],
};

function referenceLogits(values: Float32Array[], x: Float32Array): number[] {
  const [k1, b1, k2, k3, b3, k4, b4] = values as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const a = hwcConv(x, [5, 6, 2], k1, [3, 2, 3], [2, 1], [1, 0, 2, 1], b1);
  // tfjs 'same' with stride 2 on 2×8 input and a 3×3 kernel: out 1×4, total padding 1 (height) and 1 (width), the extra at the bottom/right.
  const b = hwcConv(a.values.map((v) => Math.max(0, v)), a.shape, k2, [3, 3, 2], [2, 2], [0, 1, 0, 1]);
  const h = denseForward(b.values, k3, [b.values.length, 4], b3).map((v) => Math.max(0, v));
  return denseForward(h, k4, [4, 3], b4);
}

describe('SequentialClassifier', () => {
  it('predict matches a plain-JS forward pass (explicit asymmetric padding, strides, same, no bias)', () => {
    const model = SequentialClassifier.create(spec, { initialization: 'he-normal', seed: 7 });
    const values = model.parameterValues();
    // he-normal zeroes biases; give them values so that they are tested too.
    values[1] = new Random(1).uniformArray(3, -0.5, 0.5);
    values[4] = new Random(2).uniformArray(4, -0.5, 0.5);
    model.setParameterValues(values);
    expect(model.parameters.map((p) => p.shape)).toEqual([[3, 2, 2, 3], [3], [3, 3, 3, 2], [8, 4], [4], [4, 3], [3]]);
    const batch = 3;
    const xs = new Random(3).uniformArray(batch * 60);
    const x = tf.tensor(xs, [batch, 5, 6, 2]);
    const logits = assertNoLeaks(() => model.predict(x));
    expect(logits.shape).toEqual([batch, 3]);
    const got = logits.arraySync();
    for (let n = 0; n < batch; n++) expect(maxAbsDiff(got[n]!, referenceLogits(values, xs.subarray(n * 60, (n + 1) * 60)))).toBeLessThan(1e-5);
    tf.dispose([x, logits]);
    model.dispose();
  });

  it('is differentiable in the input: gradient matches central finite differences', () => {
    const model = SequentialClassifier.create(spec, { seed: 11 });
    const x0 = new Random(5).uniformArray(60);
    const f = (values: Float32Array) =>
      tf.tidy(() => {
        const z = model.predict(tf.tensor(values, [1, 5, 6, 2]));
        return tf.sum(tf.mul(z, tf.tensor2d([[1, -2, 0.5]])));
      });
    const x = tf.tensor(x0, [1, 5, 6, 2]);
    const grad = assertNoLeaks(() => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(model.predict(input), tf.tensor2d([[1, -2, 0.5]]))))(x));
    const g = grad.dataSync();
    const h = 1e-2;
    for (const i of [0, 17, 33, 59]) {
      const plus = x0.slice();
      const minus = x0.slice();
      plus[i]! += h;
      minus[i]! -= h;
      const fp = f(plus);
      const fm = f(minus);
      const numeric = (fp.dataSync()[0]! - fm.dataSync()[0]!) / (2 * h);
      tf.dispose([fp, fm]);
      expect(Math.abs(numeric - g[i]!)).toBeLessThan(1e-2 * Math.max(1, Math.abs(g[i]!)));
    }
    tf.dispose([x, grad]);
    model.dispose();
  });

  it('same seed, same values; other seed, other values', () => {
    const a = SequentialClassifier.create(spec, { seed: 1 });
    const b = SequentialClassifier.create(spec, { seed: 1 });
    const c = SequentialClassifier.create(spec, { seed: 2 });
    expect(a.parameterValues()).toEqual(b.parameterValues());
    expect(a.parameterValues()[0]).not.toEqual(c.parameterValues()[0]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects inputs of the wrong shape and non-finite parameters', () => {
    const model = SequentialClassifier.create(spec);
    const x = tf.zeros([2, 6, 5, 2]);
    expect(() => model.predict(x)).toThrow(/predict expects input of shape \[batch, 5, 6, 2\], got \[2, 6, 5, 2\]/);
    x.dispose();
    const values = model.parameterValues();
    values[3]![5] = Number.NaN;
    expect(() => new SequentialClassifier(spec, values)).toThrow(/layers.4.kernel: values must be finite/);
    expect(() => new SequentialClassifier(spec, values.slice(1))).toThrow(/the spec has 7 parameter tensors, got 6/);
    expect(() => model.setParameterValues([new Float32Array(2), ...values.slice(1)])).toThrow(/layers.0.kernel: shape \[3, 2, 2, 3\] needs 36 values, got 2/);
    model.dispose();
  });
});
