import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cnnLight } from './builders.js';
import { describeClassifier } from './describe-classifier.js';
import { functionClassifier } from './function-classifier.js';
import { layersModelClassifier } from './layers-model-classifier.js';
import { everyLayerModel } from './test-support/vision-models.js';

describe('describeClassifier', () => {
  it('reports shape, range, logits, parameters, repairable layers and whether gradients flow', () => {
    const model = everyLayerModel('softmax');
    const d = describeClassifier(layersModelClassifier(model, { range: '0-255', std: 255 }));
    expect(d).toMatchObject({ kind: 'tfjs-layers', inputShape: [10, 10, 3], inputRange: [0, 255], numClasses: 5, gradients: { flows: true } });
    expect(d.logits).toMatchObject({ removed: 'softmax activation' });
    expect(d.repairableLayers.at(-1)).toMatchObject({ className: 'Dense', parameterCount: 65 });
    expect(d.parameterCount).toBe(d.repairableLayers.reduce((s, l) => s + l.parameterCount, 0));
    model.dispose();
    expect(describeClassifier(cnnLight({ seed: 1 }))).toMatchObject({ kind: 'liftguard-sequential', parameterCount: 41008, inputRange: null });
  });

  it('a plain function: no variables, and a gradient that cannot flow is reported, not thrown', () => {
    const f = functionClassifier((x) => tf.tidy(() => tf.reshape(tf.stack([tf.sum(tf.round(x)), tf.sum(x)]), [1, 2]) as tf.Tensor2D), { inputShape: [3], numClasses: 2, range: [0, 1] });
    const d = describeClassifier(f);
    expect(d).toMatchObject({ kind: 'function', parameterCount: 0, repairableLayers: [], inputRange: [0, 1] });
    expect(d.gradients.flows).toBe(true);
    const broken = functionClassifier((x) => tf.tidy(() => tf.slice(tf.cumprod(tf.reshape(x, [1, 3]), 1), [0, 0], [1, 2]) as tf.Tensor2D), { inputShape: [3], numClasses: 2 });
    expect(describeClassifier(broken).gradients).toMatchObject({ flows: false, error: expect.stringMatching(/gradient function not found for Cumprod/) });
  });
});
