import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertNoLeaks, Random } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { layersModelClassifier, type LayersModelLike } from './layers-model-classifier.js';
import { denseForward, maxAbsDiff } from './test-support/reference-forward.js';

function denseModel(activation: 'linear' | 'softmax'): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [4], units: 3, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 2, activation }));
  return model;
}

describe('layersModelClassifier', () => {
  it('wraps a tfjs LayersModel: logits equal the dense forward pass on its weights, gradients reach its variables', () => {
    const model = denseModel('linear');
    const classifier = layersModelClassifier(model);
    expect(classifier.inputShape).toEqual([4]);
    expect(classifier.numClasses).toBe(2);
    expect(classifier.trainableVariables.map((v) => v.shape)).toEqual([[4, 3], [3], [3, 2], [2]]);
    const [k1, b1, k2, b2] = classifier.trainableVariables.map((v) => v.dataSync());
    const xs = new Random(1).uniformArray(8, -1, 1);
    const x = tf.tensor2d(xs, [2, 4]);
    const logits = assertNoLeaks(() => classifier.predict(x));
    const got = logits.arraySync();
    for (let n = 0; n < 2; n++) {
      const hidden = denseForward(xs.subarray(4 * n, 4 * n + 4), k1!, [4, 3], b1!).map((v) => Math.max(0, v));
      expect(maxAbsDiff(got[n]!, denseForward(hidden, k2!, [3, 2], b2!))).toBeLessThan(1e-6);
    }
    const { grads } = assertNoLeaks(() => tf.variableGrads(() => tf.sum(classifier.predict(x)), [...classifier.trainableVariables]));
    // d Σ logits / d b2 = batch size for each output.
    expect(Array.from(grads[classifier.trainableVariables[3]!.name]!.dataSync())).toEqual([2, 2]);
    tf.dispose([x, logits, ...Object.values(grads)]);
    model.dispose();
  });

  it('looks through a final softmax (issue 16: no longer refused): logits are the pre-activation', () => {
    const model = denseModel('softmax');
    const classifier = layersModelClassifier(model);
    expect(classifier.logits).toMatchObject({ removed: 'softmax activation', className: 'Dense' });
    const x = tf.tensor2d(new Random(2).uniformArray(8, -1, 1), [2, 4]);
    const [k1, b1, k2, b2] = classifier.trainableVariables.map((v) => v.dataSync());
    const got = assertNoLeaks(() => classifier.predict(x));
    const xs = x.dataSync() as Float32Array;
    for (let n = 0; n < 2; n++) {
      const hidden = denseForward(xs.subarray(4 * n, 4 * n + 4), k1!, [4, 3], b1!).map((v) => Math.max(0, v));
      expect(maxAbsDiff(got.arraySync()[n]!, denseForward(hidden, k2!, [3, 2], b2!))).toBeLessThan(1e-6);
    }
    tf.dispose([x, got]);
    model.dispose();
  });

  it('refuses a custom head whose outputs look like probabilities', () => {
    const model = denseModel('linear');
    // A head the wrapper cannot see (e.g. a custom layer) that normalizes its outputs.
    const disguised: LayersModelLike = {
      inputs: model.inputs,
      outputs: model.outputs,
      layers: model.layers,
      trainableWeights: model.trainableWeights,
      apply: (x) => model.apply(x),
      execute: (x, name) => tf.softmax(model.execute(x, name) as tf.Tensor),
    };
    expect(() => layersModelClassifier(disguised)).toThrow(/look like probabilities \(in \[0, 1\], summing to 1\): a Classifier must return logits/);
    model.dispose();
  });
});
