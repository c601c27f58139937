import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experimentSplits, loadDataset, sliceImageSet, type ImageSet } from '@liftguard/data';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, Random, type Classifier } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnLight, mlp } from './builders.js';
import { accuracy } from './labeled-examples.js';
import { directoryCheckpoint } from './directory-checkpoint.js';
import { loadClassifier } from './model-files.js';
import { trainClassifier, type TrainingEvent } from './train-classifier.js';

let train: ImageSet;
let validation: ImageSet;

beforeAll(async () => {
  // A small real subset: the first 1,000 MNIST training images, 500 validation images from the held-out last 10,000.
  const splits = experimentSplits(await loadDataset('mnist', { env: {} }), { trainSize: 1_000 });
  train = splits.train;
  validation = sliceImageSet(splits.validation, 0, 500);
});

const bits = (values: Float32Array[]) => values.map((v) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length)));

describe('trainClassifier', () => {
  it('learns MNIST from 1,000 images, decays the learning rate, reports progress and keeps the best epoch', async () => {
    const model = mlp([784, 64, 10], { seed: 1 });
    const events: TrainingEvent[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-train-'));
    const result = await assertNoLeaksAsync(() =>
      trainClassifier(model, {
        train,
        validation,
        epochs: 3,
        batchSize: 50,
        seed: 1,
        learningRate: 4e-3,
        learningRateDecay: 0.7,
        checkpoint: directoryCheckpoint(dir),
        onEvent: (e) => events.push(e),
      }),
    );
    // Chance is 10%; an MLP reaches well above 80% on 1,000 MNIST images within 3 epochs.
    expect(result.bestValidationAccuracy!).toBeGreaterThan(0.8);
    expect(result.history.map((r) => r.learningRate)).toEqual([4e-3, 4e-3 * 0.7, 4e-3 * 0.7 ** 2].map((v) => expect.closeTo(v, 12)));
    expect(result.history[2]!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
    const best = result.history.reduce((a, b) => (b.validationAccuracy! > a.validationAccuracy! ? b : a));
    expect(result.bestEpoch).toBe(best.epoch);
    // The model holds the best epoch's weights, and the checkpoint on disk is that model.
    expect(accuracy(model, validation)).toBe(result.bestValidationAccuracy);
    const saved = await loadClassifier(dir);
    expect(bits(saved.parameterValues())).toEqual(bits(model.parameterValues()));
    saved.dispose();
    expect(events[0]).toEqual({ type: 'start', epochs: 3, batchesPerEpoch: 20, trainCount: 1_000 });
    expect(events.filter((e) => e.type === 'batch').map((e) => (e as { batch: number }).batch)).toEqual([9, 19, 9, 19, 9, 19]);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'end', bestEpoch: result.bestEpoch });
    model.dispose();
  });

  it('is deterministic given the seed', async () => {
    const run = async (seed: number) => {
      const model = mlp([784, 16, 10], { seed: 3 });
      await trainClassifier(model, { train: sliceImageSet(train, 0, 200), epochs: 1, batchSize: 32, seed });
      const values = model.parameterValues();
      model.dispose();
      return bits(values);
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });

  it('squared loss with SGD separates a linearly separable problem', async () => {
    // Two Gaussian blobs in 2-D at ±(2, 2): separable with margin.
    const random = new Random(9);
    const count = 200;
    const images = new Float32Array(2 * count);
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 2;
      const sign = labels[i] ? 1 : -1;
      images[2 * i] = 2 * sign + 0.5 * random.normal();
      images[2 * i + 1] = 2 * sign + 0.5 * random.normal();
    }
    const model = mlp([2, 2], { initialization: 'pytorch', seed: 2 });
    const result = await assertNoLeaksAsync(() =>
      trainClassifier(model, { train: { images, labels, count }, validation: { images, labels, count }, epochs: 10, batchSize: 20, seed: 1, loss: 'squared', optimizer: 'sgd', learningRate: 0.05, momentum: 0.5 }),
    );
    expect(result.bestValidationAccuracy).toBeGreaterThanOrEqual(0.98);
    model.dispose();
  });

  it('trains CNNLight (conv gradients on this backend) without leaking', async () => {
    const model = cnnLight({ seed: 4 });
    const before = model.parameterValues();
    const small = sliceImageSet(train, 0, 128);
    const result = await assertNoLeaksAsync(() => trainClassifier(model, { train: small, epochs: 1, batchSize: 64, seed: 2 }));
    expect(Number.isFinite(result.history[0]!.trainLoss)).toBe(true);
    // Every parameter tensor moved (Adam's first step moves each weight with a non-zero gradient by ~lr).
    model.parameterValues().forEach((v, i) => expect(v).not.toEqual(before[i]));
    expect(result.bestEpoch).toBeNull();
    model.dispose();
  });

  it('rejects impossible settings and data that do not fit the model', async () => {
    const model = mlp([784, 8, 10]);
    const base = { train, epochs: 1, batchSize: 10, seed: 1 };
    await expect(trainClassifier(model, { ...base, epochs: 0 })).rejects.toThrow(/epochs must be a positive integer, got 0/);
    await expect(trainClassifier(model, { ...base, learningRate: Number.NaN })).rejects.toThrow(/learningRate must be a positive finite number, got NaN/);
    await expect(trainClassifier(model, { ...base, learningRateDecay: 1.5 })).rejects.toThrow(/learningRateDecay must be in \(0, 1\]/);
    await expect(trainClassifier(model, { ...base, optimizer: 'rmsprop' as never })).rejects.toThrow(/unknown optimizer 'rmsprop'/);
    await expect(trainClassifier(model, { ...base, train: { images: new Float32Array(10), labels: new Int32Array(1), count: 1 } })).rejects.toThrow(
      /train: 1 examples of input shape \[784\] need 784 values, got 10/,
    );
    await expect(trainClassifier(model, { ...base, train: { images: new Float32Array(784), labels: Int32Array.from([10]), count: 1 } })).rejects.toThrow(/label 10 at index 0 is not a class in 0..9/);
    await expect(trainClassifier(model, { ...base, train: { images: new Float32Array(784).fill(Number.NaN), labels: Int32Array.from([1]), count: 1 } })).rejects.toThrow(
      /train: input value NaN at example 0 is not finite/,
    );
    await expect(
      trainClassifier(model, { ...base, train: { images: new Float32Array(784).fill(1e30), labels: Int32Array.from([1]), count: 1 }, loss: 'squared', optimizer: 'sgd', learningRate: 1e10 }),
    ).rejects.toThrow(/training diverged: loss is (NaN|Infinity)/);
    model.dispose();
  });
});

describe('trainClassifier with an objective and a stop signal', () => {
  it('an objective computing the squared loss trains bit-identically to the built-in squared loss', async () => {
    const subset = sliceImageSet(train, 0, 120);
    const run = async (loss: Parameters<typeof trainClassifier>[1]['loss']) => {
      const model = mlp([784, 12, 10], { seed: 4 });
      const result = await trainClassifier(model, { train: subset, epochs: 2, batchSize: 40, seed: 1, loss });
      const values = model.parameterValues();
      model.dispose();
      return { values: bits(values), history: result.history };
    };
    const objective = {
      name: 'squared-by-hand',
      compute(model: Classifier, batch: { x: tf.Tensor; oneHot: tf.Tensor2D; labels: Int32Array }) {
        const { value, grads } = tf.variableGrads(
          () => tf.mean(tf.mul(0.5, tf.sum(tf.square(tf.sub(model.predict(batch.x), batch.oneHot)), 1))) as tf.Scalar,
          [...model.trainableVariables],
        );
        const number = value.dataSync()[0]!;
        value.dispose();
        return { value: number, grads, diagnostics: { labelsSeen: batch.labels.length } };
      },
    };
    const builtIn = await run('squared');
    const custom = await run(objective);
    expect(custom.values).toEqual(builtIn.values);
    expect(custom.history.map((e) => e.trainLoss)).toEqual(builtIn.history.map((e) => e.trainLoss));
    expect(custom.history[0]!.diagnostics).toEqual({ labelsSeen: 40 });
  });

  it('stops after the current batch when the signal aborts, keeping the checkpoint loadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-stop-'));
    const model = mlp([784, 8, 10], { seed: 2 });
    const controller = new AbortController();
    let batchesSeen = 0;
    const result = await trainClassifier(model, {
      train: sliceImageSet(train, 0, 200),
      validation,
      epochs: 3,
      batchSize: 20,
      seed: 0,
      checkpoint: directoryCheckpoint(dir),
      batchEventEvery: 1,
      onEvent: (event) => {
        if (event.type === 'batch' && event.epoch === 1 && ++batchesSeen === 2) controller.abort();
      },
      signal: controller.signal,
    });
    expect(result.stopped).toBe(true);
    expect(result.history).toHaveLength(1);
    const reloaded = await loadClassifier(dir);
    expect(reloaded.parameterCount).toBe(model.parameterCount);
    reloaded.dispose();
    model.dispose();
  });

  it('sees a real SIGINT within a second even with 2 batches per epoch, and reports stoppedEarly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-sigint-'));
    const model = mlp([784, 8, 10], { seed: 3 });
    const controller = new AbortController();
    let abortedAt = 0;
    const onSigint = () => {
      abortedAt = performance.now();
      controller.abort();
    };
    process.once('SIGINT', onSigint);
    // Sent from outside, like a terminal's Ctrl-C, while the trainer is busy.
    const { spawn } = await import('node:child_process');
    spawn('sh', ['-c', `sleep 0.5; kill -INT ${process.pid}`], { stdio: 'ignore' });
    const result = await assertNoLeaksAsync(() =>
      trainClassifier(model, {
        train: sliceImageSet(train, 0, 200),
        validation: sliceImageSet(validation, 0, 50),
        epochs: 100_000,
        batchSize: 100,
        seed: 0,
        checkpoint: directoryCheckpoint(dir),
        signal: controller.signal,
      }),
    );
    const returnedAt = performance.now();
    process.removeListener('SIGINT', onSigint);
    expect(abortedAt).toBeGreaterThan(0);
    expect(returnedAt - abortedAt).toBeLessThan(1000);
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(100_000);
    // The last good checkpoint is on disk and loads.
    const reloaded = await loadClassifier(dir);
    expect(reloaded.parameterCount).toBe(model.parameterCount);
    reloaded.dispose();
    model.dispose();
  });
});
