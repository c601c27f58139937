import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { Random } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { loadLayersModelClassifier } from './tfjs-artifacts.js';

// The pretrained MobileNetV2 nsfwjs ships (224×224×3, 5 classes, Dense + softmax, uint8-quantized
// weights as JS modules): a devDependency, so the test always runs.
const require = createRequire(import.meta.url);
const nsfwjsModel = require('nsfwjs/models/mobilenet_v2').MobileNetV2Model as { modelJson(): Promise<{ default: unknown }>; weightBundles: (() => Promise<{ default: string }>)[] };

describe('a shipped pretrained model: nsfwjs MobileNetV2', () => {
  it('logits whose softmax is nsfwjs’ own output, input gradients that match a finite difference', async () => {
    const modelJson = (await nsfwjsModel.modelJson()).default;
    const shard = (await nsfwjsModel.weightBundles[0]!()).default;
    const classifier = await loadLayersModelClassifier({ modelJson: modelJson as never, weights: { 'group1-shard1of1': shard } }, { range: '0-255', std: 255 });
    expect(classifier.inputShape).toEqual([224, 224, 3]);
    expect(classifier.numClasses).toBe(5);
    expect(classifier.logits.removed).toBe('softmax activation');
    const image = tf.tensor4d(new Random('nsfwjs').uniformArray(224 * 224 * 3, 0, 255), [1, 224, 224, 3]);
    const logits = classifier.predict(image);
    const own = (classifier.model as unknown as { predict(x: tf.Tensor): tf.Tensor }).predict(tf.div(image, 255));
    expect(tf.max(tf.abs(tf.sub(tf.softmax(logits), own))).dataSync()[0]).toBeLessThan(1e-6);
    const label = tf.argMax(logits, 1).dataSync()[0]!;
    const loss = (x: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot([label], 5), classifier.predict(x));
    const gradient = tf.grad(loss)(image);
    const direction = tf.div(gradient, tf.norm(gradient));
    const h = 0.5; // pixel units
    const fd = (loss(tf.add(image, tf.mul(direction, h))).dataSync()[0]! - loss(tf.sub(image, tf.mul(direction, h))).dataSync()[0]!) / (2 * h);
    const analytic = tf.sum(tf.mul(gradient, direction)).dataSync()[0]!;
    expect(Math.abs(fd - analytic) / Math.abs(analytic)).toBeLessThan(0.05);
    tf.dispose([image, logits, own, gradient, direction]);
    (classifier.model as unknown as { dispose(): void }).dispose();
  }, 120_000);
});
