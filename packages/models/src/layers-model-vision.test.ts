import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { layersModelClassifier } from './layers-model-classifier.js';
import { everyLayerModel, randomizeWeights, type Head } from './test-support/vision-models.js';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** The same network and weights with the given head. */
function twin(head: Head): tfl.LayersModel {
  const model = everyLayerModel(head);
  randomizeWeights(model, 'every-layer');
  return model;
}

const rng = new Random('inputs');
const xValues = rng.uniformArray(3 * 10 * 10 * 3, 0, 1);

afterAll(async () => {
  await initBackend({ quiet: true });
});

describe('layersModelClassifier on a model with every supported layer', () => {
  it('softmax head (activation or Softmax layer): logits equal the linear-head model’s own output, gradients too', () => {
    const linear = twin('linear');
    const withActivation = twin('softmax');
    const withLayer = twin('softmax-layer');
    const x = tf.tensor4d(xValues, [3, 10, 10, 3]);
    const reference = linear.predict(x) as tf.Tensor;
    const referenceGradient = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(linear.predict(v) as tf.Tensor, tf.tensor1d([1, -2, 0.5, 3, -1]))))(x);
    for (const model of [withActivation, withLayer]) {
      const classifier = layersModelClassifier(model);
      expect(classifier.numClasses).toBe(5);
      expect(classifier.logits.removed).toMatch(/softmax/);
      const logits = assertNoLeaks(() => classifier.predict(x));
      expect(maxAbsDiff(logits.dataSync(), reference.dataSync())).toBeLessThanOrEqual(1e-5);
      // The model's own probabilities are the softmax of those logits.
      const probabilities = model.predict(x) as tf.Tensor;
      const softmaxOfLogits = tf.softmax(logits);
      expect(maxAbsDiff(softmaxOfLogits.dataSync(), probabilities.dataSync())).toBeLessThan(1e-6);
      const gradient = assertNoLeaks(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(classifier.predict(v), tf.tensor1d([1, -2, 0.5, 3, -1]))))(x));
      expect(maxAbsDiff(gradient.dataSync(), referenceGradient.dataSync())).toBeLessThanOrEqual(1e-5);
      tf.dispose([logits, probabilities, softmaxOfLogits, gradient]);
    }
    expect(layersModelClassifier(withLayer).logits).toMatchObject({ removed: 'softmax layer', className: 'Dense' });
    tf.dispose([x, reference, referenceGradient]);
    for (const m of [linear, withActivation, withLayer]) m.dispose();
  });

  it('input gradients match central finite differences (float64 sums of float32 logits)', () => {
    const model = twin('softmax');
    const classifier = layersModelClassifier(model);
    const x = tf.tensor4d(xValues, [3, 10, 10, 3]);
    const weights = tf.tensor1d([0.3, -1, 2, 0.5, -0.7]);
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(classifier.predict(v), weights));
    const gradient = tf.grad(loss)(x).dataSync();
    const scale = Math.max(...Array.from(gradient, Math.abs));
    const picker = new Random('coordinates');
    let worst = 0;
    for (let k = 0; k < 12; k++) {
      const at = picker.int(xValues.length);
      const h = 1e-2;
      const evaluate = (delta: number) => tf.tidy(() => {
        const shifted = xValues.slice();
        shifted[at]! += delta;
        return loss(tf.tensor4d(shifted, [3, 10, 10, 3])).dataSync()[0]!;
      });
      worst = Math.max(worst, Math.abs((evaluate(h) - evaluate(-h)) / (2 * h) - gradient[at]!) / scale);
    }
    expect(worst).toBeLessThan(2e-2);
    tf.dispose([x, weights]);
    model.dispose();
  });

  it('gives the same logits and input gradients on wasm and on cpu', async () => {
    const results: Float32Array[][] = [];
    for (const backend of ['wasm', 'cpu']) {
      await initBackend({ backend, quiet: true });
      const model = twin('softmax');
      const classifier = layersModelClassifier(model);
      const x = tf.tensor4d(xValues, [3, 10, 10, 3]);
      const logits = classifier.predict(x);
      const gradient = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(classifier.predict(v), tf.tensor1d([1, 2, 3, 4, 5]))))(x);
      results.push([logits.dataSync() as Float32Array, gradient.dataSync() as Float32Array]);
      tf.dispose([x, logits, gradient]);
      model.dispose();
    }
    expect(maxAbsDiff(results[0]![0]!, results[1]![0]!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(results[0]![1]!, results[1]![1]!)).toBeLessThan(1e-4);
    await initBackend({ quiet: true });
  });

  it('a single sigmoid unit becomes two logits [0, z] whose softmax is the model’s [1 − p, p]', () => {
    const model = twin('sigmoid-binary');
    const classifier = layersModelClassifier(model);
    expect(classifier.numClasses).toBe(2);
    expect(classifier.logits).toMatchObject({ removed: 'sigmoid activation', binarySigmoid: true });
    const x = tf.tensor4d(xValues, [3, 10, 10, 3]);
    const p = (model.predict(x) as tf.Tensor).dataSync();
    const softmax = tf.tidy(() => tf.softmax(classifier.predict(x)).dataSync());
    for (let n = 0; n < 3; n++) expect(Math.abs(softmax[2 * n + 1]! - p[n]!)).toBeLessThan(1e-6);
    x.dispose();
    model.dispose();
  });

  it('logitsLayer picks another layer; bad names and non-logit layers are clear errors', () => {
    const model = twin('softmax');
    const hidden = model.layers.filter((l) => l.getClassName() === 'Dense').at(-2)!.name;
    const classifier = layersModelClassifier(model, { logitsLayer: hidden });
    expect(classifier.numClasses).toBe(12);
    expect(() => layersModelClassifier(model, { logitsLayer: 'nope' })).toThrow(/no layer named 'nope'; the model's layers are input/);
    const conv = model.layers.find((l) => l.getClassName() === 'Conv2D')!.name;
    const gray = tf.zeros([1, 10, 10, 1]);
    expect(() => classifier.predict(gray)).toThrow(/input has shape \[1, 10, 10, 1\], the model expects \[batch, 10, 10, 3\] \(channels: expected 3, got 1\)/);
    gray.dispose();
    expect(() => layersModelClassifier(model, { logitsLayer: conv })).toThrow(new RegExp(`layer '${conv}' \\(Conv2D\\) outputs \\[batch, 5, 5, 6\\], not logits \\[batch, classes\\]`));
    model.dispose();
  });
});
