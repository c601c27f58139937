import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { compileForward } from './layers-forward.js';
import { layersModelClassifier, type LayersModelLike } from './layers-model-classifier.js';
import { randomizeWeights } from './test-support/vision-models.js';

type Symbolic = tfl.SymbolicTensor;
const L = tfl.layers;
const apply = (layer: tfl.layers.Layer, x: Symbolic | Symbolic[]) => layer.apply(x) as Symbolic;
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/**
 * A small MobileNetV2: conv → BN → relu6 stem (stride 2, 'same'), an inverted-residual block
 * with an Add, a stride-2 'valid' depthwise, conv with its own relu activation, a conv + BN
 * without activation, a layer the executor does not know (max pooling: runs via `apply`),
 * global average pooling and a softmax dense head.
 */
function miniMobileNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [17, 15, 3] });
  const bnRelu6 = (x: Symbolic) => apply(L.reLU({ maxValue: 6 }), apply(L.batchNormalization({ epsilon: 1e-3 }), x));
  let x = bnRelu6(apply(L.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false }), input));
  const h1 = bnRelu6(apply(L.conv2d({ filters: 24, kernelSize: 1, useBias: false }), x));
  const h2 = bnRelu6(apply(L.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }), h1));
  const h3 = apply(L.batchNormalization({}), apply(L.conv2d({ filters: 8, kernelSize: 1, useBias: false }), h2));
  x = apply(L.add(), [x, h3]);
  x = apply(L.activation({ activation: 'relu6' }), apply(L.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'valid', depthMultiplier: 2 }), x));
  x = apply(L.conv2d({ filters: 12, kernelSize: 2, activation: 'relu' }), x);
  x = apply(L.maxPooling2d({ poolSize: 2, strides: 1 }), x);
  x = apply(L.globalAveragePooling2d({}), x);
  const output = apply(L.dense({ units: 5, activation: 'softmax' }), x);
  const model = tfl.model({ inputs: input, outputs: output });
  randomizeWeights(model, 'mini-mobilenet');
  return model;
}

afterAll(async () => {
  await initBackend({ quiet: true });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`compileForward (fused conv + batch norm + relu6) on ${backend}`, () => {
    it('logits equal tfjs-layers’ own execution to 1e-5, input gradients match it and a central difference, no leaks', async () => {
      await initBackend({ backend, quiet: true });
      const model = miniMobileNet();
      const fused = layersModelClassifier(model, { range: '0-255', std: 255 });
      const reference = layersModelClassifier(model, { range: '0-255', std: 255, fuse: false });
      const rng = new Random(`inputs/${backend}`);
      const x = tf.tensor4d(rng.uniformArray(4 * 17 * 15 * 3, 0, 255), [4, 17, 15, 3]);
      const logits = assertNoLeaks(() => fused.predict(x));
      const expected = reference.predict(x);
      expect(maxAbsDiff(logits.dataSync(), expected.dataSync())).toBeLessThanOrEqual(1e-5 * Math.max(1, ...Array.from(expected.dataSync(), Math.abs)));
      const labels = tf.oneHot([0, 1, 2, 3], 5);
      const loss = (c: typeof fused) => (v: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, c.predict(v), undefined, undefined, tf.Reduction.SUM);
      const gradient = assertNoLeaks(() => tf.grad(loss(fused))(x));
      const expectedGradient = tf.grad(loss(reference))(x);
      const scale = Math.max(...Array.from(expectedGradient.dataSync(), Math.abs));
      expect(maxAbsDiff(gradient.dataSync(), expectedGradient.dataSync())).toBeLessThanOrEqual(1e-4 * scale);
      const direction = tf.div(gradient, tf.norm(gradient));
      const h = 0.05; // pixel units
      const fd = tf.tidy(() => (loss(fused)(tf.add(x, tf.mul(direction, h))).dataSync()[0]! - loss(fused)(tf.sub(x, tf.mul(direction, h))).dataSync()[0]!) / (2 * h));
      const analytic = tf.sum(tf.mul(gradient, direction)).dataSync()[0]!;
      expect(Math.abs(fd - analytic)).toBeLessThanOrEqual(0.02 * Math.abs(analytic));
      tf.dispose([x, logits, expected, labels, gradient, expectedGradient, direction]);
      model.dispose();
    });

    it('gradients in the model’s variables (training through predict) equal tfjs-layers’', async () => {
      await initBackend({ backend, quiet: true });
      const model = miniMobileNet();
      const fused = layersModelClassifier(model);
      const reference = layersModelClassifier(model, { fuse: false });
      const x = tf.tensor4d(new Random('variables').uniformArray(2 * 17 * 15 * 3), [2, 17, 15, 3]);
      const gradsOf = (c: typeof fused) => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(c.predict(x))) as tf.Scalar, [...c.trainableVariables]);
        value.dispose();
        return grads;
      };
      const ours = assertNoLeaks(() => gradsOf(fused));
      const theirs = gradsOf(reference);
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      for (const name of Object.keys(theirs)) {
        const scale = Math.max(1e-3, ...Array.from(theirs[name]!.dataSync(), Math.abs));
        expect(maxAbsDiff(ours[name]!.dataSync(), theirs[name]!.dataSync()), name).toBeLessThanOrEqual(1e-4 * scale);
      }
      tf.dispose([x, ...Object.values(ours), ...Object.values(theirs)]);
      model.dispose();
    });
  });
}

describe('compileForward kernels', () => {
  it('an input gradient runs fused conv kernels, no batch norm and no filter gradient', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const model = miniMobileNet();
    const classifier = layersModelClassifier(model);
    const x = tf.tensor4d(new Random('kernels').uniformArray(2 * 17 * 15 * 3), [2, 17, 15, 3]);
    const profile = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(classifier.predict(v)))(x));
    const kernels = new Set(profile.kernels.map((k) => k.name));
    expect(kernels).toContain('FusedConv2D');
    expect(kernels).toContain('FusedDepthwiseConv2D');
    expect(kernels).toContain('MaxPool'); // the layer the executor does not know, through its own apply
    for (const absent of ['FusedBatchNorm', 'Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter']) expect(kernels).not.toContain(absent);
    tf.dispose([x, profile.result as tf.Tensor]);
    model.dispose();
  });
});

describe('compileForward falls back', () => {
  it('returns null for a layer used twice (the caller then runs model.execute)', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const input = tfl.input({ shape: [4] });
    const shared = L.dense({ units: 4 });
    const model = tfl.model({ inputs: input, outputs: apply(shared, apply(shared, input)) });
    expect(compileForward(model as unknown as LayersModelLike, model.outputs[0]!.name)).toBeNull();
    model.dispose();
  });
});
